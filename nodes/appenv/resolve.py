"""Which interpreter runs the input's code: the one given, or a venv built from its requirements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from devsecbots.nodes.appenv.cache import BUILD_TIMEOUT, cached_env
from devsecbots.nodes.appenv.errors import EnvironmentUnavailable, RequirementsError
from devsecbots.nodes.appenv.requirements import declared_requirements

NO_ENVIRONMENT = (
    "no environment (no --python, no usable .venv/ or venv/ in the input, "
    "no requirements*.txt or pyproject.toml)"
)


@dataclass(frozen=True)
class AppEnv:
    """An interpreter for the input's code and a few words on where it comes from."""

    python: str
    label: str  # e.g. 'cached venv 1f2e3d4c5b6a7980, flask 3.1.3'


def app_environment(
    files: Mapping[str, str],
    *,
    python: str = "",
    cache: Path | None = None,
    timeout: float = BUILD_TIMEOUT,
) -> AppEnv:
    """`python` when set (already checked by the caller), else the cached venv built from the
    files' declared requirements; EnvironmentUnavailable says why there is none."""
    if python:
        return AppEnv(python=python, label=python)
    try:
        declared = declared_requirements(files)
    except RequirementsError as err:
        raise EnvironmentUnavailable(f"could not build the environment ({err})") from None
    if declared is None:
        raise EnvironmentUnavailable(NO_ENVIRONMENT)
    built = cached_env(declared.specs, root=cache, timeout=timeout)
    return AppEnv(python=built.python, label=built.label(declared.specs))
