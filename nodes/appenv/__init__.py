"""The input's own environment: the interpreter its tests (and the app itself) run with.

In order: `--python PATH`, a `.venv/` or `venv/` inside the input, a cached venv built from its
requirements; otherwise none, and whoever needed it reports why.
"""

from devsecbots.nodes.appenv.cache import CachedEnv, cache_root, cached_env, env_key
from devsecbots.nodes.appenv.errors import (
    EnvironmentUnavailable,
    InterpreterError,
    RequirementsError,
)
from devsecbots.nodes.appenv.interpreter import FoundVenv, checked_python, found_venv
from devsecbots.nodes.appenv.requirements import Declared, declared_requirements
from devsecbots.nodes.appenv.resolve import AppEnv, app_environment

__all__ = [
    "AppEnv",
    "CachedEnv",
    "Declared",
    "EnvironmentUnavailable",
    "FoundVenv",
    "InterpreterError",
    "RequirementsError",
    "app_environment",
    "cache_root",
    "cached_env",
    "checked_python",
    "declared_requirements",
    "env_key",
    "found_venv",
]
