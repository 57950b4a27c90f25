"""What the input declares it needs: requirements*.txt and pyproject.toml, read as text.

Only named packages from the configured index are accepted. Anything that would make pip run or
fetch code the input chooses — `-e .`, a local path, a URL, `--index-url`, `--find-links` — is
refused with the line that asked for it, because building the environment happens outside the
sandbox.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass

from devsecbots.nodes.appenv.errors import RequirementsError
from packaging.requirements import InvalidRequirement, Requirement

TEST_EXTRAS = ("test", "tests", "testing")
_REQUIREMENTS_NAME = re.compile(r"requirements[\w.-]*\.txt", re.IGNORECASE)
_HASH_OPTION = re.compile(r"\s--hash[=\s]\S+")
_COMMENT = re.compile(r"(^|\s)#.*$")
_INCLUDE = ("-r", "--requirement")


@dataclass(frozen=True)
class Declared:
    """The input's declared requirements, normalised and sorted, and the files they came from."""

    specs: tuple[str, ...]
    sources: tuple[str, ...]


def declared_requirements(files: Mapping[str, str]) -> Declared | None:
    """Requirements from the input's requirements*.txt and pyproject.toml; None when it has
    neither. Raises RequirementsError for a line that cannot or must not be installed."""
    sources = requirement_files(files)
    specs: set[str] = set()
    for path in sources:
        if posixpath.basename(path) == "pyproject.toml":
            specs.update(_from_pyproject(path, files[path]))
        else:
            specs.update(_from_requirements(path, files, seen=set()))
    if not sources:
        return None
    return Declared(specs=tuple(sorted(specs)), sources=tuple(sources))


def requirement_files(files: Mapping[str, str]) -> list[str]:
    """requirements*.txt and pyproject.toml at the top of the input; when the top has none, every
    requirements*.txt below it (an input holding several small apps)."""
    top = [p for p in files if "/" not in p and _is_declaration(p)]
    if top:
        return sorted(top)
    return sorted(p for p in files if _REQUIREMENTS_NAME.fullmatch(posixpath.basename(p)))


def _is_declaration(path: str) -> bool:
    return path == "pyproject.toml" or bool(_REQUIREMENTS_NAME.fullmatch(path))


def _from_requirements(path: str, files: Mapping[str, str], seen: set[str]) -> list[str]:
    if path in seen:
        return []
    seen.add(path)
    specs = []
    for number, line in _logical_lines(files[path]):
        where = f"{path}:{number}"
        if line.startswith("-"):
            option, _, value = line.replace("=", " ", 1).partition(" ")
            if option not in _INCLUDE:
                raise RequirementsError(
                    f"{where}: option {option!r} is not supported (devsecbots installs named "
                    "packages from your configured index only; use --python for anything else)"
                )
            included = posixpath.normpath(posixpath.join(posixpath.dirname(path), value.strip()))
            if included not in files:
                raise RequirementsError(f"{where}: {value.strip()!r} is not in the input")
            specs += _from_requirements(included, files, seen)
        else:
            specs.append(_checked(line, where))
    return specs


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(line number, text) with comments, hashes and blank lines gone, continuations joined."""
    lines, pending, start = [], "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        raw = _COMMENT.sub("", raw)
        if raw.endswith("\\"):
            pending += raw[:-1] + " "
            continue
        line = _HASH_OPTION.sub("", " " + pending + raw).strip()
        pending = ""
        if line:
            lines.append((start, line))
    return lines


def _checked(text: str, where: str) -> str:
    """A requirement as pip will see it; refused when it is not a named package from an index."""
    try:
        requirement = Requirement(text)
    except InvalidRequirement as err:
        if text.startswith((".", "/", "~")) or "://" in text or text.startswith("file:"):
            raise RequirementsError(
                f"{where}: {text[:80]!r} is a local path or URL; only named packages are installed"
            ) from None
        raise RequirementsError(f"{where}: {str(err).splitlines()[0]}") from None
    if requirement.url:
        raise RequirementsError(
            f"{where}: {requirement.name} @ URL is not installed; only packages from the index"
        )
    return str(requirement)


def _from_pyproject(path: str, text: str) -> list[str]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise RequirementsError(f"{path}: not valid TOML ({err})") from None
    project = data.get("project")
    if not isinstance(project, dict):
        return []
    wanted = list(project.get("dependencies") or [])
    extras = project.get("optional-dependencies") or {}
    for name in TEST_EXTRAS:
        wanted += list(extras.get(name) or []) if isinstance(extras, dict) else []
    if not all(isinstance(item, str) for item in wanted):
        raise RequirementsError(f"{path}: [project] dependencies must be strings")
    return [_checked(item.strip(), f"{path} [project]") for item in wanted]
