"""Values the code fixes: cookies set to a constant flag, pickles of bytes whose HMAC was checked
first. The safe twin is reported at low confidence with why; its unsafe sibling still blocks (the
engine's findings under the run's default policy)."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.policy import apply_run_policy, is_blocking

HEADER = """\
import hmac, inspect, json, pickle
import os
from hashlib import sha256

from fastapi import FastAPI, Request, UploadFile
from fastapi.responses import JSONResponse

app = FastAPI()
"""

# name -> (safe body, unsafe body, rule that must block in the unsafe one)
TWINS: dict[str, tuple[str, str, str]] = {
    "cookie-constant-flag": (
        """
        @app.post("/login")
        async def login():
            response = JSONResponse({})
            response.set_cookie("is_user_authorized", "true", max_age=3600)
            response.set_cookie("is_access_token_expired", "true")
            return response
        """,
        """
        @app.post("/login")
        async def login(token: str):
            response = JSONResponse({})
            response.set_cookie("is_user_authorized", token, max_age=3600)
            return response
        """,
        "devsecbots.fastapi.insecure-cookie",
    ),
    "cookie-constant-not-a-credential": (
        """
        @app.post("/theme")
        async def theme():
            response = JSONResponse({})
            response.set_cookie("theme", "dark")
            return response
        """,
        """
        @app.post("/theme")
        async def theme():
            response = JSONResponse({})
            response.set_cookie("session_token", "dark")
            return response
        """,
        "devsecbots.fastapi.insecure-cookie",
    ),
    "cookie-keeps-a-preference": (
        """
        class LanguageSetting:
            def save(self, name: str, response: JSONResponse) -> None:
                response.set_cookie(name, self.value, max_age=86400)
        """,
        """
        class LoginState:
            def save(self, name: str, response: JSONResponse) -> None:
                response.set_cookie(name, self.value, max_age=86400)
        """,
        "devsecbots.fastapi.insecure-cookie",
    ),
    "caller-module-file-is-no-upload": (
        """
        def extension_name() -> str:
            caller_dir, _ = os.path.split(inspect.stack()[1].filename)
            with open(os.path.join(caller_dir, "config.json")) as config:
                return json.load(config)["name"]
        """,
        """
        @app.post("/upload")
        async def upload(file: UploadFile):
            with open(os.path.join("/srv/uploads", file.filename), "wb") as out:
                out.write(await file.read())
        """,
        "devsecbots.fastapi.upload-unsanitised-filename",
    ),
    "pickle-of-own-django-cache": (
        """
        from django.core.cache import caches
        from django.core.cache.backends.base import BaseCache

        read_cache = caches["read-cache"]


        def vectorized(key: str):
            cached = read_cache.get(key)
            return pickle.loads(cached)


        class StoredCache:
            def __init__(self, backend: BaseCache = read_cache) -> None:
                self._backend = backend

            def load(self, key: str):
                data = self._backend.get(key)
                return pickle.loads(data) if data else None
        """,
        """
        from django.core.cache import caches


        class StoredCache:
            def __init__(self, backend) -> None:
                self._backend = backend

            def load(self, key: str):
                data = self._backend.get(key)
                return pickle.loads(data) if data else None


        def from_request(request: Request):
            return pickle.loads(request.query_params.get("state"))
        """,
        "B301",
    ),
    "pickle-after-hmac-check": (
        """
        def signed_loads(payload: bytes) -> object:
            signature, data = payload[:32], payload[32:]
            expected = hmac.new(os.environ["SECRET_KEY"].encode(), data, sha256).digest()
            if not hmac.compare_digest(signature, expected):
                raise ValueError("tampered")
            return pickle.loads(data)
        """,
        """
        def signed_loads(payload: bytes) -> object:
            signature, data = payload[:32], payload[32:]
            expected = sha256(data).digest()
            if not hmac.compare_digest(signature, expected):
                raise ValueError("tampered")
            return pickle.loads(data)
        """,
        "B301",
    ),
    "pickle-after-hmac-helper-check": (
        """
        class Model:
            @staticmethod
            def _compute_hmac(data: bytes) -> bytes:
                return hmac.new(os.environ["SECRET_KEY"].encode(), data, sha256).digest()

            def load(self, raw: bytes) -> None:
                signature, data = raw[:32], raw[32:]
                if not hmac.compare_digest(signature, self._compute_hmac(data)):
                    raise ValueError("corrupt")
                with open("/dev/null"):
                    try:
                        self.state = pickle.loads(data)
                    except Exception as err:
                        raise ValueError("corrupt") from err
        """,
        """
        class Model:
            @staticmethod
            def _compute_mac(data: bytes) -> bytes:
                return hmac.new(os.environ["SECRET_KEY"].encode(), data, sha256).digest()

            def load(self, raw: bytes) -> None:
                signature, data = raw[:32], raw[32:]
                if not hmac.compare_digest(signature, self._compute_mac(data)):
                    print("signature mismatch")
                self.state = pickle.loads(data)
        """,
        "B301",
    ),
    "pickle-after-hmac-of-other-bytes": (
        """
        def signed_loads(payload: bytes) -> object:
            signature, data = payload[:32], payload[32:]
            if hmac.new(os.environ["SECRET_KEY"].encode(), data, sha256).digest() != signature:
                raise ValueError("tampered")
            return pickle.loads(data)
        """,
        """
        def signed_loads(payload: bytes) -> object:
            signature, data = payload[:32], payload[32:]
            if hmac.new(os.environ["SECRET_KEY"].encode(), data, sha256).digest() != signature:
                raise ValueError("tampered")
            data = payload
            return pickle.loads(data)
        """,
        "B301",
    ),
    "pickle-after-hmac-with-a-secret-key": (
        """
        def signed_loads(payload: bytes, key: bytes) -> object:
            signature, data = payload[:32], payload[32:]
            if hmac.new(key, data, sha256).digest() == signature:
                return pickle.loads(data)
            raise ValueError("tampered")
        """,
        """
        KEY = b"not-a-secret"

        def signed_loads(payload: bytes) -> object:
            signature, data = payload[:32], payload[32:]
            if hmac.new(KEY, data, sha256).digest() == signature:
                return pickle.loads(data)
            raise ValueError("tampered")
        """,
        "B301",
    ),
}

# A source the rule no longer reads at all: nothing is reported.
NOT_REPORTED = frozenset({"caller-module-file-is-no-upload"})


@pytest.fixture(scope="module")
def findings_by_file():
    files = {"app/__init__.py": ""}
    for name, (safe, unsafe, _) in TWINS.items():
        for kind, body in (("safe", safe), ("unsafe", unsafe)):
            files[f"app/{name.replace('-', '_')}_{kind}.py"] = HEADER + textwrap.dedent(body)
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    found: dict[str, list] = {path: [] for path in files}
    for finding in findings:
        found[finding["file"]].append((finding, is_blocking(finding, ctx.blocking_severity)))
    return found


@pytest.mark.parametrize("name", TWINS)
def test_the_safe_twin_is_reported_at_low_confidence_with_why(findings_by_file, name):
    rule = TWINS[name][2]
    found = [
        (f, blocking)
        for f, blocking in findings_by_file[f"app/{name.replace('-', '_')}_safe.py"]
        if f["rule_id"] == rule
    ]
    if name in NOT_REPORTED:
        assert not found, found
        return
    assert found, "the rule should still report it"
    assert not any(blocking for _, blocking in found), found
    assert all("Low confidence: " in f["recommendation"] for f, _ in found), found


@pytest.mark.parametrize("name", TWINS)
def test_the_unsafe_twin_blocks(findings_by_file, name):
    rule = TWINS[name][2]
    found = findings_by_file[f"app/{name.replace('-', '_')}_unsafe.py"]
    assert any(blocking for f, blocking in found if f["rule_id"] == rule), found
