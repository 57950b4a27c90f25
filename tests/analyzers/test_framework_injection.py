"""Django and FastAPI views that run request data through a shell, eval or an outgoing request
block like Flask's (Bandit's call-only findings merge with the data-flow rule's)."""

from __future__ import annotations

import pytest
from devsecbots.nodes.analyzers import analyze

from .helpers import blocking as at_medium_or_above


def blocking(findings) -> list:
    """What blocks the gate: medium severity or above, and not low confidence."""
    return [f for f in at_medium_or_above(findings) if f["confidence"] != "low"]


DJANGO_UNSAFE = """import subprocess

import requests
from django.http import HttpResponse


def ping(request):
    out = subprocess.check_output("ping -c1 " + request.GET["host"], shell=True)
    return HttpResponse(out, content_type="text/plain")


def calc(request):
    return HttpResponse(str(eval(request.POST["expr"])), content_type="text/plain")


def preview(request):
    return HttpResponse(requests.get(request.GET["url"], timeout=5).text, content_type="text/plain")
"""
DJANGO_SAFE = """import shlex
import subprocess

import requests
from django.http import HttpResponse

EXPRESSIONS = {"1+1", "2*3"}


def ping(request):
    out = subprocess.check_output("ping -c1 " + shlex.quote(request.GET["host"]), shell=True)
    return HttpResponse(out, content_type="text/plain")


def calc(request):
    expr = request.POST["expr"]
    if expr not in EXPRESSIONS:
        return HttpResponse(status=400)
    return HttpResponse(str(eval(expr)), content_type="text/plain")


def preview(request, name):
    body = requests.get(f"https://api.example.com/items/{name}", timeout=5).text
    return HttpResponse(body, content_type="text/plain")
"""
FASTAPI_UNSAFE = """import subprocess

import httpx
from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
def ping(host: str):
    return subprocess.check_output("ping -c1 " + host, shell=True)


@app.get("/calc")
def calc(expr: str):
    return {"value": eval(expr)}


@app.get("/preview")
async def preview(url: str):
    async with httpx.AsyncClient() as client:
        return {"body": (await client.get(url)).text}
"""
FASTAPI_SAFE = """import subprocess

import httpx
from fastapi import Depends, FastAPI

from .settings import Settings, get_settings

app = FastAPI()


@app.get("/ping")
def ping(count: int, settings: Settings = Depends(get_settings)):
    return subprocess.check_output(f"ping -c{count} {settings.gateway}", shell=True)


@app.get("/calc")
def calc(settings: Settings = Depends(get_settings)):
    return {"value": eval(settings.formula)}


@app.get("/preview/{name}")
async def preview(name: str):
    async with httpx.AsyncClient() as client:
        return {"body": (await client.get(f"https://api.example.com/items/{name}")).text}
"""
CASES = {
    "django": (DJANGO_UNSAFE, DJANGO_SAFE),
    "fastapi": (FASTAPI_UNSAFE, FASTAPI_SAFE),
}


@pytest.fixture(scope="module")
def reports():
    files = {
        f"{web}_{kind}/views.py": source
        for web, (unsafe, safe) in CASES.items()
        for kind, source in (("unsafe", unsafe), ("safe", safe))
    }
    findings = analyze(files, cache=None).findings
    return {path: [f for f in findings if f["file"] == path] for path in files}


@pytest.mark.parametrize("web", CASES)
def test_shell_eval_and_fetch_of_request_data_block(reports, web):
    found = {(f["rule_id"], f["line"]) for f in blocking(reports[f"{web}_unsafe/views.py"])}
    rules = {rule for rule, _ in found}
    assert {
        f"devsecbots.{web}.command-injection",
        f"devsecbots.{web}.code-injection",
        f"devsecbots.{web}.ssrf",
    } <= rules, found
    assert len(found) == 3, found  # Bandit's B602 / B307 merged into the data-flow findings


@pytest.mark.parametrize("web", CASES)
def test_quoted_checked_or_fixed_host_values_do_not_block(reports, web):
    assert blocking(reports[f"{web}_safe/views.py"]) == []
