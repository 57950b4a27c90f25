"""`build "a FastAPI ..."` / `"a Django ..."`: DevBot is told to write in that framework and how
to lay out its project (the request goes through the real ChatOpenAI client to the fake server)."""

from __future__ import annotations

import pytest
from devsecbots.nodes.develop import develop
from devsecbots.nodes.frameworks import framework_for

from tests.unit.helpers import runtime

APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"
ANSWER = {"summary": "app", "files": [{"path": "app.py", "content": APP}]}


@pytest.mark.parametrize(
    ("request_text", "framework", "words"),
    [
        ("a FastAPI service for file uploads", "fastapi", ["FastAPI app", "TestClient"]),
        ("a Django shop with a cart", "django", ["Django project", "manage.py", "DJANGO_SECRET"]),
        ("a Flask app for file upload", "flask", ["Flask app", "CSRFProtect"]),
    ],
)
def test_the_write_prompt_names_the_requested_framework(
    fake_openai, request_text, framework, words
):
    fake_openai.script("dev", [ANSWER])
    state = {"round": 1, "request": request_text, "files": {}, "findings": []}
    develop(state, runtime(dev_model="dev", base_url=fake_openai.base_url, max_retries=0))
    task = fake_openai.requests[0].messages[-1]["content"]
    assert framework_for(request_text) == framework
    assert all(word in task for word in words), task
    others = {"fastapi": "FastAPI app", "django": "Django project", "flask": "Flask app"}
    assert not [w for f, w in others.items() if f != framework and w in task]


def test_revising_keeps_the_framework_the_code_imports():
    assert framework_for("make it safer", {"app.py": APP}) == "fastapi"
    assert framework_for("", {"shop/views.py": "from django.http import HttpResponse\n"}) == (
        "django"
    )
    assert framework_for("a todo list") == "flask"  # the default, as before
