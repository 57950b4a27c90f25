"""Code that proves a Python process is the project's venv and keeps it off the network."""

from __future__ import annotations

import sys

# Run first (a notebook's first cell, or `python -c GUARD + ...`): prove the process is this
# interpreter, and refuse any connection that does not go to the loopback interface.
GUARD = f"""
import ipaddress, socket, sys
assert sys.prefix == {sys.prefix!r}, f"this process runs {{sys.executable}}, not the project's venv"
_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex

def _loopback_only(address):
    host = address[0] if isinstance(address, tuple) else ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise OSError(f"tests allow no network access beyond 127.0.0.1 (tried {{host}})")

def _guarded(connect):
    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _loopback_only(address)
        return connect(self, address)
    return guarded

socket.socket.connect = _guarded(_connect)
socket.socket.connect_ex = _guarded(_connect_ex)
del _guarded
"""
