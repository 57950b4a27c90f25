"""Every rule passes its own `# ruleid:` / `# ok:` tests, and the README lists every rule."""

from __future__ import annotations

import json
import subprocess

import yaml
from devsecbots.nodes.analyzers.semgrep_runner import (
    RULES_DIR,
    find_semgrep,
    offline_environment,
    rule_files,
    rule_ids,
)

PREFIXES = tuple(f"devsecbots.{area}." for area in ("flask", "django", "fastapi", "python"))


def test_semgrep_rule_tests_pass(tmp_path):
    done = subprocess.run(
        [
            find_semgrep(),
            "--test",
            "--json",
            "--metrics=off",
            "--disable-version-check",
            str(RULES_DIR),
        ],
        env=offline_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stdout)
    assert not report["config_with_errors"], report["config_with_errors"]
    assert not report["config_missing_tests"], report["config_missing_tests"]
    failed = {
        rule: check["matches"]
        for config in report["results"].values()
        for rule, check in config["checks"].items()
        if not check["passed"]
    }
    assert not failed, failed
    tested = {rule for config in report["results"].values() for rule in config["checks"]}
    assert tested == set(rule_ids()), "every rule must have test annotations"
    assert done.returncode == 0, done.stderr[-2000:]


def test_every_rule_has_id_cwe_and_category():
    for path in rule_files():
        for rule in yaml.safe_load(path.read_text())["rules"]:
            assert rule["id"].startswith(PREFIXES), rule["id"]
            assert rule["metadata"]["cwe"].startswith("CWE-"), rule["id"]
            assert rule["metadata"]["category"] == "security", rule["id"]
            assert rule["metadata"]["title"], rule["id"]
            assert rule["severity"] in ("ERROR", "WARNING", "INFO"), rule["id"]


def test_readme_lists_every_rule_with_its_cwe():
    readme = (RULES_DIR / "README.md").read_text()
    for path in rule_files():
        for rule in yaml.safe_load(path.read_text())["rules"]:
            cwe = rule["metadata"]["cwe"].split(":")[0]
            rows = [line for line in readme.splitlines() if f"`{rule['id']}`" in line]
            assert rows, f"{rule['id']} is missing from rules/README.md"
            assert cwe in rows[0], f"README row of {rule['id']} should name {cwe}"


def test_ids_the_autofix_engine_matches_on_exist():
    wanted = {
        "devsecbots.flask.debug-enabled",
        "devsecbots.flask.bind-all-interfaces",
        "devsecbots.flask.hardcoded-secret-key",
        "devsecbots.flask.upload-unsanitised-filename",
        "devsecbots.flask.upload-missing-max-content-length",
        "devsecbots.flask.missing-csrf-protection",
        "devsecbots.flask.csrf-disabled",
        "devsecbots.flask.sql-injection",
        "devsecbots.flask.command-injection",
        "devsecbots.flask.insecure-cookie",
        "devsecbots.python.insecure-deserialization",
        "devsecbots.python.weak-hash",
        "devsecbots.python.weak-random",
        "devsecbots.python.hardcoded-secret-key",
    }
    from devsecbots.nodes.analyzers.flask_checklist import RULES as PROJECT_RULES
    from devsecbots.nodes.analyzers.templates import RULES as TEMPLATE_RULES
    from devsecbots.nodes.autofix.registry import CODEMODS

    # Semgrep rules, the project-level checks and the template check
    known = set(rule_ids()) | set(PROJECT_RULES) | set(TEMPLATE_RULES)
    claimed = {r for c in CODEMODS for r in c.rule_ids if r.startswith("devsecbots.")}
    assert wanted <= known
    assert claimed <= known, claimed - known


def test_titles_name_their_own_framework_or_none():
    """No Django or FastAPI finding calls itself Flask (and the other way round)."""
    names = {"flask": "Flask", "django": "Django", "fastapi": "FastAPI"}
    for path in rule_files():
        for rule in yaml.safe_load(path.read_text())["rules"]:
            area = rule["id"].split(".")[1]
            others = [name for key, name in names.items() if key != area]
            words = f"{rule['metadata']['title']} {rule['message']}"
            assert not [n for n in others if n in words], rule["id"]
