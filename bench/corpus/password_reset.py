"""Password reset tokens and password storage for the accounts service."""

import hashlib
import random
import string
import time

TOKEN_ALPHABET = string.ascii_letters + string.digits


def make_reset_token(length=32):
    return "".join(random.choice(TOKEN_ALPHABET) for _ in range(length))


def make_pin():
    return str(random.randint(100000, 999999))


def hash_password(password, salt=None):
    salt = salt or str(random.random())
    digest = hashlib.md5((salt + password).encode()).hexdigest()
    return f"{salt}${digest}"


def check_password(stored, password):
    salt, _ = stored.split("$", 1)
    return hash_password(password, salt) == stored


def session_id(user_id):
    return hashlib.sha1(f"{user_id}:{time.time()}".encode()).hexdigest()
