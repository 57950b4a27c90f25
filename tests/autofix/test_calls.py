"""Call-level codemods: requests timeout/TLS checks, hashes, randomness, YAML, Jinja2, cookies."""

from __future__ import annotations

from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.autofix import apply_fixes

from tests.autofix.helpers import assert_fixed, bandit, declined, finding_at


def test_requests_timeout_and_verification():
    before = """import ssl

import requests


def fetch(url, token):
    a = requests.get(url)
    b = requests.post(
        url,
        json={"t": token},
        verify=False,
    )
    c = requests.request("GET", url, timeout=None)
    return a, b, c, ssl._create_unverified_context()
"""
    after = """import ssl

import requests


def fetch(url, token):
    a = requests.get(url, timeout=10)
    b = requests.post(
        url,
        json={"t": token},
        timeout=10,
    )
    c = requests.request("GET", url, timeout=10)
    return a, b, c, ssl.create_default_context()
"""
    findings = bandit(before, "B501", "B323")
    assert len(findings) == 2
    # B113 is a low-confidence Bandit hit that our runner filters out: made by hand here
    findings += [
        finding_at(before, "B113", n, source_name="bandit") for n in ("get(", "post(", '("GET"')
    ]
    assert_fixed(before, after, findings)
    assert bandit(after, "B501", "B323") == []


def test_weak_hashes_become_sha256_unless_not_for_security():
    before = """import hashlib
from hashlib import md5


def digests(token):
    etag = hashlib.md5(token, usedforsecurity=False).hexdigest()
    return etag, md5(token).hexdigest(), hashlib.sha1(token).digest(), hashlib.new('sha1', token)
"""
    after = (
        """import hashlib


def digests(token):
    etag = hashlib.md5(token, usedforsecurity=False).hexdigest()
    return etag, hashlib.sha256(token).hexdigest(), hashlib.sha256(token).digest(), """
        """hashlib.new('sha256', token)
"""
    )
    findings = bandit(before, "B324")
    assert len(findings) == 3
    assert_fixed(before, after, findings)


def test_content_fingerprints_keep_their_hash():
    # twins of the above: the same calls where nothing says the digest protects anything
    source = """import hashlib
from hashlib import md5


def avatar(email, size):
    digest = md5(email.lower().encode()).hexdigest()
    return f"https://www.gravatar.com/avatar/{digest}?s={size}"


def job_id(metadata):
    return hashlib.sha1(repr(metadata).encode()).hexdigest()


def cache_key(args):
    return hashlib.md5(repr(args).encode()).hexdigest()  # noqa: S324


def reset_token_digest(reset_token):
    return hashlib.md5(reset_token.encode()).hexdigest()  # noqa: S324
"""
    findings = bandit(source, "B324")
    assert len(findings) == 4
    reasons = declined(source, findings)
    assert all("nothing around it says the digest protects" in r for r in reasons[:2])
    assert all("not for security (# noqa: S324" in r for r in reasons[2:])


def test_random_tokens_use_secrets():
    before = """import random
import string
from random import randint


def reset_token():
    return "".join(random.choice(string.ascii_letters) for _ in range(32))


def pin():
    return randint(1000, 9999), random.randrange(10), random.getrandbits(64)
"""
    after = """import secrets
import string


def reset_token():
    return "".join(secrets.choice(string.ascii_letters) for _ in range(32))


def pin():
    return secrets.SystemRandom().randint(1000, 9999), secrets.randbelow(10), secrets.randbits(64)
"""
    findings = bandit(before, "B311")
    assert len(findings) == 4
    assert_fixed(before, after, findings)


def test_random_for_sampling_and_fake_data_is_left_alone():
    # twins of the above: the same calls where nothing says the number protects anything
    source = """import random


def report_jitter(minutes):
    return minutes + random.randint(0, 15)


def sample_image(images):
    return random.choice(images)
"""
    findings = bandit(source, "B311")
    assert len(findings) == 2
    assert all(
        "nothing around it says the number protects" in r for r in declined(source, findings)
    )


def test_seeded_random_is_declined():
    source = "import random\n\nrandom.seed(42)\nsample = random.random()\n"
    assert "seeds random on purpose" in declined(source, bandit(source, "B311"))[0]


def test_yaml_load_becomes_safe_load():
    before = (
        'import yaml\nfrom yaml import load\n\nA = yaml.load(open("a.yml"), Loader=yaml.Loader)\n'
        'B = load("b: 1")\nC = yaml.load("c", yaml.SafeLoader)\n'
    )
    after = (
        'import yaml\n\nA = yaml.safe_load(open("a.yml"))\nB = yaml.safe_load("b: 1")\n'
        'C = yaml.load("c", yaml.SafeLoader)\n'
    )
    findings = bandit(before, "B506")
    assert len(findings) == 2
    assert_fixed(before, after, findings)


def test_jinja_environment_autoescape():
    before = (
        "import jinja2\nfrom jinja2 import Environment\n\n"
        "A = jinja2.Environment(autoescape=False)\nB = Environment(loader=None)\n"
    )
    after = (
        "import jinja2\nfrom jinja2 import Environment, select_autoescape\n\n"
        "A = jinja2.Environment(autoescape=jinja2.select_autoescape())\n"
        "B = Environment(loader=None, autoescape=select_autoescape())\n"
    )
    findings = bandit(before, "B701")
    assert len(findings) == 2
    assert_fixed(before, after, findings)
    assert bandit(after, "B701") == []


SECURE = 'os.environ.get("SESSION_COOKIE_SECURE", "1") != "0"'


def test_cookies_get_secure_httponly_samesite():
    before = (
        'def login(resp, sid):\n    resp.set_cookie("sid", sid, secure=False)\n'
        '    resp.set_cookie("theme", "dark", samesite="Strict", httponly=True)\n'
    )
    after = f"""import os

def login(resp, sid):
    resp.set_cookie(
        "sid",
        sid,
        secure={SECURE},
        httponly=True,
        samesite="Lax",
    )
    resp.set_cookie(
        "theme",
        "dark",
        samesite="Strict",
        httponly=True,
        secure={SECURE},
    )
"""
    findings = [
        finding_at(before, "devsecbots.flask.insecure-cookie", n) for n in ('"sid"', '"theme"')
    ]
    assert_fixed(before, after, findings)


def test_the_cookies_secure_flag_is_the_operators_switch_and_passes_review():
    """Secure unless turned off: a plain-http install can still log in. The Django app's switch is
    its settings codemod's; a flag that already is the operator's switch is left as it is."""
    flask = 'def login(resp, sid):\n    resp.set_cookie("sid", sid)\n'
    django = "from django.http import HttpResponse\n\n\n" + flask
    switched = flask.replace('sid", sid)', 'sid", sid, secure=os.environ.get("C") == "1")')
    fixed = apply_fixes(
        {"a.py": flask, "b.py": django, "c.py": "import os\n" + switched},
        [
            finding_at(flask, "devsecbots.flask.insecure-cookie", '"sid"', path="a.py"),
            finding_at(django, "devsecbots.django.insecure-cookie", '"sid"', path="b.py"),
            finding_at(
                switched, "devsecbots.flask.insecure-cookie", '"sid"', path="c.py", line_shift=1
            ),
        ],
    ).files
    assert SECURE in fixed["a.py"] and fixed["a.py"].startswith("import os\n")
    assert 'os.environ.get("DJANGO_SESSION_COOKIE_SECURE", "1") != "0"' in fixed["b.py"]
    assert 'secure=os.environ.get("C") == "1", httponly=True' in fixed["c.py"]
    app = "from flask import Flask\n\napp = Flask(__name__)\n" + fixed["a.py"]
    found = analyze({"a.py": app}, cache=None).findings
    assert not [f for f in found if f["rule_id"] == "devsecbots.flask.insecure-cookie"], found
