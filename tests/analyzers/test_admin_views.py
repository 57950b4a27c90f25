"""Path traversal only administrators reach (admin_views.py): each safe twin is lowered with the
reason, its closest unsafe sibling keeps its confidence."""

from __future__ import annotations

import re
import textwrap

import pytest
from devsecbots.nodes.analyzers.admin_views import reassess

FLASK = """\
import os
from functools import wraps
from flask import Flask, abort, request
from flask_login import current_user, login_required
app = Flask(__name__)

def admin_required(f):
    @wraps(f)
    def inner(*args, **kwargs):
        if current_user.role_admin():
            return f(*args, **kwargs)
        abort(403)
    return inner

def named_admin_only(f):
    @wraps(f)
    def inner(*args, **kwargs):
        if not current_user.is_authenticated:
            abort(401)
        return f(*args, **kwargs)
    return inner

def listing():
    return str(os.listdir(request.args["path"]))  # SINK
"""

FASTAPI = """\
from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse
from app.deps import check_admin, check_builder
router = APIRouter()
"""

DEPS = """\
from typing import Annotated
from fastapi import Depends, HTTPException
from app.users import current_account, current_user, settings

async def check_admin(account: Annotated[Account, Depends(current_account)]) -> Account:
    if account.id != settings.super_user and account.id not in settings.admin_users:
        raise HTTPException(403, "no admin")
    return account

async def check_builder(user: Annotated[User, Depends(current_user)]) -> None:
    if not settings.builder_for_non_admins and not user.admin:
        raise HTTPException(403, "no builder")

async def warn_admin(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.admin:
        print("not an admin")
    return user
"""

USERS = """\
settings = load_settings()

async def current_account(token: str) -> Account:
    return await accounts.by_token(token)

async def current_user(token: str) -> User:
    return await users.by_token(token)
"""

# name -> (safe, unsafe): Flask views appended to FLASK (which defines `listing`, the sink's
# helper), or FastAPI routes appended to FASTAPI.
TWINS: dict[str, tuple[str, str]] = {
    "helper-called-from-admin-view": (
        """
        @app.route("/ajax/pathchooser/")
        @login_required
        @admin_required
        def chooser():
            return listing()
        """,
        """
        @app.route("/ajax/pathchooser/")
        @login_required
        def chooser():
            return listing()
        """,
    ),
    "decorator-named-admin-without-check": (
        """
        @app.route("/x")
        @admin_required
        def chooser():
            return listing()
        """,
        """
        @app.route("/x")
        @named_admin_only
        def chooser():
            return listing()
        """,
    ),
    "gate-below-not-above-the-route": (
        """
        @app.route("/x")
        @admin_required
        def chooser():
            return listing()
        """,
        """
        @admin_required
        @app.route("/x")
        def chooser():
            return listing()
        """,
    ),
    "gate-on-another-view": (
        """
        @app.route("/x")
        @admin_required
        def chooser():
            return listing()
        """,
        """
        @app.route("/x")
        @admin_required
        def chooser():
            return "ok"

        @app.route("/y")
        @login_required
        def other():
            return listing()
        """,
    ),
    "own-check-that-leaves": (
        """
        @app.route("/x")
        @login_required
        def chooser():
            if not current_user.is_admin:
                abort(403)
            return listing()
        """,
        """
        @app.route("/x")
        @login_required
        def chooser():
            if not current_user.is_admin:
                print("not an admin")
            return listing()
        """,
    ),
    "helper-passed-as-view-function": (
        """
        @app.route("/x")
        @admin_required
        def chooser():
            return listing()
        """,
        """
        @app.route("/x")
        @admin_required
        def chooser():
            return listing()

        app.add_url_rule("/y", view_func=listing)
        """,
    ),
}

FASTAPI_TWINS: dict[str, tuple[str, str]] = {
    "dependency-checks-the-user-not-a-setting": (
        """
        @router.post("/deploy")
        async def deploy(name: str, account: Account = Depends(check_admin)):
            return FileResponse(f"zips/{name}.zip")  # SINK
        """,
        """
        @router.post("/deploy", dependencies=[Depends(check_builder)])
        async def deploy(name: str):
            return FileResponse(f"zips/{name}.zip")  # SINK
        """,
    ),
    "router-dependency-vs-check-that-does-not-leave": (
        """
        admin_router = APIRouter(dependencies=[Depends(check_admin)])

        @admin_router.get("/file")
        async def read(name: str):
            return FileResponse(f"zips/{name}.zip")  # SINK
        """,
        """
        from app.deps import warn_admin
        admin_router = APIRouter(dependencies=[Depends(warn_admin)])

        @admin_router.get("/file")
        async def read(name: str):
            return FileResponse(f"zips/{name}.zip")  # SINK
        """,
    ),
    "fastapi-users-superuser-dependency": (
        """
        current_superuser = fastapi_users.current_user(active=True, superuser=True)

        @router.post("/import", dependencies=[Depends(current_superuser)])
        async def import_dir(directory: str):
            return FileResponse(f"{directory}/movie.mkv")  # SINK
        """,
        """
        current_active = fastapi_users.current_user(active=True, superuser=False)

        @router.post("/import", dependencies=[Depends(current_active)])
        async def import_dir(directory: str):
            return FileResponse(f"{directory}/movie.mkv")  # SINK
        """,
    ),
}


def _confidence(source: str, rule: str, extra: dict[str, str]) -> dict:
    files = {"app/views.py": source, **extra}
    line = next(i for i, text in enumerate(source.splitlines(), 1) if "# SINK" in text)
    finding = {
        "rule_id": rule,
        "confidence": "medium",
        "file": "app/views.py",
        "line": line,
        "recommendation": "Check the path.",
    }
    (out,) = reassess([finding], files)  # type: ignore[list-item]
    return dict(out)


@pytest.mark.parametrize("name", TWINS)
@pytest.mark.parametrize("kind", [0, 1])
def test_flask_twins(name: str, kind: int) -> None:
    source = FLASK + textwrap.dedent(TWINS[name][kind])
    out = _confidence(source, "devsecbots.flask.path-traversal", {})
    if kind == 0:
        assert out["confidence"] == "low"
        assert "only administrators reach this view" in out["recommendation"]
    else:
        assert out["confidence"] == "medium", out["recommendation"]


@pytest.mark.parametrize("name", FASTAPI_TWINS)
@pytest.mark.parametrize("kind", [0, 1])
def test_fastapi_twins(name: str, kind: int) -> None:
    source = FASTAPI + textwrap.dedent(FASTAPI_TWINS[name][kind])
    out = _confidence(
        source, "devsecbots.fastapi.path-traversal", {"app/deps.py": DEPS, "app/users.py": USERS}
    )
    if kind == 0:
        assert out["confidence"] == "low"
        assert re.search(r"depends on (check_admin|current_superuser)", out["recommendation"])
    else:
        assert out["confidence"] == "medium", out["recommendation"]


def test_other_rules_are_untouched() -> None:
    source = FLASK + textwrap.dedent(TWINS["helper-called-from-admin-view"][0])
    assert _confidence(source, "devsecbots.flask.xss", {})["confidence"] == "medium"
