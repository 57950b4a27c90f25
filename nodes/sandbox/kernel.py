"""Linux isolation primitives through libc (ctypes): namespaces, Landlock, prctl.

Standard library only: the launcher imports this file in a `python -I` process. Every function
is best effort and says whether it worked, so the sandbox degrades layer by layer on kernels or
containers that lack a feature instead of failing.
"""

from __future__ import annotations

import ctypes
import os
import re

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
RESERVED_PIDS = 300  # the kernel wraps pid numbers back to this, never below

# Landlock (include/uapi/linux/landlock.h); the syscall numbers are the same on every arch.
_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_REMOVE_DIR, FS_REMOVE_FILE = 1 << 4, 1 << 5
FS_MAKE_ALL = sum(1 << bit for bit in range(6, 13))  # char, dir, reg, sock, fifo, block, sym
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15  # ABI 2, 3, 5
NET_BIND_TCP, NET_CONNECT_TCP = 1, 2  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2  # ABI 6

_libc = ctypes.CDLL(None, use_errno=True)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def unshare(flags: int) -> bool:
    """unshare(2); False when the kernel or our privileges refuse."""
    return _libc.unshare(ctypes.c_int(flags)) == 0


def map_own_ids() -> bool:
    """In a fresh user namespace, map our uid and gid onto themselves (no root inside)."""
    uid, gid = os.getuid(), os.getgid()
    try:
        for name, text in (
            ("setgroups", "deny"),
            ("uid_map", f"{uid} {uid} 1"),
            ("gid_map", f"{gid} {gid} 1"),
        ):
            with open(f"/proc/self/{name}", "w") as handle:
                handle.write(text)
    except OSError:
        return False
    return True


def prctl(option: int, value: int) -> bool:
    """prctl(2) with one argument (the unused ones must be zero as full unsigned longs)."""
    zero = ctypes.c_ulong(0)
    return _libc.prctl(ctypes.c_int(option), ctypes.c_ulong(value), zero, zero, zero) == 0


def drop_capabilities() -> bool:
    """Empty the capability bounding set and the ambient set: whatever this process execs next
    has no capability, even as uid 0 (NO_NEW_PRIVS, set with Landlock, stops setuid binaries)."""
    try:
        with open("/proc/sys/kernel/cap_last_cap") as handle:
            last = int(handle.read())
    except (OSError, ValueError):
        last = 40
    ok = all(prctl(PR_CAPBSET_DROP, cap) for cap in range(last + 1))
    ok = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL) and ok
    return ok


def limit_pids_in_namespace(concurrent: int) -> bool:
    """Cap the processes of the PID namespace we are init of at `concurrent` (besides init).

    Linux 6.14+ keeps pid_max per namespace (on older kernels the write would change the whole
    machine's, so we refuse). pid_max cannot go below RESERVED_PIDS + 1 and a fresh namespace
    hands out pids from 1, which would allow RESERVED_PIDS + `concurrent` processes; moving the
    namespace's last pid past RESERVED_PIDS first makes the kernel allocate only from
    [RESERVED_PIDS, pid_max), i.e. exactly `concurrent` pids, wrapping included.
    """
    version = re.match(r"(\d+)\.(\d+)", os.uname().release)
    if not version or (int(version[1]), int(version[2])) < (6, 14) or os.getpid() != 1:
        return False
    try:
        with open("/proc/sys/kernel/ns_last_pid", "w") as handle:
            handle.write(str(RESERVED_PIDS))
        with open("/proc/sys/kernel/pid_max", "w") as handle:
            handle.write(str(RESERVED_PIDS + concurrent))
    except OSError:
        return False
    return True


def landlock_abi() -> int:
    """The kernel's Landlock ABI version; 0 when Landlock is missing or disabled."""
    version = _syscall(
        _SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION)
    )
    return max(int(version), 0)


def landlock_confine(
    writable_dirs: list[str], writable_files: list[str], readable: list[str] | None = None
) -> list[str]:
    """Allow writes only beneath `writable_dirs` (and to `writable_files`); deny TCP bind/connect.

    With `readable` (paths: directories or files), reading and executing are allowed only
    beneath those and the writable paths; without it, everywhere. Applies to this process and
    everything it starts, for good. Returns the layers now in force, e.g. ['landlock-fs',
    'landlock-read', 'landlock-net'].
    """
    abi = landlock_abi()
    if abi < 1:
        return []
    read = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR if readable is not None else 0
    fs = read | FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_ALL
    fs |= (FS_REFER if abi >= 2 else 0) | (FS_TRUNCATE if abi >= 3 else 0)
    fs |= FS_IOCTL_DEV if abi >= 5 else 0
    net = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    attr = _RulesetAttr(fs, net, scoped)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = _syscall(
        _SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0)
    )
    if ruleset < 0:
        return []
    try:
        file_rights = fs & (FS_EXECUTE | FS_READ_FILE | FS_WRITE_FILE | FS_TRUNCATE | FS_IOCTL_DEV)
        rules = [(path, fs) for path in writable_dirs] + [(p, file_rights) for p in writable_files]
        for path in readable or ():
            rights = read if os.path.isdir(path) else FS_EXECUTE | FS_READ_FILE
            rules += [(path, rights)] if os.path.exists(path) else []
        for path, rights in rules:
            if not _add_path_rule(ruleset, path, rights):
                return []
        if not prctl(PR_SET_NO_NEW_PRIVS, 1):
            return []
        if _syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            return []
    finally:
        os.close(ruleset)
    layers = ["landlock-fs"] + (["landlock-read"] if read else [])
    layers += ["landlock-net"] if net else []
    return layers + (["landlock-scope"] if scoped else [])


def _add_path_rule(ruleset: int, path: str, rights: int) -> bool:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        rule = _PathBeneathAttr(rights, fd)
        return (
            _syscall(
                _SYS_ADD_RULE,
                ctypes.c_int(ruleset),
                ctypes.c_int(_RULE_PATH_BENEATH),
                ctypes.byref(rule),
                ctypes.c_uint32(0),
            )
            == 0
        )
    finally:
        os.close(fd)


def _syscall(number: int, *args: object) -> int:
    return _libc.syscall(ctypes.c_long(number), *args)
