"""devsecbots sandbox guard: an audit hook that refuses network use and writes outside the sandbox.

Copied into the sandbox and put first on PYTHONPATH, so every Python process started there
without -I/-E imports it before any test code. It raises PermissionError for:
- creating any socket other than AF_UNIX, and name resolution (getaddrinfo & co.);
- binding/connecting/sending a socket to any address outside the writable directories;
- opening a file for writing, creating, removing, renaming, linking, chmod/chown/utime or
  truncating a path outside the writable directories (DEVSECBOTS_SANDBOX_WRITABLE) and /dev/null.

This is a tripwire, not a security boundary: native code (ctypes, C extensions, a subprocess
started with `python -I`) does not pass through audit hooks. The boundary is the kernel layers
the launcher sets up (network namespace, Landlock, dropped uid, rlimits). Only builtin modules
are imported here, so files in the code under test cannot shadow them.
"""

import os
import sys

_AF_UNIX = 1
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
# event -> positions of the path arguments and of the dir_fd argument (or None)
_PATH_EVENTS = {
    "os.remove": ((0,), 1),
    "os.rmdir": ((0,), 1),
    "os.mkdir": ((0,), 2),
    "os.rename": ((0, 1), None),
    "os.link": ((0, 1), None),
    "os.symlink": ((1,), 2),
    "os.truncate": ((0,), None),
    "os.chmod": ((0,), 2),
    "os.chown": ((0,), 3),
    "os.utime": ((0,), 3),
    "os.setxattr": ((0,), None),
    "os.removexattr": ((0,), None),
    "shutil.rmtree": ((0,), 1),
    "shutil.copyfile": ((1,), None),
    "shutil.copymode": ((1,), None),
    "shutil.copystat": ((1,), None),
    "shutil.copytree": ((1,), None),
    "shutil.move": ((1,), None),
}
_SOCKET_ADDRESS_EVENTS = ("socket.bind", "socket.connect", "socket.sendto", "socket.sendmsg")
_NAME_EVENTS = (
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyname_ex",
    "socket.gethostbyaddr",
    "socket.getnameinfo",
)


def _install() -> None:
    roots = tuple(
        os.path.realpath(p)
        for p in os.environ.get("DEVSECBOTS_SANDBOX_WRITABLE", "").split(os.pathsep)
        if p
    )
    files = frozenset({"/dev/null"})
    busy: list[int] = []  # re-entrancy guard: realpath itself may raise audit events

    def allowed(path, dir_fd=None):
        if isinstance(path, int):
            return True  # an already-open descriptor; opening it was checked
        try:
            text = os.fsdecode(path)
        except (TypeError, ValueError):
            return False
        if isinstance(dir_fd, int) and dir_fd >= 0 and not os.path.isabs(text):
            text = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), text)
        real = os.path.realpath(text)
        if real in files:
            return True
        return any(real == root or real.startswith(root + os.sep) for root in roots)

    def refuse(what):
        raise PermissionError(f"blocked by the devsecbots sandbox: {what}")

    def hook(event, args):
        if busy:
            return
        if event == "open":
            if isinstance(args[2], int) and args[2] & _WRITE_FLAGS:
                busy.append(1)
                try:
                    ok = allowed(args[0])
                finally:
                    busy.pop()
                if not ok:
                    refuse(f"writing {args[0]!r}")
        elif event in _PATH_EVENTS:
            positions, dir_fd_at = _PATH_EVENTS[event]
            dir_fd = args[dir_fd_at] if dir_fd_at is not None and dir_fd_at < len(args) else None
            busy.append(1)
            try:
                bad = [args[i] for i in positions if i < len(args) and not allowed(args[i], dir_fd)]
            finally:
                busy.pop()
            if bad:
                refuse(f"{event} on {bad[0]!r}")
        elif event == "socket.__new__":
            if args[1] != _AF_UNIX and args[1] != -1:
                refuse(f"opening a network socket (family {args[1]})")
        elif event in _SOCKET_ADDRESS_EVENTS:
            sock, address = args[0], args[1]
            if getattr(sock, "family", None) != _AF_UNIX:
                refuse(f"{event} to {address!r}")
            busy.append(1)
            try:
                ok = (
                    isinstance(address, (str, bytes))
                    and address[:1] not in ("\0", b"\0")
                    and allowed(address)
                )
            finally:
                busy.pop()
            if not ok:
                refuse(f"{event} to {address!r}")
        elif event in _NAME_EVENTS:
            refuse(f"name resolution ({event} {args[0]!r})")

    sys.addaudithook(hook)


_install()
del _install
