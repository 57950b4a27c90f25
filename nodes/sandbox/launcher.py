"""Child side of the sandbox: confine this process, then exec the test command.

Run as `python -I launcher.py CONFIG_JSON` (isolated mode: no PYTHONPATH, no user site, so the
code under test cannot shadow anything here). The launcher is a fresh single-threaded process,
which is what `unshare(CLONE_NEWUSER)` needs and what `preexec_fn` could not promise inside a
LangGraph worker thread pool. Under bubblewrap (CONFIG['mode'] == 'bwrap') the namespaces and
the new root are bwrap's; otherwise (the fallback) the launcher makes them itself. Order matters:
resource limits, namespaces, (fork into the new PID namespace, fresh /proc, tmpfs over the host's
socket directories), drop root, process cap, parent-death signal, Landlock, then exec. The
layers that took effect are written as JSON to the pipe CONFIG['report_fd'] before the exec.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING or __package__:  # imported by the runner (for `unmet`)
    from devsecbots.nodes.sandbox import kernel, mounts
else:  # run as a script under -I, which keeps this directory off sys.path
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import kernel  # stdlib-only siblings
    import mounts

REFUSED = 97
PROCESS_CAP = 64  # processes (threads count too) the tests may run at once, pytest included


def main(config: dict) -> int:
    """Apply every available layer, record which took effect, and exec the command."""
    layers = ["rlimits"] if _set_limits(config["rlimits"]) else []
    if config.get("mode") == "bwrap":  # bubblewrap set up the namespaces and the new root
        layers += ["bwrap", "netns", "pidns", "mountns", "fresh-proc", "hidden-dirs"]
    else:
        namespaces = _enter_namespaces()
        layers += namespaces
        if "pidns" in namespaces:
            child = os.fork()
            if child:
                os.close(config["report_fd"])
                return _wait_for(child)
        if "mountns" in namespaces:
            layers += _remount(config.get("keep_writable", []), config.get("keep_readonly", []))
    if os.geteuid() == 0:
        layers += _give_up_root(config.get("drop_to_uid"), config.get("drop_to_gid"))
    os.chdir(config.get("workdir") or ".")  # (as the new uid: the copy is its own)
    _limit_processes(config.get("running", 0), config.get("max_processes", PROCESS_CAP))
    if "pidns" in layers:
        kernel.prctl(kernel.PR_SET_PDEATHSIG, signal.SIGKILL)  # after setuid, which clears it
    layers += kernel.landlock_confine(
        config["writable_dirs"], config["writable_files"], config.get("readable")
    )
    with os.fdopen(config["report_fd"], "w") as handle:  # a pipe: the tests cannot forge it
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
    """New network, PID and mount namespaces: directly as root, inside a new user namespace
    otherwise."""
    every = kernel.CLONE_NEWNET | kernel.CLONE_NEWPID | kernel.CLONE_NEWNS
    if os.geteuid() == 0:
        if kernel.unshare(every):
            return ["netns", "pidns", "mountns"]
        return ["netns"] if kernel.unshare(kernel.CLONE_NEWNET) else []
    if kernel.unshare(kernel.CLONE_NEWUSER | every) and kernel.map_own_ids():
        return ["userns", "netns", "pidns", "mountns"]
    return []


def _remount(keep_writable: list[str], keep_readonly: list[str]) -> list[str]:
    """In the new mount namespace (as init of the new PID namespace): a proc filesystem that
    shows only our processes, and tmpfs over the directories that hold host sockets."""
    if not mounts.make_private():
        return []
    layers = ["fresh-proc"] if mounts.fresh_proc() else []
    return layers + (["hidden-dirs"] if mounts.hide_host_dirs(keep_writable, keep_readonly) else [])


def _give_up_root(uid: int | None, gid: int | None) -> list[str]:
    """Empty the capability bounding set, then become `uid` when given; otherwise (the
    interpreter is out of that user's reach) stay uid 0 without any capability, and cap the
    processes through the PID namespace's pid_max, since RLIMIT_NPROC never applies to uid 0."""
    bounded = kernel.drop_capabilities()
    if uid is not None and gid is not None:
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            return [f"uid-{uid}"] + (["no-capabilities"] if bounded else [])
        except OSError:
            pass
    layers = ["pid-max"] if kernel.limit_pids_in_namespace(PROCESS_CAP) else []
    return layers + (["no-capabilities"] if bounded else [])


def _limit_processes(running: int, cap: int) -> None:
    """Cap processes (threads count too) at `cap` more than `running`.

    RLIMIT_NPROC counts every process of the uid in the user namespace (machine-wide when there
    is none: the runner counts those beforehand, as `running`; root is exempt, which is one
    reason the sandbox drops root).
    """
    uid = os.getuid()
    if uid == 0:
        return
    limit = running + cap
    try:
        resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))
    except (OSError, ValueError):
        pass


def processes_of(uid: int) -> int:
    """How many processes and threads `uid` runs on the machine (as this /proc shows them)."""
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
