"""Django behind the project's own TLS proxy, which answers plain HTTP with a redirect to https.

devsecbots.django.https-not-enforced asks for SECURE_SSL_REDIRECT. A project that ships the web
server in front of Django may redirect there instead: an nginx server block that listens on port
80 and answers `return 301 https://...` (or `rewrite ... https://... permanent`) never lets a
plain-http request reach Django. The finding is kept at low confidence when the settings module
also sets SECURE_PROXY_SSL_HEADER (Django is told it runs behind a TLS-terminating proxy) and one
of the project's configuration files (not prose) is such a redirecting port-80 server. Either
fact alone keeps the finding blocking: a proxy header without a redirect, or a redirect in a
file the settings do not say they sit behind.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.low_confidence import lowered_by
from devsecbots.nodes.analyzers.project_trees import walk
from devsecbots.nodes.dev_settings import PROSE_SUFFIXES

RULES = frozenset({"devsecbots.django.https-not-enforced"})
_LISTEN_80 = re.compile(r"^\s*listen\s+(?:\[::\]:|[\d.]+:)?80\b", re.MULTILINE)
_TO_HTTPS = re.compile(
    r"^\s*(?:return\s+30[1278]\s+[\"']?https://|rewrite\s+\S+\s+[\"']?https://\S*\s+"
    r"(?:permanent|redirect)\b)",
    re.MULTILINE,
)
_SERVER = re.compile(r"^\s*server\s*\{", re.MULTILINE)


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings, HTTPS left to the project's redirecting proxy at low confidence."""
    if not any(f["rule_id"] in RULES for f in findings):
        return findings
    proxy = redirecting_proxy(files)
    if not proxy:
        return findings
    why = (
        f"{proxy} answers plain HTTP on port 80 with a redirect to https, and the settings set "
        "SECURE_PROXY_SSL_HEADER for that proxy"
    )
    return lowered_by(
        findings, files, RULES, lambda tree, _line: why if sets_proxy_header(tree) else ""
    )


def redirecting_proxy(files: dict[str, str]) -> str:
    """The first configuration file with a port-80 server that redirects to https ('' if none)."""
    for path, text in sorted(files.items()):
        if path.endswith(".py") or PurePosixPath(path).suffix.lower() in PROSE_SUFFIXES:
            continue
        for listen in _LISTEN_80.finditer(text):
            block_end = _SERVER.search(text, listen.end())  # the next server block starts there
            if _TO_HTTPS.search(
                text[: block_end.start() if block_end else len(text)], listen.end()
            ):
                return path
    return ""


def sets_proxy_header(tree: ast.Module) -> bool:
    """Whether the module assigns SECURE_PROXY_SSL_HEADER a value other than None."""
    return any(
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "SECURE_PROXY_SSL_HEADER" for t in node.targets)
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        for node in walk(tree)
    )
