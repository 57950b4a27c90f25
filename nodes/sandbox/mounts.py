"""Mount-namespace primitives for the fallback sandbox (when bubblewrap is missing).

Standard library only (the launcher imports this file in a `python -I` process). In a private
mount namespace, the directories where sockets and other users' files live are covered with
empty tmpfs mounts, and the few paths the tests need beneath them (the sandbox directory, the
interpreter) are bound back in through file descriptors opened before the cover went on.
Every function is best effort and says whether it worked.
"""

from __future__ import annotations

import ctypes
import os

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
# Where path-named sockets (the Docker daemon, D-Bus, X11, ssh-agent) and other users' files live.
HIDDEN = ("/tmp", "/var/tmp", "/run", "/dev/shm", "/home", "/root", "/mnt", "/media", "/srv")

_libc = ctypes.CDLL(None, use_errno=True)


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> bool:
    """mount(2); False when the kernel or our privileges refuse."""
    encode = lambda s: s.encode() if s is not None else None  # noqa: E731
    return (
        _libc.mount(
            encode(source),
            encode(target),
            encode(fstype),
            ctypes.c_ulong(flags),
            encode(data) if data else None,
        )
        == 0
    )


def make_private() -> bool:
    """Stop mount events from propagating between this namespace and the host's."""
    return mount(None, "/", None, MS_REC | MS_PRIVATE)


def hide_host_dirs(keep_writable: list[str], keep_readonly: list[str]) -> bool:
    """Cover every HIDDEN directory with an empty tmpfs, binding back the kept paths under it."""
    ok = True
    for top in HIDDEN:
        if os.path.islink(top) or not os.path.isdir(top):
            continue
        kept = [
            (path, writable)
            for paths, writable in ((keep_writable, True), (keep_readonly, False))
            for path in paths
            if _beneath(os.path.realpath(path), top) and os.path.exists(path)
        ]
        reals = [os.path.realpath(p) for p, _ in kept]
        kept = [  # a path inside another kept one comes back with it
            (p, w)
            for (p, w), real in zip(kept, reals, strict=True)
            if not any(other != real and _beneath(real, other) for other in reals)
        ]
        handles = [(os.open(os.path.realpath(p), os.O_PATH | os.O_CLOEXEC), p, w) for p, w in kept]
        try:
            if not mount("tmpfs", top, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m"):
                ok = False
                continue
            for fd, path, writable in sorted(handles, key=lambda h: len(h[1])):
                ok = _bind_fd(fd, os.path.realpath(path), writable) and ok
        finally:
            for fd, _path, _writable in handles:
                os.close(fd)
    return ok


def fresh_proc() -> bool:
    """Mount a proc filesystem of the current PID namespace over /proc (call as its init)."""
    return mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def _bind_fd(fd: int, target: str, writable: bool) -> bool:
    try:
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            os.makedirs(target, mode=0o755, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644))
    except OSError:
        return False
    if not mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC):
        return False
    if writable:
        return True
    return mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _beneath(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip("/") + "/")
