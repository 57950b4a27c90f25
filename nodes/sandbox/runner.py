"""Run a project's own tests (pytest) in a sandboxed subprocess.

Containment, from the outside in (README "Security model" has the table):
1. bubblewrap where it works (bwrap.py): a new root with read-only binds of the system, the
   interpreter and the launcher, the copy's writable directories, a fresh /proc, /dev and /tmp,
   new network/PID/IPC/UTS/mount namespaces. As root no user namespace is made (it would keep
   uid 0 outside, exempt from RLIMIT_NPROC); the launcher drops to `nobody` instead.
   Otherwise the fallback: launcher.py makes network, PID and mount namespaces itself (directly
   as root, in a user namespace otherwise), mounts a fresh /proc and tmpfs over the host's
   socket and home directories (mounts.py), and Landlock confines reads to the same paths.
2. In both, launcher.py then drops root (to `nobody`, or to a capability-less uid 0 with a
   per-namespace pid_max when `nobody` cannot run the interpreter), caps processes, CPU,
   memory, file size and open files, confines writes with Landlock and refuses TCP, and execs
   pytest. The layers that took effect come back through a pipe; without a barrier for the
   network, writes, reads, host sockets and /proc the tests are not run (SandboxUnavailable:
   "no sandbox available"), never run unsandboxed.
3. A fresh temporary copy as working directory, HOME and TMPDIR; an environment rebuilt from
   scratch; a wall-clock timeout that kills the whole process group; the audit hook in
   guard/sitecustomize.py as a tripwire that names the culprit.

Test ids that come back are the attacker's words: see ids.py for what is kept of them.
What this does not promise: kernel exploits are out of scope; test results come from code
under test and can be forged by it (they show breakage, not correctness).
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from devsecbots.nodes.sandbox import bwrap, layout
from devsecbots.nodes.sandbox.ids import strip_controls
from devsecbots.nodes.sandbox.interpreter import Interpreter, InterpreterError, describe
from devsecbots.nodes.sandbox.launcher import PROCESS_CAP, processes_of, unmet
from devsecbots.nodes.sandbox.mounts import HIDDEN
from devsecbots.nodes.sandbox.required_secrets import required_secrets
from devsecbots.nodes.sandbox.result import (
    TestRun,
    describe_containment,
    read_junit,
    read_layers,
    summarise,
)

LAUNCHER = Path(__file__).resolve().parent / "launcher.py"
DEFAULT_TIMEOUT = 60.0
# The devices the tests may read (what bwrap's --dev provides): never the disks, which a uid 0
# without capabilities could still read as their owner.
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty")
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
    place = placement(python, containment)
    if not place.interpreter.has_pytest:
        raise SandboxUnavailable(
            f"pytest is not installed in {place.interpreter.executable} "
            "(install it, or pass --no-tests)"
        )
    box = layout.create(files, place.owner)
    try:
        return _run(box, timeout, place, files)
    finally:
        layout.remove(box)


@dataclass(frozen=True)
class Placement:
    """Where a sandboxed command runs: its interpreter, the uid it drops to, bwrap or not."""

    interpreter: Interpreter
    owner: tuple[int, int] | None
    tool: str | None  # bwrap's path; None for the fallback


def placement(python: str | None, containment: str | None = None) -> Placement:
    """The interpreter (asked, never run outside), the user and the containment for a run;
    SandboxUnavailable when the interpreter cannot be used or no containment can be had."""
    try:
        interpreter = describe(python)
    except InterpreterError as err:
        raise SandboxUnavailable(str(err)) from None
    owner = _unprivileged_ids() if os.geteuid() == 0 else None
    tool = _choose(containment)
    if owner and tool and not interpreter.reachable_by_others():
        tool = None  # bwrap would keep uid 0, exempt from any process limit: use the fallback
    if owner and not tool and not interpreter.reachable_by_others(HIDDEN):
        owner = None  # the launcher then stays uid 0 without capabilities, pids capped
    return Placement(interpreter, owner, tool)


def sandbox_environment(
    box: layout.SandboxDir, python: str = sys.executable, variables: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The child's whole environment: nothing inherited but the language, and the throw-away
    `variables` (required_secrets.py) under the fixed entries, which they cannot replace."""
    return {
        **(variables or {}),
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
    readonly: Sequence[str] = (),
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
        "readable": [*bwrap.system_paths(), "/proc", *DEVICES, *keep_readonly],
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
    box: layout.SandboxDir, timeout: float, place: Placement, files: dict[str, str]
) -> TestRun:
    junit = box.out / "junit.xml"
    python = place.interpreter.executable
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
    ran = launch(box, pytest_argv, timeout, place, variables=required_secrets(files))
    exit_code, timed_out, duration, layers = ran.exit_code, ran.timed_out, ran.duration, ran.layers
    tail = ran.output
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
        containment=describe_containment(layers),
        output=tail,
    )


@dataclass(frozen=True)
class Launched:
    """How a sandboxed command ended: exit code, timeout, seconds, output tail, layers in force."""

    exit_code: int
    timed_out: bool
    duration: float
    output: str
    layers: list[str]


def launch(
    box: layout.SandboxDir,
    argv: list[str],
    timeout: float,
    place: Placement,
    variables: Mapping[str, str] | None = None,
) -> Launched:
    """Run `argv` in `box` through the launcher, under bwrap or the fallback, with the extra
    environment `variables`; SandboxUnavailable (the command did not run) when a required layer
    could not be put in place."""
    tool, owner, python = place.tool, place.owner, place.interpreter.executable
    interpreter = place.interpreter
    mode = "bwrap" if tool else "fallback"
    report_read, report_write = os.pipe()
    config = launcher_config(
        box,
        argv,
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
                env=sandbox_environment(box, python, variables),
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
        said = [line for line in tail.splitlines() if line.startswith("bwrap: ")][:1]
        why = f"{strip_controls(said[0])[:200]}; " if tool and not layers and said else ""
        raise SandboxUnavailable(
            "no sandbox available: neither bubblewrap nor the namespaces of the fallback could "
            f"be set up ({why}isolation found: {', '.join(layers) or 'none'}); pass --no-tests"
        )
    return Launched(exit_code, timed_out, duration, tail, layers)


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
