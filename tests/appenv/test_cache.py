"""Cached venvs: built once from the requirements, locked, renamed into place, failures in words."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from devsecbots.nodes.appenv import (
    CachedEnv,
    EnvironmentUnavailable,
    app_environment,
    cache_root,
    cached_env,
    env_key,
)
from devsecbots.nodes.appenv.cache import MARKER

from tests.sandbox.test_run import example_files


@pytest.mark.slow
def test_the_example_env_is_built_with_flask_and_pytest_and_reused(
    example_env: CachedEnv, env_cache: Path
) -> None:
    assert example_env.path == env_cache / "envs" / example_env.key
    assert (example_env.path / MARKER).is_file()
    assert example_env.packages["flask"].startswith("3.")
    assert "pytest" in example_env.packages
    assert example_env.label(("flask",)).startswith(f"cached venv {example_env.key}, flask 3.")
    done = subprocess.run(
        [example_env.python, "-c", "import flask, pytest, sys; print(sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(done.stdout.strip()) == example_env.path  # renamed, and still its own prefix
    leftovers = [p.name for p in (env_cache / "envs").iterdir() if p.name.startswith(".build-")]
    assert leftovers == []
    again = app_environment(example_files())  # the same requirements: no second build
    assert again.python == example_env.python and "flask 3." in again.label


def test_the_key_follows_the_requirements_not_their_order() -> None:
    assert env_key(("b", "a")) == env_key(("a", "b"))
    assert env_key(("flask",)) != env_key(("flask", "flask-wtf"))
    assert len(env_key(())) == 16


def test_the_cache_lives_in_the_user_cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEVSECBOTS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert cache_root() == Path("/somewhere/cache/devsecbots")


def test_a_build_held_by_another_run_is_waited_for_then_refused(tmp_path: Path) -> None:
    envs = tmp_path / "envs"
    envs.mkdir()
    specs = ("some-package-never-built",)
    fd = os.open(envs / f"{env_key(specs)}.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another run is building this env
        with pytest.raises(EnvironmentUnavailable, match="another run held"):
            cached_env(specs, root=tmp_path, timeout=0.5)
    finally:
        os.close(fd)
    assert not (envs / env_key(specs)).exists()


def test_a_run_waits_for_another_runs_build_and_then_uses_it(tmp_path: Path) -> None:
    envs = tmp_path / "envs"
    envs.mkdir()
    specs = ("built-by-the-other-run",)
    key = env_key(specs)
    fd = os.open(envs / f"{key}.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # the other run is building
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(cached_env, specs, root=tmp_path, timeout=30)
        time.sleep(0.5)
        assert not waiting.done()
        (envs / key).mkdir()  # the other run renames its finished env into place
        (envs / key / MARKER).write_text(json.dumps({"packages": {"pytest": "9.0"}}))
        os.close(fd)
        found = waiting.result(timeout=10)
    assert found.path == envs / key and found.packages == {"pytest": "9.0"}


def test_a_build_that_takes_too_long_is_killed_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentUnavailable, match=r"could not build the environment \(venv"):
        cached_env(("slow-package-xyz",), root=tmp_path, timeout=0.01)
    assert [p.name for p in (tmp_path / "envs").iterdir() if not p.name.endswith(".lock")] == []


def test_requirements_that_do_not_install_say_so_and_leave_nothing(tmp_path: Path) -> None:
    files = {"requirements.txt": "devsecbots-no-such-package-4242\n", "tests/test_x.py": ""}
    with pytest.raises(EnvironmentUnavailable) as caught:
        app_environment(files, cache=tmp_path)
    message = str(caught.value)
    assert message.startswith("could not build the environment (pip: ")
    assert "devsecbots-no-such-package-4242" in message and "\n" not in message
    assert [p.name for p in (tmp_path / "envs").iterdir() if not p.name.endswith(".lock")] == []


def test_no_declaration_and_no_python_is_no_environment() -> None:
    with pytest.raises(EnvironmentUnavailable, match=r"^no environment \(no --python"):
        app_environment({"calc.py": "", "tests/test_calc.py": ""})
    given = app_environment({"calc.py": ""}, python="/opt/py/bin/python")
    assert (given.python, given.label) == ("/opt/py/bin/python", "/opt/py/bin/python")
