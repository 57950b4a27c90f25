"""Run a project's own tests (pytest) in a sandboxed subprocess.

Layers, from the strongest:
1. Kernel (set up by launcher.py, each best effort and reported in `TestRun.isolation`):
   a new network namespace (no interface but a downed loopback: no network at all) and PID
   namespace (everything dies with the run) — directly as root, inside a user namespace
   otherwise; root becomes `nobody` (or, when nobody cannot reach this Python, stays uid 0 with
   no capability left and a per-namespace pid_max as its process cap, Linux 6.14+, since
   RLIMIT_NPROC never binds uid 0); Landlock allows writes only beneath the sandbox
   directory (and /dev/null), refuses every TCP bind/connect and, on ABI 6+, signals and
   abstract sockets outside the sandbox; rlimits on CPU time, address space (2 GiB), file size,
   open files, processes and core dumps.
2. A fresh temporary copy as working directory, HOME and TMPDIR; the environment is rebuilt
   from scratch (no proxies, no API keys); a wall-clock timeout kills the whole process group.
3. An audit hook (guard/sitecustomize.py) that refuses sockets and writes outside the sandbox
   at the Python level and names the culprit in the test's error. It is a tripwire only:
   native code does not pass through it.

When a system offers no kernel barrier for the network (neither namespace nor Landlock) or for
writes (neither Landlock nor a switch to another uid), the tests are not run at all:
SandboxUnavailable, which the approval check reports as "tests not run".

What this does not promise: reads are not restricted (as a non-root user the tests can read
what that user can read, though they have no channel to send it anywhere but their own test
results); Landlock does not cover UDP or connecting to a path-named Unix socket the user may
open (e.g. a Docker socket) — the network namespace and the audit hook are what stop those;
kernel exploits are out of scope. Test results come from code under test and can be forged by
it; they show breakage, not correctness.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pwd
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devsecbots.nodes.sandbox import layout
from devsecbots.nodes.sandbox.launcher import unmet
from devsecbots.nodes.sandbox.result import TestRun, read_junit, summarise

LAUNCHER = Path(__file__).resolve().parent / "launcher.py"
DEFAULT_TIMEOUT = 60.0
ADDRESS_SPACE_BYTES = 2 * 1024**3
FILE_SIZE_BYTES = 64 * 1024**2
OPEN_FILES = 512
OUTPUT_TAIL_CHARS = 4000
# Without at least one kernel barrier per line, the launcher refuses to run the tests at all.
REQUIRED_LAYERS = [["netns", "landlock-net"], ["landlock-fs", "uid-"]]


class SandboxUnavailable(OSError):
    """The sandboxed test run cannot start at all (not: the tests failed)."""


def run_project_tests(files: dict[str, str], *, timeout: float = DEFAULT_TIMEOUT) -> TestRun | None:
    """Run the project's pytest suite on a sandboxed copy of `files`; None when there are no tests.

    Raises SandboxUnavailable when pytest is not installed in this Python.
    """
    if not layout.has_tests(files):
        return None
    if importlib.util.find_spec("pytest") is None:
        raise SandboxUnavailable(
            "pytest is not installed in this Python (pip install pytest, or pass --no-tests)"
        )
    owner = sandbox_owner(sys.executable)
    box = layout.create(files, owner)
    try:
        return _run(box, timeout, owner)
    finally:
        layout.remove(box)


def sandbox_owner(python: str) -> tuple[int, int] | None:
    """The (uid, gid) a root caller hands the sandbox to, or None to stay uid 0 without capabilities
    (not root, or the interpreter is not reachable by an unrelated user)."""
    if os.geteuid() != 0:
        return None
    if not _interpreter_reachable_by_others(python):
        return None
    return _unprivileged_ids()


def sandbox_environment(box: layout.SandboxDir) -> dict[str, str]:
    """The child's whole environment: nothing inherited but the language."""
    return {
        "PATH": os.pathsep.join(
            [str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]
        ),
        "HOME": str(box.home),
        "TMPDIR": str(box.tmp),
        "LANG": os.environ.get("LANG") or "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        # The guard comes first so that a sitecustomize.py in the project cannot replace it.
        "PYTHONPATH": os.pathsep.join([str(box.guard), str(box.project)]),
        "DEVSECBOTS_SANDBOX_WRITABLE": os.pathsep.join(box.writable()),
    }


def launcher_config(
    box: layout.SandboxDir, argv: list[str], *, timeout: float, owner: tuple[int, int] | None
) -> dict:
    """What launcher.py applies before it execs `argv` (JSON-compatible)."""
    return {
        "rlimits": {
            "RLIMIT_CPU": int(timeout) + 1,
            "RLIMIT_AS": ADDRESS_SPACE_BYTES,
            "RLIMIT_FSIZE": FILE_SIZE_BYTES,
            "RLIMIT_NOFILE": OPEN_FILES,
            "RLIMIT_CORE": 0,
        },
        "drop_to_uid": owner[0] if owner else None,
        "drop_to_gid": owner[1] if owner else None,
        "writable_dirs": box.writable(),
        "writable_files": [os.devnull],
        "report": str(box.out / "isolation.json"),
        "require": REQUIRED_LAYERS,
        "argv": argv,
    }


def _run(box: layout.SandboxDir, timeout: float, owner: tuple[int, int] | None) -> TestRun:
    junit = box.out / "junit.xml"
    pytest_argv = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--basetemp={box.tmp / 'pytest'}",
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit2",
        f"--rootdir={box.project}",
    ]
    exit_code, timed_out, duration, tail, layers = execute(box, pytest_argv, timeout, owner)
    cases = read_junit(str(junit))
    counts = dict(
        passed=len(cases.passed),
        failed=len(cases.failed),
        errors=len(cases.errors),
        skipped=cases.skipped,
    )
    return TestRun(
        **counts,
        failing=tuple(sorted(cases.failed + cases.errors)),
        passed_ids=cases.passed,
        exit_code=exit_code,
        timed_out=timed_out,
        duration=round(duration, 3),
        summary=summarise(**counts, exit_code=exit_code, timed_out=timed_out, duration=duration),
        isolation=(*layers, "audit-hook"),
        output=tail,
    )


def execute(
    box: layout.SandboxDir, argv: list[str], timeout: float, owner: tuple[int, int] | None
) -> tuple[int, bool, float, str, list[str]]:
    """Run `argv` in the sandbox `box` through the launcher.

    Returns (exit code, timed out, seconds, output tail, layers in force); raises
    SandboxUnavailable when no kernel barrier could be put in place.
    """
    config = launcher_config(box, argv, timeout=timeout, owner=owner)
    command = [sys.executable, "-I", str(LAUNCHER), json.dumps(config)]
    started = time.monotonic()
    with tempfile.TemporaryFile() as output:  # unnamed: nothing in the sandbox can reach it
        process = subprocess.Popen(
            command,
            cwd=box.project,
            env=sandbox_environment(box),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
        timed_out = False
        try:
            exit_code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill_group(process.pid)
            exit_code = process.wait()
        duration = time.monotonic() - started
        output.seek(max(0, output.seek(0, os.SEEK_END) - OUTPUT_TAIL_CHARS))
        tail = output.read().decode("utf-8", "replace")
    layers = read_layers(config["report"])
    if not timed_out and unmet(REQUIRED_LAYERS, layers):
        raise SandboxUnavailable(
            "the tests were not run: this system offers neither a network namespace nor Landlock "
            f"for them (isolation found: {', '.join(layers) or 'none'}); pass --no-tests"
        )
    return exit_code, timed_out, duration, tail, layers


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _unprivileged_ids() -> tuple[int, int]:
    """The uid/gid a root caller hands the sandbox to: nobody's."""
    try:
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def _interpreter_reachable_by_others(python: str) -> bool:
    """Whether a user with no relation to ours can run this interpreter and read its libraries
    (not so when Python lives under a private home, e.g. pyenv in /root)."""
    paths = {os.path.realpath(python), os.path.realpath(sys.base_prefix)}
    if os.path.realpath(python) == os.path.realpath(sys.executable):
        paths.add(os.path.realpath(sys.prefix))
    else:
        paths.add(os.path.realpath(str(Path(python).parent.parent)))
    for path in paths:
        for folder in [path, *Path(path).parents]:
            try:
                mode = os.stat(folder).st_mode
            except OSError:
                return False
            if not mode & stat.S_IXOTH or (folder == path and not mode & stat.S_IROTH):
                return False
    return True


def read_layers(path: str) -> list[str]:
    """The launcher's list of layers in force (written inside the sandbox: read defensively)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return []
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return []
        try:
            layers = json.loads(handle.read(4096))
        except ValueError:
            return []
    if not isinstance(layers, list):
        return []
    return [str(x)[:40] for x in layers if isinstance(x, str)][:12]
