"""Bubblewrap: the containment the sandbox uses where the machine has it.

The tests get a new root with nothing but read-only binds of the system's libraries, the
interpreter and the launcher, the sandbox's writable directories, a fresh /proc, /dev and /tmp,
and new network, PID, IPC, UTS and mount namespaces. Another user's files, host sockets and
other processes simply do not exist in there.
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

FORCE_FALLBACK_ENV = "DEVSECBOTS_SANDBOX"  # =fallback: do not use bubblewrap even when present
SEARCHED = ("/usr/bin/bwrap", "/usr/local/bin/bwrap", "/bin/bwrap")
SYSTEM_DIRS = ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin")
# Public, small /etc files a Python process may read; never all of /etc (shadow, keys, tokens).
ETC_FILES = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/hosts",
    "/etc/mime.types",
    "/etc/os-release",
    "/etc/alternatives",
    "/etc/ssl/certs",
)
# As root we create no user namespace (it would map us to uid 0 outside, exempt from the process
# limit); the launcher drops to an unprivileged uid with the two capabilities kept for that.
ROOT_NAMESPACES: tuple[str, ...] = (
    "--unshare-ipc",
    "--unshare-pid",
    "--unshare-net",
    "--unshare-uts",
)
ROOT_NAMESPACES += ("--unshare-cgroup-try", "--cap-drop", "ALL")
ROOT_NAMESPACES += (
    "--cap-add",
    "CAP_SETUID",
    "--cap-add",
    "CAP_SETGID",
    "--cap-add",
    "CAP_SETPCAP",
)


def find() -> str | None:
    """The bwrap executable when it exists, works here and is not disabled; None otherwise."""
    if os.environ.get(FORCE_FALLBACK_ENV, "").lower() == "fallback":
        return None
    for path in SEARCHED:
        if os.access(path, os.X_OK) and _works(path, os.geteuid() == 0):
            return path
    return None


def system_paths() -> list[str]:
    """The system directories and /etc files the tests may read (those that exist)."""
    return [p for p in (*SYSTEM_DIRS, *ETC_FILES) if os.path.lexists(p)]


def command(
    bwrap: str,
    *,
    readonly: list[str],
    writable: list[str],
    workdir: str,
    as_root: bool,
) -> list[str]:
    """bwrap's argv up to and including `--`: the caller appends the command to run inside."""
    argv = [bwrap, *(ROOT_NAMESPACES if as_root else ("--unshare-all",))]
    argv += ["--die-with-parent", "--new-session"]
    argv += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for path in system_paths():
        if os.path.islink(path) and path.count("/") == 1:  # merged /usr: /lib -> usr/lib
            argv += ["--symlink", os.readlink(path), path]
        else:
            argv += ["--ro-bind", path, path]
    binds = [("--ro-bind", p) for p in _outermost(readonly)] + [("--bind", p) for p in writable]
    made: set[str] = set()
    for option, path in binds:
        argv += _parents(path, made) + [option, path, path]
    return [*argv, "--chdir", workdir, "--"]


def _parents(path: str, made: set[str]) -> list[str]:
    """Create the bind's missing parents open to everyone (bwrap would make them 0700 as root,
    out of reach of the uid the launcher drops to)."""
    argv = []
    parents = [str(p) for p in reversed(Path(path).parents) if str(p) != "/"]
    for parent in parents:
        if parent not in made and not any(_beneath(parent, d) for d in SYSTEM_DIRS):
            argv += ["--perms", "0755", "--dir", parent]
            made.add(parent)
    return argv


def _beneath(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip("/") + "/")


def _outermost(paths: list[str]) -> list[str]:
    """Absolute paths, without those inside another or inside the system directories."""
    given = sorted({os.path.abspath(p) for p in paths if os.path.exists(p)})
    covered = [p for p in SYSTEM_DIRS if os.path.exists(p)]
    covered += [os.path.realpath(p) for p in covered]
    kept: list[str] = []
    for path in given:
        if not any(_beneath(path, c) for c in covered + kept):
            kept.append(path)
    return kept


@functools.lru_cache(maxsize=4)
def _works(bwrap: str, as_root: bool) -> bool:
    """Whether bwrap can set up its namespaces here (user namespaces may be disabled)."""
    argv = command(bwrap, readonly=[], writable=[], workdir="/", as_root=as_root)
    true = "/usr/bin/true" if os.path.exists("/usr/bin/true") else "/bin/true"
    try:
        done = subprocess.run(
            [*argv, true], stdin=subprocess.DEVNULL, capture_output=True, timeout=20
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0
