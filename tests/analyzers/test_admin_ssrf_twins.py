"""SSRF behind a FastAPI role factory's admin-only dependency (`require_role(["admin"])`) is the
administrator's own choice of host: reported, not blocking. Any other role list, a factory whose
check can fall through, or no dependency keeps blocking."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.policy import apply_run_policy, is_blocking

AUTH = """\
from fastapi import HTTPException, Request


def require_role(required_roles: list[str]):
    async def role_checker(request: Request):
        header = request.headers.get("remote-role")
        roles = [r.strip() for r in header.split(",")] if header else []
        if not roles:
            raise HTTPException(status_code=403, detail="Role not provided")
        if not any(role in required_roles for role in roles):
            raise HTTPException(status_code=403, detail="Not authorized")
        return roles[0]

    return role_checker


def log_role(required_roles: list[str]):
    async def role_checker(request: Request):
        role = request.headers.get("remote-role")
        if role not in required_roles:
            print("unexpected role", role)
        return role

    return role_checker
"""

VIEW = """\
import requests
from fastapi import APIRouter, Depends
from app.auth import log_role, require_role

router = APIRouter()
admin_only = require_role(["admin"])


@router.get("/probe"{dependencies})
def probe(host: str = ""):
    return requests.get(f"http://{{host}}/api.cgi?cmd=GetEnc", timeout=5).text
"""

TWINS = {
    "in-place admin role": (', dependencies=[Depends(require_role(["admin"]))]', False),
    "module-level admin role": (", dependencies=[Depends(admin_only)]", False),
    "admin or viewer": (', dependencies=[Depends(require_role(["admin", "viewer"]))]', True),
    "check falls through": (', dependencies=[Depends(log_role(["admin"]))]', True),
    "no dependency": ("", True),
}


@pytest.fixture(scope="module")
def blocking_by_file() -> dict[str, list[bool]]:
    files = {"app/auth.py": AUTH}
    for i, (dependencies, _) in enumerate(TWINS.values()):
        files[f"app/view{i}.py"] = textwrap.dedent(VIEW.format(dependencies=dependencies))
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    found: dict[str, list[bool]] = {path: [] for path in files}
    for finding in findings:
        if finding["rule_id"] == "devsecbots.fastapi.ssrf":
            found[finding["file"]].append(is_blocking(finding, ctx.blocking_severity))
    return found


@pytest.mark.parametrize("name", TWINS)
def test_admin_role_ssrf_twins(name: str, blocking_by_file: dict[str, list[bool]]) -> None:
    index = list(TWINS).index(name)
    assert blocking_by_file[f"app/view{index}.py"] == [TWINS[name][1]]
