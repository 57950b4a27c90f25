"""Which codemod handles which finding, and the findings we refuse to fix automatically."""

from __future__ import annotations

import re
from collections.abc import Sequence

from devsecbots.graphs.state import Finding
from devsecbots.nodes.autofix.base import Codemod
from devsecbots.nodes.autofix.codemods.bind_host import BindHost
from devsecbots.nodes.autofix.codemods.cookies import Cookies
from devsecbots.nodes.autofix.codemods.cors import Cors
from devsecbots.nodes.autofix.codemods.csrf import Csrf
from devsecbots.nodes.autofix.codemods.django_csrf import DjangoCsrfExempt
from devsecbots.nodes.autofix.codemods.django_settings import DjangoSettings
from devsecbots.nodes.autofix.codemods.django_sql import DjangoSql
from devsecbots.nodes.autofix.codemods.django_web import DjangoWeb
from devsecbots.nodes.autofix.codemods.fastapi_files import FastapiFiles
from devsecbots.nodes.autofix.codemods.fastapi_html import FastapiHtml
from devsecbots.nodes.autofix.codemods.flask_debug import FlaskDebug
from devsecbots.nodes.autofix.codemods.jinja_autoescape import JinjaAutoescape
from devsecbots.nodes.autofix.codemods.rate_limit import RateLimit
from devsecbots.nodes.autofix.codemods.requests_timeout import RequestsTimeout
from devsecbots.nodes.autofix.codemods.secret_key import SecretKey
from devsecbots.nodes.autofix.codemods.security_headers import SecurityHeaders
from devsecbots.nodes.autofix.codemods.served_files import InlineUpload, SendFileJoin
from devsecbots.nodes.autofix.codemods.session_cookie import SessionCookie
from devsecbots.nodes.autofix.codemods.shell_command import ShellCommand
from devsecbots.nodes.autofix.codemods.sql_injection import SqlInjection
from devsecbots.nodes.autofix.codemods.template_escape import TemplateEscape
from devsecbots.nodes.autofix.codemods.tls_verify import TlsVerify
from devsecbots.nodes.autofix.codemods.upload import Upload
from devsecbots.nodes.autofix.codemods.weak_hash import WeakHash
from devsecbots.nodes.autofix.codemods.weak_random import WeakRandom
from devsecbots.nodes.autofix.codemods.yaml_load import YamlLoad

# Order matters only for readability of the result: each codemod re-parses the file.
CODEMODS: tuple[Codemod, ...] = (
    SecretKey(),
    DjangoSettings(),
    FlaskDebug(),
    BindHost(),
    Upload(),
    FastapiFiles(),
    FastapiHtml(),
    Csrf(),
    DjangoCsrfExempt(),
    DjangoWeb(),
    Cookies(),
    SecurityHeaders(),  # before the two below: each inserts right after the app's setup
    SessionCookie(),
    RateLimit(),
    SendFileJoin(),
    InlineUpload(),
    Cors(),
    YamlLoad(),
    ShellCommand(),
    SqlInjection(),
    DjangoSql(),
    RequestsTimeout(),
    TlsVerify(),
    WeakHash(),
    WeakRandom(),
    JinjaAutoescape(),
    TemplateEscape(),
)

OWN_RULE_PREFIX = "devsecbots."  # our Semgrep rules
DESERIALISATION = "needs a data format change (e.g. JSON) — no safe automatic fix"
_UNSAFE_LOADERS = re.compile(r"\b(pickle|cPickle|_pickle|marshal|dill|shelve|jsonpickle)\b")

# rule id -> why there is no automatic fix (findings are reported, never dropped)
REFUSED: dict[str, str] = {
    "B301": DESERIALISATION,
    "B302": DESERIALISATION,
    "B403": DESERIALISATION,
    "B102": "exec() of dynamic code needs a redesign — no safe automatic fix",
    "B307": "eval() needs the intended input grammar (e.g. ast.literal_eval or a parser) — "
    "no safe automatic fix",
}


def refusal(finding: Finding) -> str | None:
    """The reason a finding is never fixed automatically, or None."""
    if finding["rule_id"] in REFUSED:
        return REFUSED[finding["rule_id"]]
    text = f"{finding['snippet']} {finding['title']}"
    if finding["cwe"] == "CWE-502" and _UNSAFE_LOADERS.search(text):
        return DESERIALISATION
    return None


def codemod_for(finding: Finding, codemods: Sequence[Codemod] = CODEMODS) -> Codemod | None:
    """The codemod for a finding: by rule id first, by CWE when the rule is unknown to us."""
    if refusal(finding) is not None:
        return None
    for codemod in codemods:
        if codemod.claims(finding):
            return codemod
    if finding["source"] == "bandit" or finding["rule_id"].startswith(OWN_RULE_PREFIX):
        return None  # closed rule sets (Bandit's, ours): a rule we do not list has no codemod
    return next((c for c in codemods if c.claims_cwe(finding)), None)
