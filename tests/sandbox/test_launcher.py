"""launcher.py for the other kinds of caller: a non-root user, and root handing over to nobody.

The project's venv here lives under /root (out of nobody's reach), so these probes run the
stdlib-only launcher with the system Python, which any user can execute.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from devsecbots.nodes.sandbox import bwrap, layout
from devsecbots.nodes.sandbox.interpreter import describe
from devsecbots.nodes.sandbox.launcher import PROCESS_CAP, REFUSED
from devsecbots.nodes.sandbox.runner import (
    LAUNCHER,
    launcher_config,
    read_layers,
    sandbox_environment,
)

from tests.sandbox.test_containment import BOMB

SYSTEM_PYTHON = "/usr/bin/python3"
NOBODY = (65534, 65534)

PROBE = """
import ctypes, errno, json, os, resource, sys
libc = ctypes.CDLL(None, use_errno=True)
outside, port = sys.argv[1], int(sys.argv[2])
fd = libc.open(outside.encode(), os.O_WRONLY | os.O_CREAT, 0o644)
sock = libc.socket(2, 1 | 0o4000, 0)
address = (2).to_bytes(2, "little") + port.to_bytes(2, "big") + bytes([127, 0, 0, 1]) + bytes(8)
rc = libc.connect(sock, address, 16)
connect_errno = ctypes.get_errno()
with open("inside.txt", "w") as handle:
    handle.write("ok")
print(json.dumps({"uid": os.getuid(), "nproc": resource.getrlimit(resource.RLIMIT_NPROC)[0],
                  "wrote_outside": fd >= 0,
                  "connected": rc == 0 or connect_errno == errno.EINPROGRESS}))
"""

needs_root = pytest.mark.skipif(
    os.geteuid() != 0 or not os.access(SYSTEM_PYTHON, os.X_OK),
    reason="needs root (to act as another user) and a system Python",
)


def test_launcher_refuses_to_run_without_the_required_layers() -> None:
    box = layout.create({"tests/test_x.py": ""}, None)
    report_read, report_write = os.pipe()
    try:
        marker = box.out / "ran"
        argv = [sys.executable, "-c", f"open({str(marker)!r}, 'w').close()"]
        config = {
            **launcher_config(box, argv, timeout=10, owner=None, report_fd=report_write),
            "require": [["netns", "landlock-net"], ["no-such-layer"]],
        }
        done = subprocess.run(
            [sys.executable, "-I", str(LAUNCHER), json.dumps(config)],
            cwd=box.project,
            env=sandbox_environment(box),
            capture_output=True,
            text=True,
            timeout=30,
            pass_fds=(report_write,),
        )
        os.close(report_write)
        assert "netns" in read_layers(report_read)
        assert done.returncode == REFUSED
        assert "refusing" in done.stderr and not marker.exists()
    finally:
        layout.remove(box)


@needs_root
@pytest.mark.parametrize("caller", ["non-root user", "root dropping to nobody"])
def test_layers_hold_for_other_callers(caller: str) -> None:
    outside = Path(f"/tmp/devsecbots-escape-{uuid.uuid4().hex}")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    box = layout.create({"tests/test_x.py": ""}, NOBODY)
    # A copy nobody can read: the checkout may sit under a private directory (mktemp -d, /root).
    readable = Path(tempfile.mkdtemp(prefix="devsecbots-launcher-"))
    readable.chmod(0o755)
    for source in LAUNCHER.parent.glob("*.py"):  # the launcher and its stdlib-only siblings
        (readable / source.name).write_bytes(source.read_bytes())
        (readable / source.name).chmod(0o644)
    launcher = readable / LAUNCHER.name
    report_read, report_write = os.pipe()
    try:
        argv = [SYSTEM_PYTHON, "-I", "-c", PROBE, str(outside), str(listener.getsockname()[1])]
        as_nobody = caller == "non-root user"
        owner = None if as_nobody else NOBODY
        config = launcher_config(box, argv, timeout=10, owner=owner, report_fd=report_write)
        config["readable"] += [str(readable), SYSTEM_PYTHON, os.path.realpath(SYSTEM_PYTHON)]
        config["keep_readonly"] += [str(readable)]
        done = subprocess.run(
            [SYSTEM_PYTHON, "-I", str(launcher), json.dumps(config)],
            cwd=box.project,
            env=sandbox_environment(box),
            capture_output=True,
            text=True,
            timeout=30,
            pass_fds=(report_write,),
            **({"user": NOBODY[0], "group": NOBODY[1], "extra_groups": []} if as_nobody else {}),
        )
        os.close(report_write)
        assert done.returncode == 0, done.stderr
        probe = json.loads(done.stdout)
        layers = read_layers(report_read)
        assert (box.project / "inside.txt").read_text() == "ok"
    finally:
        layout.remove(box)
        shutil.rmtree(readable, ignore_errors=True)
        listener_got = _accepted(listener)
        listener.close()
    assert probe["uid"] == NOBODY[0]
    assert not probe["wrote_outside"] and not outside.exists()
    assert not probe["connected"] and not listener_got
    assert probe["nproc"] != -1, "RLIMIT_NPROC applies to a non-root uid"
    assert {"netns", "pidns", "mountns", "fresh-proc", "hidden-dirs"} <= set(layers)
    assert {"landlock-fs", "landlock-read", "landlock-net"} <= set(layers)
    assert ("userns" in layers) if as_nobody else ("uid-65534" in layers)


def _accepted(listener: socket.socket) -> bool:
    try:
        listener.accept()[0].close()
    except BlockingIOError:
        return False
    return True


@needs_root
def test_process_cap_holds_for_root_without_capabilities() -> None:
    """When root cannot hand over to nobody, the PID namespace's pid_max is the cap: pids there
    start at 1, so without moving past the reserved ones 300 more forks would succeed."""
    release = tuple(int(x) for x in os.uname().release.split(".")[:2] if x.isdigit())
    if release < (6, 14):
        pytest.skip("a per-namespace pid_max needs Linux 6.14+")
    box = layout.create({"tests/test_x.py": ""}, None)
    report_read, report_write = os.pipe()
    try:
        argv = [sys.executable, "-c", BOMB]
        here = list(describe().paths)  # this interpreter lives in /root, which the launcher hides
        config = launcher_config(
            box, argv, timeout=30, owner=None, readonly=here, report_fd=report_write
        )
        done = subprocess.run(
            [sys.executable, "-I", str(LAUNCHER), json.dumps(config)],
            env=sandbox_environment(box),
            capture_output=True,
            text=True,
            timeout=60,
            pass_fds=(report_write,),
        )
        os.close(report_write)
        layers = read_layers(report_read)
    finally:
        layout.remove(box)
    assert "pid-max" in layers and "uid-65534" not in layers, layers
    assert done.stdout.startswith("contained after"), done.stdout + done.stderr
    assert int(done.stdout.split()[-1]) <= PROCESS_CAP


@needs_root
def test_a_non_root_caller_under_bubblewrap_gets_the_same_cap() -> None:
    """bwrap as an ordinary user makes a user namespace, where RLIMIT_NPROC counts only the
    sandbox's processes: the cap needs no machine-wide count."""
    tool = bwrap.find()
    if tool is None:
        pytest.skip("bubblewrap is not installed or cannot create its namespaces here")
    box = layout.create({"tests/test_x.py": ""}, NOBODY)
    report_read, report_write = os.pipe()
    try:
        config = launcher_config(
            box,
            [SYSTEM_PYTHON, "-c", BOMB],
            timeout=30,
            owner=None,
            mode="bwrap",
            readonly=[SYSTEM_PYTHON, os.path.realpath(SYSTEM_PYTHON)],
            report_fd=report_write,
        )
        wrap = bwrap.command(
            tool,
            readonly=config["keep_readonly"],
            writable=box.writable(),
            workdir="/",
            as_root=False,
        )
        done = subprocess.run(
            [*wrap, SYSTEM_PYTHON, "-I", str(box.launcher / "launcher.py"), json.dumps(config)],
            env=sandbox_environment(box, SYSTEM_PYTHON),
            capture_output=True,
            text=True,
            timeout=60,
            pass_fds=(report_write,),
            user=NOBODY[0],
            group=NOBODY[1],
            extra_groups=[],
        )
        os.close(report_write)
        layers = read_layers(report_read)
    finally:
        layout.remove(box)
    assert {"bwrap", "landlock-read"} <= set(layers), (layers, done.stderr)
    assert done.stdout.startswith("contained after"), done.stdout + done.stderr
    assert int(done.stdout.split()[-1]) <= PROCESS_CAP
