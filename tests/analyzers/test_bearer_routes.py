"""Reflected XSS in FastAPI routes that require a bearer / API-key header credential (a browser
never attaches one by itself) does not block; the same route behind a cookie, HTTP Basic, an
optional bearer or no credential at all still does (the engine's findings, default policy)."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.analyzers.bearer_routes import bearer_names
from devsecbots.nodes.analyzers.newer_syntax import parse_tree
from devsecbots.nodes.policy import apply_run_policy, is_blocking

DEPS = """\
from typing import Annotated

from fastapi import Depends, Security
from fastapi.security import (APIKeyCookie, APIKeyHeader, HTTPBasic, HTTPBearer,
                              OAuth2PasswordBearer)

oauth2 = OAuth2PasswordBearer(tokenUrl="/login")
TokenDep = Annotated[str, Depends(oauth2)]


def current_user(token: TokenDep):
    try:
        return decode(token)
    except ValueError, KeyError:  # Python 3.14 syntax (PEP 758): the file must still be read
        raise PermissionError


CurrentUser = Annotated[dict, Depends(current_user)]


def current_admin(user: CurrentUser):
    if not user["admin"]:
        raise PermissionError
    return user


api_key = APIKeyHeader(name="X-API-Key")


def api_client(key: str = Security(api_key)):
    return key


cookie = APIKeyCookie(name="session")


def cookie_user(session: str = Depends(cookie)):
    return session


optional_oauth2 = OAuth2PasswordBearer(tokenUrl="/login", auto_error=False)


def maybe_user(token: str | None = Depends(optional_oauth2)):
    return token


basic = HTTPBasic()


def basic_user(credentials=Depends(basic)):
    return credentials
"""

ROUTES = """\
from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPBearer

from app.deps import (CurrentUser, api_client, basic_user, cookie_user, current_admin,
                      current_user, maybe_user)
"""

# name -> (safe routes, unsafe routes): the XSS (CWE-79) must block in the unsafe one only
TWINS: dict[str, tuple[str, str]] = {
    "decorator-dependency-chain": (
        """
        router = APIRouter()

        @router.post("/preview/{email}", dependencies=[Depends(current_admin)])
        def preview(email: str):
            return HTMLResponse(content=f"<p>Reset link sent to {email}</p>")
        """,
        """
        router = APIRouter()

        @router.post("/preview/{email}", dependencies=[Depends(cookie_user)])
        def preview(email: str):
            return HTMLResponse(content=f"<p>Reset link sent to {email}</p>")
        """,
    ),
    "api-key-header-parameter": (
        """
        router = APIRouter()

        @router.get("/hello/{name}")
        async def hello(name: str, client: str = Depends(api_client)):
            return HTMLResponse(f"<h1>Hello {name}</h1>")
        """,
        """
        router = APIRouter()

        @router.get("/hello/{name}")
        async def hello(name: str):
            return HTMLResponse(f"<h1>Hello {name}</h1>")
        """,
    ),
    "annotated-parameter": (
        """
        router = APIRouter()

        @router.get("/card/{title}")
        def card(title: str, user: CurrentUser):
            return HTMLResponse(f"<div>{title}</div>")
        """,
        """
        router = APIRouter()

        @router.get("/card/{title}")
        def card(title: str, user=Depends(basic_user)):
            return HTMLResponse(f"<div>{title}</div>")
        """,
    ),
    "router-dependencies": (
        """
        router = APIRouter(dependencies=[Depends(current_user)])

        @router.get("/note/{text}")
        def note(text: str):
            return HTMLResponse(f"<p>{text}</p>")
        """,
        """
        router = APIRouter(dependencies=[Depends(maybe_user)])

        @router.get("/note/{text}")
        def note(text: str):
            return HTMLResponse(f"<p>{text}</p>")
        """,
    ),
    "scheme-made-in-place": (
        """
        router = APIRouter()

        @router.get("/badge/{label}")
        def badge(label: str, credentials=Depends(HTTPBearer())):
            return HTMLResponse(f"<span>{label}</span>")
        """,
        """
        router = APIRouter()

        @router.get("/badge/{label}")
        def badge(label: str, credentials=Depends(HTTPBearer(auto_error=False))):
            return HTMLResponse(f"<span>{label}</span>")
        """,
    ),
}


def route_file(name: str, kind: str) -> str:
    """The twin's file in the project."""
    return f"app/routes/{name.replace('-', '_')}_{kind}.py"


@pytest.fixture(scope="module")
def blocking_xss():
    files = {"app/__init__.py": "", "app/deps.py": DEPS}
    for name, (safe, unsafe) in TWINS.items():
        files[route_file(name, "safe")] = ROUTES + textwrap.dedent(safe)
        files[route_file(name, "unsafe")] = ROUTES + textwrap.dedent(unsafe)
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    found: dict[str, list] = {path: [] for path in files}
    for finding in findings:
        if finding["cwe"] == "CWE-79":
            found[finding["file"]].append(finding)
    blocking = {
        p: [f for f in fs if is_blocking(f, ctx.blocking_severity)] for p, fs in found.items()
    }
    return found, blocking


@pytest.mark.parametrize("name", TWINS)
def test_the_bearer_only_route_does_not_block(blocking_xss, name):
    found, blocking = blocking_xss
    path = route_file(name, "safe")
    assert not blocking[path], blocking[path]
    assert any(
        "Low confidence: the route requires a bearer" in f["recommendation"] for f in found[path]
    )


@pytest.mark.parametrize("name", TWINS)
def test_the_route_a_browser_can_forge_blocks(blocking_xss, name):
    _, blocking = blocking_xss
    assert blocking[route_file(name, "unsafe")]


def test_a_cookie_copied_into_the_authorization_header_blocks():
    # A middleware that turns the browser's cookie into the bearer header: forgeable again.
    middleware = """\
from fastapi import FastAPI

app = FastAPI()


@app.middleware("http")
async def cookie_to_header(request, call_next):
    token = request.cookies.get("access_token")
    if token:
        request.scope["headers"].append((b"authorization", f"Bearer {token}".encode()))
    return await call_next(request)
"""
    name = "decorator-dependency-chain"
    files = {
        "app/__init__.py": "",
        "app/deps.py": DEPS,
        "app/main.py": middleware,
        route_file(name, "safe"): ROUTES + textwrap.dedent(TWINS[name][0]),
    }
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    assert any(f["cwe"] == "CWE-79" and is_blocking(f, ctx.blocking_severity) for f in findings)


def test_a_subclassed_scheme_is_not_trusted():
    # A project's own scheme class may read a cookie in __call__: only FastAPI's own count.
    tree = parse_tree(
        "class CookieBearer(OAuth2PasswordBearer):\n    pass\n"
        "scheme = CookieBearer(tokenUrl='/login')\n"
        "def user(token: str = Depends(scheme)):\n    return token\n"
    )
    assert tree is not None
    assert bearer_names([tree]) == set()
