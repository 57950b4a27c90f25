"""Dependency hygiene: is there a requirements.txt, and is every requirement pinned?"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

AUDIT_COMMAND = "pip-audit -r {path}"
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


@dataclass(frozen=True)
class Requirement:
    """One requirement line: its name, its version spec and where it is."""

    name: str
    spec: str
    line: int

    @property
    def pinned(self) -> bool:
        """Whether it names one exact version (`==1.2.3`, not a range or a wildcard)."""
        return bool(re.fullmatch(r"===?\s*[^,*;\s]+", self.spec.split(";")[0].strip()))


def parse_requirements(text: str) -> list[Requirement]:
    """The named requirements of a requirements.txt (options, URLs and comments are skipped)."""
    found = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #")[0].strip()
        if not line or line.startswith(("#", "-")) or "://" in line or line.startswith("."):
            continue
        match = _NAME.match(line)
        if match:
            found.append(Requirement(match.group(1), match.group(3).strip(), number))
    return found


def requirement_files(files: dict[str, str]) -> list[str]:
    """requirements*.txt files among the project's files, shallowest first."""
    found = [
        p
        for p in files
        if re.fullmatch(r"requirements[\w.-]*\.txt", posixpath.basename(p))
        and "/tests/" not in f"/{p}"
    ]
    return sorted(found, key=lambda p: (p.count("/"), p))


def dependency_advice(files: dict[str, str], *, audited: bool = False) -> list[str]:
    """Non-blocking advice about the project's dependencies; [] when it has no Python files."""
    if not any(p.endswith(".py") for p in files):
        return []
    paths = requirement_files(files)
    if not paths:
        if "pyproject.toml" in files:
            return [
                "Keep dependencies updated: audit them with `pip-audit .` (reads pyproject.toml) "
                "and pin what you deploy."
            ]
        return [
            "No requirements.txt: list the dependencies with exact versions (`pip freeze > "
            "requirements.txt`) so they can be reviewed and audited with "
            "`pip-audit -r requirements.txt`."
        ]
    advice = []
    for path in paths:
        loose = [r.name for r in parse_requirements(files[path]) if not r.pinned]
        if loose:
            shown = ", ".join(loose[:6]) + (" …" if len(loose) > 6 else "")
            advice.append(
                f"{path}: {len(loose)} requirement(s) not pinned to an exact version ({shown}); "
                "pin them (==) so builds are repeatable and audits see what you deploy."
            )
    command = " && ".join(AUDIT_COMMAND.format(path=p) for p in paths)
    not_audited = "" if audited else " (not audited in this run: `--audit-deps` does it)"
    advice.append(
        f"Keep dependencies updated: run `{command}` regularly and upgrade what it reports"
        f"{not_audited}."
    )
    return advice
