"""No bubblewrap and no user namespaces: the tests are not run, and the report says so.

The CLI runs in a child that entered a user namespace of its own and set that namespace's
max_user_namespaces to 0: it is not root there, bwrap cannot make its namespaces and the
fallback cannot make a user namespace, exactly as on a host that disables them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHILD = """
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.unshare(0x10000000) != 0:  # CLONE_NEWUSER
    sys.exit(f"SKIP cannot create a user namespace (errno {ctypes.get_errno()})")
with open("/proc/sys/user/max_user_namespaces", "w") as handle:
    handle.write("0")
sys.argv = ["devsecbots", *sys.argv[1:]]
from devsecbots import cli
cli.main()
"""


def test_no_sandbox_means_tests_not_run(tmp_path: Path) -> None:
    marker = Path(f"/tmp/devsecbots-ran-unsandboxed-{uuid.uuid4().hex}")
    source = tmp_path / "src"
    (source / "tests").mkdir(parents=True)
    (source / "app.py").write_text("def add(a, b):\n    return a + b\n")
    (source / "tests" / "test_app.py").write_text(
        f"def test_add():\n    open({str(marker)!r}, 'w').close()\n"
    )
    out = tmp_path / "out"
    args = ["harden", str(source), "--out", str(out), "--offline", "--analyzers", "bandit"]
    args += ["--python", sys.executable]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args, "--no-persist"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    if done.stderr.startswith("SKIP"):
        pytest.skip(done.stderr.strip())
    assert done.returncode in (0, 1), done.stdout + done.stderr
    report = json.loads((out / "devsecbots-report.json").read_text())
    assert report["tests"].startswith("tests not run: no sandbox available"), report["tests"]
    assert "tests not run: no sandbox available" in (out / "SECURITY-REPORT.md").read_text()
    assert not marker.exists(), "the tests ran without a sandbox"
