"""Django settings split across modules: a base module's value that a deployment module replaces.

Django projects commonly keep defaults in `settings/base.py` and let `settings/production.py`
(`from .base import *`) replace what must differ in production: DEBUG, SECRET_KEY, the HTTPS
switches. A per-file rule sees `DEBUG = True` in the base module and cannot know that the module
the server runs with sets it again. When a settings module that builds on the flagged one (a
star import of it, not test code) assigns the same setting to something other than the insecure
value, the finding stays reported with low confidence, naming that module.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.parsed import parsed_tree
from devsecbots.nodes.analyzers.project_imports import imported_file
from devsecbots.nodes.roles import APP, file_role

# Each settings rule, the setting it is about, and whether a literal value is the insecure one.
SETTING_OF = {
    "devsecbots.django.debug-enabled": "DEBUG",
    "devsecbots.django.hardcoded-secret-key": "SECRET_KEY",
    "devsecbots.python.hardcoded-secret-key": "SECRET_KEY",
    "devsecbots.django.https-not-enforced": "SECURE_SSL_REDIRECT",
    "devsecbots.django.csrf-cookie-not-secure": "CSRF_COOKIE_SECURE",
    "devsecbots.django.session-cookie-not-secure": "SESSION_COOKIE_SECURE",
    "devsecbots.django.missing-hsts": "SECURE_HSTS_SECONDS",
}


@dataclass
class SettingsModule:
    """What one module says about settings: what it star-imports and what it assigns."""

    star_imports: list[str] = field(default_factory=list)  # project paths it builds on
    assigned: dict[str, list[ast.expr]] = field(default_factory=dict)  # NAME -> values


def refine_split_settings(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """`findings` with each settings finding that another module overrides lowered to low
    confidence, saying which module sets it."""
    if not any(f["rule_id"] in SETTING_OF for f in findings):
        return findings
    modules = {path: m for path, source in files.items() if (m := _module(path, source, files))}
    result = []
    for finding in findings:
        setting = SETTING_OF.get(finding["rule_id"])
        overrider = _overrider(finding["file"], setting, modules) if setting else ""
        if overrider:
            why = f" ({overrider}, which builds on this module, sets {setting} again)"
            finding = Finding(**{**finding, "confidence": "low", "title": finding["title"] + why})
        result.append(finding)
    return result


def _overrider(path: str, setting: str, modules: dict[str, SettingsModule]) -> str:
    """An application settings module that star-imports `path` and sets `setting` safely."""
    for other, module in sorted(modules.items()):
        if path not in module.star_imports:
            continue
        if any(not insecure_literal(setting, value) for value in module.assigned.get(setting, [])):
            return other
    return ""


def insecure_literal(setting: str, value: ast.expr) -> bool:
    """Whether `value` is the insecure literal the rule about `setting` looks for."""
    if not isinstance(value, ast.Constant):
        return False  # read from the environment or computed: the deployment decides
    if setting == "SECRET_KEY":
        return isinstance(value.value, str)
    if setting == "DEBUG":
        return value.value is True
    return value.value in (False, None, 0)


def _module(path: str, source: str, files: dict[str, str]) -> SettingsModule | None:
    """The settings facts of an application module that star-imports another project module."""
    if not path.endswith(".py") or "import *" not in source or file_role(path, source).name != APP:
        return None
    tree = parsed_tree(source)
    if tree is None:
        return None
    module = SettingsModule()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            resolved = imported_file(path, node, files)
            if resolved:
                module.star_imports.append(resolved)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    module.assigned.setdefault(target.id, []).append(node.value)
    return module if module.star_imports else None
