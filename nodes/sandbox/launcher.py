"""Child side of the sandbox: confine this process, then exec the test command.

Run as `python -I launcher.py CONFIG_JSON` (isolated mode: no PYTHONPATH, no user site, so the
code under test cannot shadow anything here). The launcher is a fresh single-threaded process,
which is what `unshare(CLONE_NEWUSER)` needs and what `preexec_fn` could not promise inside a
LangGraph worker thread pool. Order matters: resource limits, namespaces, (fork into the new PID
namespace), drop root, parent-death signal, Landlock, then exec. The layers that took effect
are written to CONFIG['report'] as JSON before the exec.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys

if __package__:  # imported by the runner (for `unmet`)
    from devsecbots.nodes.sandbox import kernel
else:  # run as a script under -I, which keeps this directory off sys.path
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import kernel  # stdlib-only sibling

NPROC_HEADROOM = 64
REFUSED = 97
PIDS_AS_ROOT = 128


def main(config: dict) -> int:
    """Apply every available layer, record which took effect, and exec the command."""
    layers = ["rlimits"] if _set_limits(config["rlimits"]) else []
    drop_to = config.get("drop_to_uid")
    uid = os.getuid() if os.geteuid() != 0 else drop_to  # whose processes RLIMIT_NPROC counts
    running = _processes_of(uid) if uid is not None else 0
    namespaces = _enter_namespaces()  # (inside a user namespace /proc shows other uids as nobody)
    layers += namespaces
    if "pidns" in namespaces:
        child = os.fork()
        if child:
            return _wait_for(child)
    if os.geteuid() == 0:
        layers += _give_up_root(config.get("drop_to_uid"), config.get("drop_to_gid"))
    _limit_processes(running)
    if "pidns" in namespaces:
        kernel.prctl(kernel.PR_SET_PDEATHSIG, signal.SIGKILL)  # after setuid, which clears it
    layers += kernel.landlock_confine(config["writable_dirs"], config["writable_files"])
    with open(config["report"], "w") as handle:
        json.dump(layers, handle)
    if unmet(config.get("require", []), layers):
        print(
            "devsecbots sandbox: refusing to run the tests without kernel isolation",
            file=sys.stderr,
        )
        return REFUSED
    argv = config["argv"]
    os.execv(argv[0], argv)
    return 127  # not reached


def unmet(require: list[list[str]], layers: list[str]) -> list[list[str]]:
    """The groups of `require` no layer satisfies (a layer satisfies a group when it starts
    with one of the group's prefixes)."""
    return [
        group
        for group in require
        if not any(layer.startswith(prefix) for layer in layers for prefix in group)
    ]


def _set_limits(limits: dict[str, int]) -> bool:
    ok = True
    for name, value in limits.items():
        try:
            resource.setrlimit(getattr(resource, name), (value, value))
        except (OSError, ValueError):
            ok = False
    return ok


def _enter_namespaces() -> list[str]:
    """New network + PID namespaces: directly as root, inside a new user namespace otherwise."""
    both = kernel.CLONE_NEWNET | kernel.CLONE_NEWPID
    if os.geteuid() == 0:
        if kernel.unshare(both):
            return ["netns", "pidns"]
        return ["netns"] if kernel.unshare(kernel.CLONE_NEWNET) else []
    if kernel.unshare(kernel.CLONE_NEWUSER | both) and kernel.map_own_ids():
        return ["userns", "netns", "pidns"]
    return []


def _give_up_root(uid: int | None, gid: int | None) -> list[str]:
    """Become `uid` when given; otherwise (the interpreter is out of that user's reach) stay
    uid 0 without any capability, and cap the processes through the PID namespace's pid_max,
    since RLIMIT_NPROC never applies to uid 0."""
    if uid is not None and gid is not None:
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            return [f"uid-{uid}"]
        except OSError:
            pass
    layers = ["pid-max"] if kernel.limit_pids_in_namespace(PIDS_AS_ROOT) else []
    return layers + (["no-capabilities"] if kernel.drop_capabilities() else [])


def _limit_processes(running: int) -> None:
    """Cap processes (threads count too) at what this uid was running plus a little headroom.

    RLIMIT_NPROC counts every process of the uid machine-wide (root is exempt, which is one
    reason the sandbox drops root), so a fixed small cap could refuse the very first fork.
    """
    uid = os.getuid()
    if uid == 0:
        return
    limit = running + NPROC_HEADROOM
    try:
        resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))
    except (OSError, ValueError):
        pass


def _processes_of(uid: int) -> int:
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                continue
    return count


def _wait_for(child: int) -> int:
    """Stay outside the PID namespace as a thin parent; when its init dies, the kernel kills
    every process left in it."""
    while True:
        try:
            _, status = os.waitpid(child, 0)
        except InterruptedError:
            continue
        return os.waitstatus_to_exitcode(status) if status else 0


if __name__ == "__main__":
    exit_code = main(json.loads(sys.argv[1]))
    code = exit_code if exit_code >= 0 else 128 - exit_code
    sys.exit(code)
