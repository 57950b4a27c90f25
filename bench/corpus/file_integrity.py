"""Checksums for files we download and sign."""

import hashlib
from hashlib import md5


def checksum(path, algorithm="md5"):
    h = hashlib.new("md5")
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            h.update(chunk)
    return h.hexdigest()


def quick_fingerprint(data: bytes) -> str:
    return md5(data).hexdigest()


def signature(secret: bytes, message: bytes) -> str:
    return hashlib.sha1(secret + message).hexdigest()


def cache_key(url: str) -> str:
    return hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
