"""Split Django settings: base.py's values are development defaults when production.py sets them."""

from __future__ import annotations

from devsecbots.nodes.autofix import apply_fixes

from tests.autofix.helpers import finding_at

BASE = 'SECRET_KEY = "dev-key"\nINSTALLED_APPS = ["django.contrib.auth"]\nDEBUG = True\n'
PRODUCTION = (
    "import os\nfrom .base import *\n\n"
    'if "DJANGO_SECRET_KEY" in os.environ:\n    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\n'
    "SECURE_SSL_REDIRECT = True\nDEBUG = False\n"
)
RULES = {
    "devsecbots.django.debug-enabled": "DEBUG",
    "devsecbots.django.hardcoded-secret-key": "SECRET_KEY",
    "devsecbots.django.https-not-enforced": "INSTALLED_APPS",
}


def _run(files: dict[str, str]):
    path = "site/settings/base.py"
    findings = [finding_at(BASE, rule, needle, path=path) for rule, needle in RULES.items()]
    return apply_fixes(files, findings), findings, path


def test_base_settings_alone_are_fixed():
    outcome, findings, path = _run({"site/settings/base.py": BASE})
    assert sorted(f["rule_id"] for f in outcome.fixed) == sorted(RULES)
    assert 'os.environ["DJANGO_SECRET_KEY"]' in outcome.files[path]
    assert "SECURE_SSL_REDIRECT" in outcome.files[path]


def test_base_settings_that_production_overrides_are_left_alone():
    files = {"site/settings/base.py": BASE, "site/settings/production.py": PRODUCTION}
    outcome, findings, path = _run(files)
    assert outcome.changed == []
    reasons = [outcome.reason(f) for f in findings]
    assert "production.py builds on site/settings/base.py and sets DEBUG" in reasons[0]
    assert "production.py builds on site/settings/base.py and sets SECRET_KEY" in reasons[1]
    assert "sets the HTTPS settings itself" in reasons[2]


def test_https_left_to_the_operator_is_not_forced():
    base = BASE + 'SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE") == "1"\n'
    path = "site/settings/base.py"
    finding = finding_at(base, "devsecbots.django.https-not-enforced", "INSTALLED_APPS", path=path)
    outcome = apply_fixes({path: "import os\n" + base}, [finding])
    assert outcome.changed == []
    assert "SESSION_COOKIE_SECURE comes from the environment" in outcome.reason(finding)


SWITCHED_PROXY = (
    "import os\nfrom .base import *\n\n"
    'if os.environ.get("X_FORWARDED_PROTO_HEADER_SET") == "1":\n'
    '    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")\n'
)


def test_https_is_not_forced_when_the_proxy_header_is_an_operator_switch():
    files = {"site/settings/base.py": BASE, "site/settings/main.py": SWITCHED_PROXY}
    outcome, findings, path = _run(files)
    assert "SECURE_SSL_REDIRECT" not in outcome.files.get(path, BASE)
    assert "main.py sets SECURE_PROXY_SSL_HEADER only on an operator's switch" in outcome.reason(
        findings[2]
    )


def test_https_is_forced_when_the_proxy_header_is_always_set():
    always = SWITCHED_PROXY.replace(
        'if os.environ.get("X_FORWARDED_PROTO_HEADER_SET") == "1":\n    ', ""
    )
    files = {"site/settings/base.py": BASE, "site/settings/main.py": always}
    outcome, findings, path = _run(files)
    assert "SECURE_SSL_REDIRECT" in outcome.files[path]


def test_https_is_not_forced_when_the_proxy_header_comes_from_the_environment():
    base = (
        "import os\n"
        + BASE
        + (
            'SECURE_PROXY_SSL_HEADER = (\n    tuple(os.environ["PROXY_SSL_HEADER"].split(","))\n'
            '    if "PROXY_SSL_HEADER" in os.environ\n    else None\n)\n'
        )
    )
    path = "site/settings/base.py"
    finding = finding_at(base, "devsecbots.django.https-not-enforced", "INSTALLED_APPS", path=path)
    outcome = apply_fixes({path: base}, [finding])
    assert outcome.changed == []
    assert "SECURE_PROXY_SSL_HEADER only on an operator's switch" in outcome.reason(finding)


def _secure(line: str):
    """Harden base settings with `line` added, for their HTTPS findings."""
    base = BASE + line
    path = "site/settings/base.py"
    needles = {
        "devsecbots.django.session-cookie-not-secure": "SESSION_COOKIE_SECURE",
        "devsecbots.django.https-not-enforced": "INSTALLED_APPS",
    }
    findings = [
        finding_at(base, rule, needle, path=path)
        for rule, needle in needles.items()
        if needle in base
    ]
    return apply_fixes({path: base}, findings), findings, path


def test_an_explicit_insecure_cookie_choice_is_left_and_https_is_not_forced():
    outcome, (cookie, https), path = _secure("SESSION_COOKIE_SECURE = False\n")
    assert outcome.changed == [] and outcome.fixed == []
    assert "SESSION_COOKIE_SECURE is set off explicitly (= False)" in outcome.reason(cookie)
    assert "served over plain http" in outcome.reason(https)
    assert "not a default to force" in outcome.reason(https)


def test_a_cookie_setting_read_from_the_configuration_is_the_projects_choice():
    outcome, (cookie, https), path = _secure("SESSION_COOKIE_SECURE = CONFIG.USE_HTTPS\n")
    assert outcome.changed == []
    assert "SESSION_COOKIE_SECURE is read from the project's configuration" in outcome.reason(https)


def test_settings_that_are_simply_missing_or_on_are_still_fixed():
    outcome, (cookie, https), path = _secure("SESSION_COOKIE_SECURE = True\n")
    assert "SECURE_SSL_REDIRECT" in outcome.files[path]
    assert "SESSION_COOKIE_SECURE = True\n" in outcome.files[path]
    outcome, (https,), path = _secure("SECURE_HSTS_SECONDS = 60 * 60\n")
    assert "SECURE_SSL_REDIRECT" in outcome.files[path]


TEST_SETTINGS = 'from site.settings.base import *  # noqa: F403\nSECRET_KEY = "tests"\n'


def test_a_redirect_is_not_forced_on_settings_that_tests_or_development_build_on():
    path = "site/settings/base.py"
    findings = [
        finding_at(BASE, rule, "INSTALLED_APPS", path=path)
        for rule in (
            "devsecbots.django.https-not-enforced",
            "devsecbots.django.session-cookie-not-secure",
        )
    ]
    https, cookie = findings
    for builder in ("site/tests/settings.py", "site/settings/dev.py"):
        source = TEST_SETTINGS if "tests" in builder else "from .base import *\nDEBUG = True\n"
        outcome = apply_fixes({path: BASE, builder: source}, findings)
        assert "SECURE_SSL_REDIRECT" not in outcome.files[path]
        assert "SESSION_COOKIE_SECURE = " in outcome.files[path]  # the cookies are still fixed
        assert outcome.fixed == [cookie]
        assert f"{builder} builds on {path}" in outcome.reason(https)
        assert "the test client's too" in outcome.reason(https)
    unrelated = "from site.settings.other import *\n"  # its sibling: not a module that builds on it
    outcome = apply_fixes({path: BASE, "site/tests/settings.py": unrelated}, findings)
    assert "SECURE_SSL_REDIRECT" in outcome.files[path] and len(outcome.fixed) == 2
