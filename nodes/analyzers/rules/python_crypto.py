# Rule tests for python_crypto.yaml (run by tests/analyzers/test_rules.py via semgrep --test).
import hashlib
import random
import secrets

from flask import make_response, session


def fingerprint(data: bytes) -> str:
    # ruleid: devsecbots.python.weak-hash
    digest = hashlib.md5(data).hexdigest()
    # ruleid: devsecbots.python.weak-hash
    hashlib.sha1(data)
    # ruleid: devsecbots.python.weak-hash
    hashlib.new("md5", data)
    # ok: devsecbots.python.weak-hash
    hashlib.md5(data, usedforsecurity=False)
    # ok: devsecbots.python.weak-hash
    hashlib.sha256(data)
    # ok: devsecbots.python.weak-hash
    hashlib.new("sha512", data)
    return digest


def new_session_token() -> str:
    # ruleid: devsecbots.python.weak-random
    return str(random.getrandbits(64))


def remember_me(user):
    value = str(random.random()).split(".")[1]
    response = make_response("hi")
    # ruleid: devsecbots.python.weak-random
    response.set_cookie("remember", value, secure=True, httponly=True, samesite="Lax")
    return response


def login(user):
    # ruleid: devsecbots.python.weak-random
    reset_code = random.randint(100000, 999999)
    # ok: devsecbots.python.weak-random
    other = secrets.randbelow(10)
    session["user"] = user
    return reset_code, other


def fake_user(users):
    # ok: devsecbots.python.weak-random
    oauth_id = random.randint(1, 1000)
    # ok: devsecbots.python.weak-random
    keyboard_layout = random.choice(["qwerty", "azerty"])
    # ruleid: devsecbots.python.weak-random
    apiKey = "".join(random.choices("abcdef0123456789", k=32))
    # ruleid: devsecbots.python.weak-random
    users.invite(password_hash=str(random.random()))
    return oauth_id, keyboard_layout, apiKey


def oauth_store(store):
    # ok: devsecbots.python.weak-random
    value = random.randint(1, 6)
    store["dice"] = value


def remember(mysession, cookie):
    value = str(random.normalvariate())
    if cookie in mysession:
        return "welcome back"
    else:
        # ruleid: devsecbots.python.weak-random
        mysession[cookie] = value
    return "remembered"


def keyed(store):
    # ruleid: devsecbots.python.weak-random
    store["csrf_token"] = random.getrandbits(64)


def roll(request):
    # ok: devsecbots.python.weak-random
    dice = random.randint(1, 6)
    # ok: devsecbots.python.weak-random
    stats = {"dice": dice}
    return stats


def shuffle_deck(deck):
    # ok: devsecbots.python.weak-random
    random.shuffle(deck)
    # ok: devsecbots.python.weak-random
    return random.choice(deck)


def api_token() -> str:
    # ok: devsecbots.python.weak-random
    return secrets.token_urlsafe(32)
