"""Hostile test suites run in the sandbox: the network, the disk, time, processes, memory, secrets.

Each inner suite asserts that its attack was blocked, so a typo or an unrelated error in it shows
up as a failure here; the outer test then checks the outside world too (listener, files, /proc).
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from pathlib import Path

import pytest
from devsecbots.nodes.sandbox import run_project_tests
from devsecbots.nodes.sandbox.launcher import PROCESS_CAP

# Every attack runs under bubblewrap and under the fallback (see conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("containment")]

RAW = '''
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
BLOCKED = (errno.EACCES, errno.EPERM, errno.ENETUNREACH, errno.EROFS, errno.ENOENT)

def raw(call, *args):
    """Call libc directly, past the audit hook; (result, errno)."""
    ctypes.set_errno(0)
    return getattr(libc, call)(*args), ctypes.get_errno()

def sockaddr(ip, port):
    family, port = (2).to_bytes(2, "little"), port.to_bytes(2, "big")
    return family + port + bytes(map(int, ip.split("."))) + bytes(8)
'''


def suite(code: str) -> dict[str, str]:
    """A project whose only file is this inner test module (plus the raw-libc helpers)."""
    return {"tests/helpers_raw.py": RAW, "tests/test_attack.py": code}


def assert_all_passed(result, expected: int) -> None:
    assert result is not None
    assert (result.passed, result.failing) == (expected, ()), result.output


def test_network_is_unreachable_from_python_and_from_native_code() -> None:
    tcp = socket.create_server(("127.0.0.1", 0))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    tcp.setblocking(False)
    udp.setblocking(False)
    port, udp_port = tcp.getsockname()[1], udp.getsockname()[1]
    code = f"""
import socket, pytest
from helpers_raw import raw, sockaddr, BLOCKED

@pytest.mark.parametrize("host", ["127.0.0.1", "192.0.2.1"])  # our listener; TEST-NET-1
def test_python_connect_is_refused(host):
    with pytest.raises(PermissionError, match="devsecbots sandbox"):
        socket.create_connection((host, {port}), timeout=2)

def test_name_resolution_is_refused():
    with pytest.raises(PermissionError):
        socket.getaddrinfo("example.com", 443)

@pytest.mark.parametrize("host", ["127.0.0.1", "192.0.2.1"])
def test_native_tcp_connect_fails(host):
    fd, err = raw("socket", 2, 1 | 0o4000, 0)  # AF_INET, SOCK_STREAM | SOCK_NONBLOCK
    assert fd >= 0, err
    address = sockaddr(host, {port})
    rc, err = raw("connect", fd, address, len(address))
    assert rc == -1 and err in BLOCKED, (rc, err)

def test_native_udp_send_fails():
    fd, err = raw("socket", 2, 2, 0)  # AF_INET, SOCK_DGRAM
    address = sockaddr("192.0.2.1", {udp_port})
    rc, err = raw("sendto", fd, b"leak", 4, 0, address, len(address))
    assert rc == -1 and err in BLOCKED, (rc, err)

def test_native_udp_to_loopback_stays_in_the_sandbox():
    fd, err = raw("socket", 2, 2, 0)  # bubblewrap brings up a loopback of the sandbox's own:
    address = sockaddr("127.0.0.1", {udp_port})  # the outer test checks nothing arrived
    raw("sendto", fd, b"leak", 4, 0, address, len(address))
"""
    try:
        assert_all_passed(run_project_tests(suite(code), timeout=20), 7)
        with pytest.raises(BlockingIOError):
            tcp.accept()
        with pytest.raises(BlockingIOError):
            udp.recv(16)
    finally:
        tcp.close()
        udp.close()


def test_writes_outside_the_sandbox_fail_and_leave_nothing(tmp_path: Path) -> None:
    outside = tmp_path / "escape.txt"
    system_tmp = Path(f"/tmp/devsecbots-escape-{uuid.uuid4().hex}")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    code = f"""
import os, pytest, shutil
from pathlib import Path
from helpers_raw import raw, BLOCKED

@pytest.mark.parametrize("path", [{str(outside)!r}, {str(system_tmp)!r}])
def test_python_write_is_refused(path):
    with pytest.raises(PermissionError, match="devsecbots sandbox"):
        open(path, "w")

@pytest.mark.parametrize("path", [{str(outside)!r}, {str(system_tmp)!r}])
def test_native_write_fails(path):
    fd, err = raw("open", path.encode(), os.O_WRONLY | os.O_CREAT, 0o644)
    assert fd == -1 and err in BLOCKED, (fd, err)

def test_removing_an_outside_file_is_refused():
    with pytest.raises(PermissionError, match="devsecbots sandbox"):
        os.remove({str(victim)!r})
    rc, err = raw("unlink", {str(victim).encode()!r})
    assert rc == -1 and err in BLOCKED

def test_writing_inside_is_allowed(tmp_path):
    (tmp_path / "ok.txt").write_text("fine")
    Path("local.txt").write_text("fine")
    os.mkdir("made")
    os.rename("local.txt", "made/moved.txt")
    shutil.rmtree("made")
    os.chmod(".", 0o500)  # and the sandbox still removes everything afterwards
"""
    assert_all_passed(run_project_tests(suite(code), timeout=20), 6)
    assert not outside.exists() and not system_tmp.exists()
    assert victim.read_text() == "keep me"


def test_a_suite_that_never_ends_is_killed_with_its_children() -> None:
    marker = f"devsecbots-sleeper-{uuid.uuid4().hex}"
    code = f"""
import subprocess, sys, time

def test_sleeps_forever():
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", {marker!r}],
                     start_new_session=True)
    time.sleep(600)
"""
    started = time.monotonic()
    result = run_project_tests(suite(code), timeout=3)
    assert result is not None and result.timed_out
    assert time.monotonic() - started < 15
    assert "timed out" in result.summary
    time.sleep(0.2)
    assert not _processes_with(marker)


BOMB = """
import os, time
children = []
try:
    for _ in range(1500):
        pid = os.fork()
        if pid == 0:
            time.sleep(5)
            os._exit(0)
        children.append(pid)
except OSError:
    print("contained after", len(children))
for pid in children:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
"""


def test_fork_bomb_and_memory_hog_hit_the_limits() -> None:
    code = f"""
import resource, subprocess, sys, pytest

def test_fork_bomb_is_contained():
    bomb = subprocess.run([sys.executable, "-c", {BOMB!r}], capture_output=True, text=True,
                          timeout=60)
    assert bomb.stdout.startswith("contained after"), bomb.stdout + bomb.stderr
    assert int(bomb.stdout.split()[-1]) <= {PROCESS_CAP}  # the cap meant is the cap enforced

def test_huge_allocation_fails():
    assert resource.getrlimit(resource.RLIMIT_AS)[0] == 2 * 1024**3
    with pytest.raises(MemoryError):
        bytearray(3 * 1024**3)

def test_huge_file_fails(tmp_path):
    with open(tmp_path / "big", "wb", buffering=0) as handle:
        handle.seek(100 * 1024**2)
        with pytest.raises(OSError, match="too large"):
            handle.write(b"x")
"""
    assert_all_passed(run_project_tests(suite(code), timeout=30), 3)


def test_no_secret_reaches_the_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    canary = f"sk-canary-{uuid.uuid4().hex}"
    for name in ("OPENAI_API_KEY", "HTTPS_PROXY", "http_proxy", "ALL_PROXY", "GITHUB_TOKEN"):
        monkeypatch.setenv(name, canary)
    code = f"""
import os, pytest

def test_environment_holds_no_secret_or_proxy():
    assert {canary!r} not in repr(dict(os.environ))
    assert not [k for k in os.environ if "PROXY" in k.upper() or "KEY" in k.upper()]
    assert os.environ["HOME"].startswith(os.path.dirname(os.getcwd()))

def test_parent_environment_is_unreadable():
    try:
        with open("/proc/{os.getpid()}/environ", "rb") as handle:
            data = handle.read()
    except OSError:
        return
    assert {canary.encode()!r} not in data
"""
    assert_all_passed(run_project_tests(suite(code), timeout=20), 2)


def _processes_with(marker: str) -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline:
                found.append(entry)
    return found


def test_raw_disks_and_host_files_are_unreadable(tmp_path: Path) -> None:
    disks = sorted(str(p) for p in Path("/dev").glob("[sv]d[a-z]")) + sorted(
        str(p) for p in Path("/dev").glob("nvme[0-9]n[0-9]")
    )
    readable_file = tmp_path / "notes.txt"
    readable_file.write_text("private")
    readable_file.chmod(0o644)
    targets = [*disks[:1], str(readable_file), "/etc/shadow"]
    code = f"""
import os, pytest
from helpers_raw import raw, BLOCKED

@pytest.mark.parametrize("path", {targets!r})
def test_cannot_read(path):
    fd, err = raw("open", path.encode(), os.O_RDONLY, 0)
    assert fd == -1 and err in BLOCKED, (fd, err)
"""
    assert_all_passed(run_project_tests(suite(code), timeout=20), len(targets))
