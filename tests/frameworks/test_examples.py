"""The FastAPI and Django examples: the vulnerable app blocks, offline hardening clears every
blocking finding without breaking a file, and the app's own tests still pass."""

from __future__ import annotations

import ast

import pytest

from tests.frameworks.helpers import (
    ROOT,
    blocking,
    harden_offline,
    read_project,
    run_own_tests,
    write,
)

EXPECTED = {
    "fastapi_upload": {
        "devsecbots.fastapi.upload-unsanitised-filename",
        "devsecbots.fastapi.path-traversal",
        "devsecbots.fastapi.bind-all-interfaces",
    },
    "django_shop": {
        "devsecbots.django.sql-injection",
        "devsecbots.django.csrf-exempt",
        "devsecbots.django.hardcoded-secret-key",
        "devsecbots.django.debug-enabled",
        "devsecbots.django.allowed-hosts-wildcard",
        "devsecbots.django.missing-csrf-middleware",
        "devsecbots.django.missing-security-middleware",
        "devsecbots.django.missing-frame-protection",
    },
}


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def example(request):
    name = request.param
    before = read_project(ROOT / "examples" / name)
    return name, before, harden_offline(before)


def test_the_vulnerable_example_blocks_with_its_frameworks_rules(example):
    name, before, _ = example
    found = blocking(before)
    assert EXPECTED[name] <= {f["rule_id"] for f in found}
    assert not [f for f in found if "flask" in f["rule_id"] or "Flask" in f["title"]]


def test_offline_hardening_clears_every_blocking_finding(example):
    _, _, after = example
    assert blocking(after) == []
    for path, source in after.items():
        if path.endswith(".py"):
            ast.parse(source, filename=path)


@pytest.mark.slow
def test_the_examples_own_tests_pass_before_and_after(example, tmp_path):
    _, before, after = example
    for label, files in (("before", before), ("after", after)):
        done = run_own_tests(write(files, tmp_path / label))
        assert done.returncode == 0, f"{label}: {done.stdout[-1500:]}{done.stderr[-1500:]}"
