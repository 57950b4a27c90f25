"""Cookies without Secure that plainly keep a preference: low with why; credentials block."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.state import make_finding
from devsecbots.nodes.analyzers.cookie_purpose import reassess

RULE = "devsecbots.flask.insecure-cookie"


def confidence(source: str) -> list[str]:
    """The confidence of a finding on each set_cookie line of `source`, after reassess."""
    source = textwrap.dedent(source).lstrip()
    lines = [i for i, text in enumerate(source.splitlines(), 1) if ".set_cookie(" in text]
    findings = [
        make_finding(
            severity="medium",
            confidence="high",
            cwe="CWE-614",
            file="app.py",
            line=line,
            snippet="",
            source="semgrep",
            rule_id=RULE,
            title="Cookie without the Secure flag",
            recommendation="Pass secure=True.",
        )
        for line in lines
    ]
    return [f["confidence"] for f in reassess(findings, {"app.py": source})]


# name -> (preference cookie, its credential sibling)
TWINS = {
    "setting-class": (
        """
        class Setting:
            def save(self, name, resp):
                resp.set_cookie(name, self.value, max_age=86400)
        """,
        """
        class Login:
            def save(self, name, resp):
                resp.set_cookie(name, self.value, max_age=86400)
        """,
    ),
    "choices-joined": (
        """
        class BooleanChoices:
            def save(self, resp):
                enabled = (k for k in self.enabled if not self.default_choices[k])
                resp.set_cookie("enabled_{0}".format(self.name), ",".join(enabled))
        """,
        """
        class BooleanChoices:
            def save(self, resp):
                enabled = (k for k in self.enabled if not self.default_choices[k])
                resp.set_cookie("enabled_{0}".format(self.name), ",".join(self.tokens))
        """,
    ),
    "named-theme": (
        """
        def pick(request, resp):
            resp.set_cookie("theme", request.form["theme"])
        """,
        """
        def pick(request, resp):
            resp.set_cookie("theme", request.form["remember_token"])
        """,
    ),
    "preference-holding-a-serializer-output": (
        """
        def save_language(resp, chosen):
            resp.set_cookie("lang", chosen)
        """,
        """
        def save_language(resp, chosen, serializer):
            value = serializer.dumps(chosen)
            resp.set_cookie("lang", value)
        """,
    ),
    "preference-class-with-a-user-id": (
        """
        class DisplaySettings:
            def save(self, resp):
                resp.set_cookie("layout", self.layout)
        """,
        """
        class DisplaySettings:
            def save(self, resp):
                resp.set_cookie("layout", str(self.user_id))
        """,
    ),
    "an-attribute-of-the-user-object": (
        """
        def set_language(user, response):
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.preferred_language)
        """,
        """
        def set_language(user, response):
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.username)
        """,
    ),
    "the-request-users-attribute": (
        """
        def locale(request, response):
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.preferred_language)
        """,
        """
        def locale(request, response):
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.session_token)
        """,
    ),
    "a-view-behind-an-access-mixin": (
        """
        class PersonalSettingsView(LoginRequiredMixin, UpdateView):
            def form_valid(self, form):
                response = super().form_valid(form)
                response.set_cookie(LANGUAGE, form.cleaned_data["preferred_language"])
                return response
        """,
        """
        class PersonalSettingsView(LoginRequiredMixin, UpdateView):
            def form_valid(self, form):
                response = super().form_valid(form)
                response.set_cookie(LANGUAGE, form.cleaned_data["login_token"])
                return response
        """,
    ),
}


@pytest.mark.parametrize("name", TWINS)
def test_a_preference_cookie_is_low_its_credential_sibling_is_not(name):
    safe, unsafe = TWINS[name]
    assert set(confidence(safe)) == {"low"}
    assert set(confidence(unsafe)) == {"high"}


@pytest.mark.parametrize(
    "source",
    [
        # opaque name, opaque value: nothing tells what it is
        "def store(resp, name, value):\n    resp.set_cookie(name, value)\n",
        "def login(resp, token):\n    resp.set_cookie('cookie_access_token', token)\n",
        "def visit(resp):\n    resp.set_cookie('visitor', str(uuid.uuid4()))\n",
        "def prefs(resp, **options):\n    resp.set_cookie('theme', **options)\n",
    ],
)
def test_opaque_or_credential_cookies_keep_blocking(source):
    assert confidence(source) == ["high"]
