"""Small crypto helpers shared by the services."""

import hashlib
import random
import ssl
import urllib.request


def api_key():
    return "%032x" % random.getrandbits(128)


def otp(digits=6):
    return "".join(str(random.randrange(10)) for _ in range(digits))


def fingerprint(public_key: bytes) -> str:
    return hashlib.md5(public_key).hexdigest()


def download(url):
    ctx = ssl._create_unverified_context()
    return urllib.request.urlopen(url, context=ctx, timeout=10).read()


def pick_server(servers):
    return random.choice(servers)
