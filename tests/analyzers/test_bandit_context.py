"""Bandit findings read against the code: what lowers a finding to low confidence, and what not."""

from __future__ import annotations

import ast
import textwrap

import pytest
from devsecbots.nodes.analyzers.bandit_runner import run_bandit
from devsecbots.nodes.analyzers.hash_purpose import fingerprint_reason, random_origin
from devsecbots.nodes.analyzers.random_purpose import incidental_reason


def confidence(source: str, rule: str) -> list[str]:
    """The confidence of each `rule` finding Bandit reports in `source`."""
    found = run_bandit({"m.py": textwrap.dedent(source)})
    return [f["confidence"] for f in found if f["rule_id"] == rule]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('UPLOADS = "/tmp/uploads"\n', ["low"]),
        ('def f(path="/tmp/cache"):\n    return path\n', ["low"]),
        ('open("/tmp/report.txt", "w").write("x")\n', ["medium"]),
        ('import pathlib\npathlib.Path("/tmp/x.txt").write_text("x")\n', ["medium"]),
        ('import os\nos.makedirs(f"/tmp/{name}")\n', ["medium"]),
        ('import shutil\nshutil.disk_usage("/dev/shm")\n', ["low"]),
        ('LOGS = {"app": "/dev/shm/logs/app/current"}\n', ["low"]),
        ('stats = {}\nstats["/dev/shm"] = 1\n', ["low"]),
        ('open("/dev/shm/app.yaml", "w").write("x")\n', ["medium"]),
        ('import pathlib\npathlib.Path("/dev/shm/.stopping").touch()\n', ["medium"]),
        ('open("/var/tmp/app.pid", "w").write("1")\n', ["medium"]),
        ('CACHE = "/var/tmp/cache"\n', ["low"]),
    ],
)
def test_tmp_path_is_low_only_as_a_setting(source, expected):
    assert confidence(source, "B108") == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ('"https://www.google.com/recaptcha/api/siteverify"', ["low"]),
        ('f"https://api.example.org/{path}"', ["low"]),
        ('"http://localhost:8000/" + path', ["low"]),
        ("url", ["high"]),
        ('f"{scheme}://example.org"', ["high"]),
    ],
)
def test_urlopen_is_low_only_with_a_fixed_scheme(url, expected):
    source = f"import urllib.request\nurllib.request.urlopen({url})\n"
    assert confidence(source, "B310") == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('def f(ip):\n    url = f"https://ipapi.co/{ip}/"\n    return urlopen(url)\n', ["low"]),
        ("def f(ip):\n    url = ip + '/json/'\n    return urlopen(url)\n", ["high"]),
        (
            "def f():\n    def fetch(url):\n        return urlopen(url)\n"
            "    return fetch('https://ipinfo.io/ip') or fetch(url='http://a.example/')\n",
            ["low"],
        ),
        (
            "def f(target):\n    def fetch(url):\n        return urlopen(url)\n"
            "    return fetch('https://ipinfo.io/ip') or fetch(target)\n",
            ["high"],
        ),
        ("def fetch(url):\n    return urlopen(url)\n\nfetch('https://ipinfo.io/ip')\n", ["high"]),
        (
            "def f():\n    def fetch(url):\n        return urlopen(url)\n    return fetch\n",
            ["high"],
        ),
    ],
)
def test_urlopen_follows_local_names_and_nested_helpers(source, expected):
    source = "from urllib.request import urlopen\n" + source
    assert confidence(source, "B310") == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from django.conf import settings\nurlopen(settings.FEED_URL)\n", ["low"]),
        (
            "from app import settings\nfor name, config in settings.FONTS.items():\n"
            '    urlopen(config["url"])\n',
            ["low"],
        ),
        ('import app.settings as conf\nurlopen(conf.MIRRORS.get("pypi"))\n', ["low"]),
        ('for url in ("https://a.example/x", "https://b.example/y"):\n    urlopen(url)\n', ["low"]),
        ("from app import settings\nurlopen(request.args['scheme'] + settings.HOST)\n", ["high"]),
        ("settings = load(request)\nurlopen(settings.FEED_URL)\n", ["high"]),
        ("from app import config\nurlopen(config.FEED_URL)\n", ["high"]),
        ('for url in ("https://a.example/x", path):\n    urlopen(url)\n', ["high"]),
        ("for url in request.args.getlist('u'):\n    urlopen(url)\n", ["high"]),
    ],
)
def test_urlopen_of_settings_values_and_fixed_url_lists_is_low(source, expected):
    source = "from urllib.request import urlopen\n" + source
    assert confidence(source, "B310") == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            'HUB = os.environ.get("HF_ENDPOINT", "https://huggingface.co")\n'
            'urlretrieve(f"{HUB}/org/models/resolve/{name}", dest)\n',
            ["low"],
        ),
        ('urlopen(os.getenv("FEED_URL") + "/feed.xml")\n', ["low"]),
        ("urlopen(f\"{os.environ['MIRROR']}/index\")\n", ["low"]),
        ('BASE = "https://api.example.org"\nurlopen(BASE + "/v1/" + path)\n', ["low"]),
        (
            'HUB = os.environ.get("HF_ENDPOINT", request.args["hub"])\n'
            'urlretrieve(f"{HUB}/org/models/{name}", dest)\n',
            ["high"],
        ),
        ('urlopen(os.environ.get(request.args["k"]) + "/x")\n', ["high"]),
        ('base = request.args["base"]\nurlopen(f"{base}/api/v1/status")\n', ["high"]),
        ('urlopen(f"{path}/x")\n', ["high"]),
    ],
)
def test_urlopen_on_an_environment_base_is_low_and_on_a_request_base_is_not(source, expected):
    source = "import os\nfrom urllib.request import urlopen, urlretrieve\n" + source
    assert confidence(source, "B310") == expected


def test_markup_of_an_escaping_call_is_low_and_of_raw_text_is_not():
    source = """\
        from markupsafe import Markup, escape
        a = Markup(escape(value))
        b = Markup(value)
    """
    assert confidence(source, "B704") == ["low", "high"]


def test_shell_and_eval_defer_to_the_taint_rules():
    source = """\
        import subprocess
        subprocess.run(cmd, shell=True)
        eval(expression)
    """
    assert confidence(source, "B602") == ["low"]
    assert confidence(source, "B307") == ["low"]


HASH_OBJECT = """\
def remember(text):
    h = hashlib.md5()
    h.update({data}.encode())
    result = h.hexdigest()
    with open({sink}, "a") as out:
        out.write(f"value={{result}}\\n")
"""

RATE_LIMIT_KEY = """\
def allow_login(email):
    hashed = hashlib.sha1((email + settings.SECRET_KEY).encode()).hexdigest()
    return {use}
"""


@pytest.mark.parametrize(
    ("source", "fingerprint"),
    [
        ("def cache_key(a):\n    return hashlib.md5(a).hexdigest()\n", True),
        ("def avatar(e):\n    digest = hashlib.md5(e.encode()).hexdigest()\n", True),
        ("etag = hashlib.sha1(body).hexdigest()\n", True),
        ("def f(fp):\n    return hashlib.sha1(fp.read()).hexdigest()\n", True),
        ("def store(password):\n    return hashlib.md5(password).hexdigest()\n", False),
        # Nothing says what it protects: a fingerprint far more often than a credential.
        ("def f(data):\n    return hashlib.sha1(data).hexdigest()\n", True),
        (HASH_OBJECT.format(data="prompt", sink="cache_dir / 'last'"), True),
        # The value is followed through the function: fed a password, stored in a password file.
        (HASH_OBJECT.format(data="password", sink="cache_dir / 'last'"), False),
        (HASH_OBJECT.format(data="text", sink="'/var/lib/app/passwords.txt'"), False),
        ("def cache_token(a):\n    return hashlib.md5(a).hexdigest()\n", False),
        # A keyed digest: what it is for is where it goes, not the secret mixed in.
        (RATE_LIMIT_KEY.format(use='TokenBucket.authorize(f"em-{hashed}", 10, 3600)'), True),
        (RATE_LIMIT_KEY.format(use='cache.set(f"em-{hashed}", 1)'), True),
        (RATE_LIMIT_KEY.format(use="hashed"), False),
        (RATE_LIMIT_KEY.format(use='sign(f"em-{hashed}")'), False),
        ("def f(m):\n    mac = hashlib.sha1((m + SECRET_KEY).encode()).hexdigest()\n", False),
        ("def unique_key(self):\n    return hashlib.sha1(self.code.encode()).hexdigest()\n", True),
        ("def api_key(self):\n    return hashlib.sha1(self.code.encode()).hexdigest()\n", False),
        # The hashed data says password: the function's name cannot make it a fingerprint.
        ("def cache_key(password):\n    return hashlib.md5(password).hexdigest()\n", False),
    ],
)
def test_a_weak_hash_is_a_fingerprint_only_when_the_code_says_so(source, fingerprint):
    line = next(i for i, text in enumerate(source.splitlines(), 1) if "hashlib." in text)
    assert bool(fingerprint_reason(ast.parse(source), line)) is fingerprint


def test_random_origin_follows_assignments_back_to_the_call():
    source = textwrap.dedent(
        """\
        import random
        def remember(store, key):
            value = random.random()
            text = str(value)
            store[key] = text
            return random.random()
        """
    )
    tree = ast.parse(source)
    assert random_origin(tree, 5) == 3
    assert random_origin(tree, 6) == 0  # the call is on the line itself


def test_a_listen_address_is_a_deployment_choice():
    source = """\
        import debugpy
        debugpy.listen(("0.0.0.0", 5678))
        parser.add_argument("--host", default="0.0.0.0")
    """
    assert confidence(source, "B104") == ["low", "low"]


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        ('app.run(debug=True, host="127.0.0.1", port=4000)', ["low"]),
        ('app.run(debug=True, host="0.0.0.0")', ["medium"]),
        ("app.run(debug=True)", ["medium"]),
        ("app.run(debug=True, host=HOST)", ["medium"]),
    ],
)
def test_the_debug_server_on_loopback_is_low(run, expected):
    source = f"from flask import Flask\napp = Flask(__name__)\n{run}\n"
    assert confidence(source, "B201") == expected


@pytest.mark.parametrize(
    "statement",
    [
        'cursor.execute("SELECT * FROM %s" % table)',
        'cursor.execute(f"SELECT {self.model._meta.pk.column} FROM {TABLE}")',
        'cursor.execute("SELECT * FROM " + model._meta.db_table + " WHERE id = " + pk)',
    ],
)
def test_sql_formatting_alone_is_low_the_taint_rules_decide(statement):
    source = f"""\
        TABLE = "stats"

        def count(cursor, model, where, pk, table):
            {statement}
        """
    assert confidence(source, "B608") == ["low"]


@pytest.mark.parametrize(
    ("path", "code", "incidental"),
    [
        ("pkgs/cache/cache_key.py", "def new_key(n=4):\n    return random.choices(A, k=n)", True),
        ("pkgs/cache/cache_key.py", "def new_api_key():\n    return random.choices(A, k=9)", False),
        ("pkgs/cache/keys.py", "def new_key(n=4):\n    return random.choices(A, k=n)", False),
        ("cache.py", "def new_token():\n    return random.choices(A, k=9)", False),
        ("ui.py", "def pick():\n    color_key = random.choice(A)\n    return color_key", True),
        ("ui.py", "def cache_key():\n    token = random.random()\n    return token", False),
        ("ui.py", "def retry():\n    time.sleep(random.random())", False),
        ("ui.py", "def retry_with_jitter():\n    time.sleep(random.random())", True),
    ],
)
def test_a_random_value_is_incidental_only_when_the_nearest_names_say_so(path, code, incidental):
    tree = ast.parse("import random\n" + code + "\n")
    line = next(
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and "random." in ast.unparse(n.func)
    )
    assert bool(incidental_reason(tree, line, path)) is incidental


@pytest.mark.parametrize(
    ("source", "rule", "expected"),
    [
        ("import xml.etree.ElementTree as ET\nET.fromstring(request.data)\n", "B314", ["low"]),
        ("from xml.dom import minidom\nminidom.parseString(body)\n", "B318", ["low"]),
    ],
)
def test_stdlib_xml_parsing_is_low(source, rule, expected):
    assert confidence(source, rule) == expected


CLOUDFRONT = """\
from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding


class Storage:
    def _rsa_signer(self, message):
        return self.key.sign(message, padding.PKCS1v15(), hashes.SHA1())

    def sign_url(self, url, expires):
        signer = {signer}
        return signer.generate_presigned_url(url, date_less_than=expires)
"""


@pytest.mark.parametrize(
    ("signer", "fixed"),
    [
        ("CloudFrontSigner(self.key_id, self._rsa_signer)", True),
        ("CloudFrontSigner(self.key_id, rsa_signer=self._rsa_signer)", True),
        # The same SHA-1 signature used for the application's own tokens: its choice, weak.
        ("TokenSigner(self.key_id, self._rsa_signer)", False),
        ("CloudFrontSigner(self.key_id, self._other_signer)", False),
    ],
)
def test_sha1_is_the_protocols_only_in_a_cloudfront_signer(signer, fixed):
    source = CLOUDFRONT.format(signer=signer)
    line = next(i for i, text in enumerate(source.splitlines(), 1) if "hashes.SHA1" in text)
    assert bool(fingerprint_reason(ast.parse(source), line)) is fixed


YAML_CONFIG = """\
import os
from pathlib import Path

import yaml
from django.conf import settings

config_path = Path(os.environ.get("APP_LOGGING_CFG", "/etc/app/logging.yaml"))


def load(request):
    with open({path}) as stream:
        return yaml.load(stream, Loader={loader})
"""


@pytest.mark.parametrize(
    ("path", "loader", "expected"),
    [
        ("config_path", "yaml.FullLoader", ["low"]),
        ('settings.BASE_DIR / "logging.yaml"', "yaml.FullLoader", ["low"]),
        ('"/etc/app/" + os.getenv("APP_PROFILE", "default") + ".yaml"', "yaml.FullLoader", ["low"]),
        # A path the request names, or the loader that calls arbitrary callables: still flagged.
        ('request.args["config"]', "yaml.FullLoader", ["high"]),
        ("f\"/etc/app/{request.args['name']}.yaml\"", "yaml.FullLoader", ["high"]),
        ("config_path", "yaml.UnsafeLoader", ["high"]),
        ("config_path", "yaml.Loader", ["high"]),
    ],
)
def test_full_loader_of_an_operator_file_is_low(path, loader, expected):
    source = YAML_CONFIG.format(path=path, loader=loader)
    assert confidence(source, "B506") == expected
