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

import json
import os
import pwd
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devsecbots.nodes.sandbox import bwrap, layout
from devsecbots.nodes.sandbox.interpreter import Interpreter, InterpreterError, describe
from devsecbots.nodes.sandbox.launcher import PROCESS_CAP, processes_of, unmet
from devsecbots.nodes.sandbox.mounts import HIDDEN
from devsecbots.nodes.sandbox.result import TestRun, read_junit, summarise

LAUNCHER = Path(__file__).resolve().parent / "launcher.py"
DEFAULT_TIMEOUT = 60.0
ADDRESS_SPACE_BYTES = 2 * 1024**3
FILE_SIZE_BYTES = 64 * 1024**2
OPEN_FILES = 512
OUTPUT_TAIL_CHARS = 4000
# Without at least one kernel barrier per line, the launcher refuses to run the tests at all:
# the network, writes, reads and host sockets (a new root or tmpfs over the socket dirs), /proc.
REQUIRED_LAYERS = [
    ["netns", "landlock-net"],
    ["landlock-fs", "uid-"],
    ["bwrap", "landlock-read"],
    ["bwrap", "hidden-dirs"],
    ["bwrap", "fresh-proc"],
]


class SandboxUnavailable(OSError):
    """The sandboxed test run cannot start at all (not: the tests failed)."""


def run_project_tests(
    files: dict[str, str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    python: str | None = None,
    containment: str | None = None,
) -> TestRun | None:
    """Run the project's pytest suite on a sandboxed copy of `files`; None when there are no tests.

    `python` is the interpreter the tests run with (default: this one); `containment` forces
    'bwrap' or 'fallback' (default: bubblewrap when it works here, unless DEVSECBOTS_SANDBOX is
    'fallback'). Raises SandboxUnavailable when pytest is missing or no sandbox can be set up.
    """
    if not layout.has_tests(files):
        return None
    try:
        interpreter = describe(python)
    except InterpreterError as err:
        raise SandboxUnavailable(str(err)) from None
    if not interpreter.has_pytest:
        raise SandboxUnavailable(
            f"pytest is not installed in {interpreter.executable} (install it, or pass --no-tests)"
        )
    as_root = os.geteuid() == 0
    owner = _unprivileged_ids() if as_root else None
    tool = _choose(containment)
    if owner and tool and not interpreter.reachable_by_others():
        tool = None  # bwrap would keep uid 0, exempt from any process limit: use the fallback
    if owner and not tool and not interpreter.reachable_by_others(HIDDEN):
        owner = None  # the launcher then stays uid 0 without capabilities, pids capped
    box = layout.create(files, owner)
    try:
        return _run(box, timeout, owner, interpreter, tool, files)
    finally:
        layout.remove(box)


def sandbox_environment(box: layout.SandboxDir, python: str = sys.executable) -> dict[str, str]:
    """The child's whole environment: nothing inherited but the language."""
    return {
        "PATH": os.pathsep.join([str(Path(python).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
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
    box: layout.SandboxDir,
    argv: list[str],
    *,
    timeout: float,
    owner: tuple[int, int] | None,
    mode: str = "fallback",
    readonly: list[str] = (),
    report_fd: int = -1,
) -> dict:
    """What launcher.py applies before it execs `argv` (JSON-compatible)."""
    keep_readonly = [*box.readonly(), *readonly]
    return {
        "mode": mode,
        "rlimits": {
            "RLIMIT_CPU": int(timeout) + 1,
            "RLIMIT_AS": ADDRESS_SPACE_BYTES,
            "RLIMIT_FSIZE": FILE_SIZE_BYTES,
            "RLIMIT_NOFILE": OPEN_FILES,
            "RLIMIT_CORE": 0,
        },
        "drop_to_uid": owner[0] if owner else None,
        "drop_to_gid": owner[1] if owner else None,
        # RLIMIT_NPROC counts machine-wide where no user namespace is made (as root)
        "running": processes_of(owner[0]) if owner and os.geteuid() == 0 else 0,
        "max_processes": PROCESS_CAP,
        "writable_dirs": box.writable(),
        "writable_files": [os.devnull],
        "readable": [*bwrap.system_paths(), "/proc", "/dev", *keep_readonly],
        "keep_writable": box.writable(),
        "keep_readonly": keep_readonly,
        "report_fd": report_fd,
        "workdir": str(box.project),
        "require": REQUIRED_LAYERS,
        "argv": argv,
    }


def _choose(containment: str | None) -> str | None:
    if containment == "fallback":
        return None
    tool = bwrap.find()
    if containment == "bwrap" and tool is None:
        raise SandboxUnavailable("no sandbox available: bubblewrap is missing or does not work")
    return tool


def _run(
    box: layout.SandboxDir,
    timeout: float,
    owner: tuple[int, int] | None,
    interpreter: Interpreter,
    tool: str | None,
    files: dict[str, str],
) -> TestRun:
    junit = box.out / "junit.xml"
    python = interpreter.executable
    pytest_argv = [
        python,
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
    mode = "bwrap" if tool else "fallback"
    report_read, report_write = os.pipe()
    config = launcher_config(
        box,
        pytest_argv,
        timeout=timeout,
        owner=owner,
        mode=mode,
        readonly=list(interpreter.paths),
        report_fd=report_write,
    )
    command = [python, "-I", str(box.launcher / "launcher.py"), json.dumps(config)]
    if tool:
        command = [
            *bwrap.command(
                tool,
                readonly=config["keep_readonly"],
                writable=box.writable(),
                workdir="/",
                as_root=os.geteuid() == 0,
            ),
            *command,
        ]
    started = time.monotonic()
    with tempfile.TemporaryFile() as output:  # unnamed: nothing in the sandbox can reach it
        try:
            process = subprocess.Popen(
                command,
                cwd=box.project,
                env=sandbox_environment(box, python),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
                pass_fds=(report_write,),
            )
        finally:
            os.close(report_write)
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
    layers = read_layers(report_read)
    if not timed_out and unmet(REQUIRED_LAYERS, layers):
        raise SandboxUnavailable(
            "no sandbox available: neither bubblewrap nor the namespaces of the fallback could "
            f"be set up (isolation found: {', '.join(layers) or 'none'}); pass --no-tests"
        )
    cases = read_junit(str(junit), files)
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
        containment=containment(layers),
        output=tail,
    )


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


def read_layers(fd: int) -> list[str]:
    """The launcher's list of layers in force, from the read end of its report pipe (closed)."""
    os.set_blocking(fd, False)
    data = b""
    try:
        while len(data) < 4096 and (chunk := os.read(fd, 4096)):
            data += chunk
    except BlockingIOError:
        pass
    finally:
        os.close(fd)
    try:
        layers = json.loads(data[:4096])
    except ValueError:
        return []
    if not isinstance(layers, list):
        return []
    return [str(x)[:40] for x in layers if isinstance(x, str)][:16]


def containment(layers: list[str]) -> str:
    """Which containment was in force, in words."""
    if "bwrap" in layers:
        return "bubblewrap"
    return "fallback (namespaces, tmpfs over host dirs, Landlock)"
