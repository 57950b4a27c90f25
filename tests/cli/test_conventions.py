"""What users of Bandit, Semgrep and Ruff expect: --version, `python -m`, completion, a
pre-commit hook, and a start-up that does not load the models' and analysers' libraries."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version

import yaml

from tests.conftest import ROOT, cli_env

HEAVY = ("langchain_openai", "openai", "langgraph", "libcst", "bandit", "langchain_core")


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "devsecbots", *args],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def test_importing_the_cli_loads_none_of_the_heavy_libraries() -> None:
    probe = (
        "import json, sys, devsecbots.cli\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


def test_the_light_commands_load_none_of_the_heavy_libraries(tmp_path) -> None:
    """`graph --format mermaid`, `runs` and `history` read a plain description of the graph and
    the SQLite store directly (bench/startup.py times them)."""
    from devsecbots.graphs.context import Context
    from devsecbots.graphs.devsec import build_graph

    from devsecbots.store import encode_metadata, open_checkpointer, thread_config

    db = tmp_path / "runs.sqlite"
    with open_checkpointer(str(db)) as saver:  # one finished run
        meta = encode_metadata({"devsecbots": {"command": "harden", "out": str(tmp_path)}})
        build_graph(saver).invoke(
            {"request": "harden", "files": {"calc.py": "x = 1\n"}},
            {**thread_config("t"), "metadata": meta},
            context=Context(offline=True, analyzers=("bandit",), run_tests=False),
        )
    for args in (["graph"], ["runs", "--db", str(db)], ["history", "t", "--db", str(db)]):
        probe = (
            f"import json, sys\nsys.argv = ['devsecbots', *{args!r}]\n"
            "from devsecbots.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
        )
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        assert "approved" in done.stdout or args == ["graph"], done.stdout
        assert json.loads(done.stdout.splitlines()[-1]) == [], (args, done.stderr)


def test_version_comes_from_the_installed_metadata() -> None:
    done = run("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"devsecbots {version('devsecbots')}"


def test_python_dash_m_runs_the_same_command_line() -> None:
    done = run("--help")
    assert done.returncode == 0, done.stderr
    for command in ("build", "harden", "review", "resume", "runs", "completion"):
        assert command in done.stdout


def test_completion_prints_a_script_and_answers_the_shell() -> None:
    script = run("completion", "bash")
    assert script.returncode == 0 and "_DEVSECBOTS_COMPLETE=complete_bash" in script.stdout
    env = cli_env(_DEVSECBOTS_COMPLETE="complete_bash", COMP_WORDS="devsecbots har", COMP_CWORD="1")
    asked = subprocess.run(
        [sys.executable, "-m", "devsecbots"], env=env, capture_output=True, text=True, timeout=60
    )
    assert asked.stdout.split() == ["harden"]


def test_completion_for_an_unknown_shell_is_one_line_and_exit_2(tmp_path) -> None:
    done = run("completion", "tcsh", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: no completion for shell 'tcsh': use bash, zsh, fish, powershell, pwsh"
    ]
    assert done.stdout == "" and list(tmp_path.iterdir()) == []


def test_pre_commit_accepts_the_hook_manifest() -> None:
    manifest = ROOT / ".pre-commit-hooks.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(manifest)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (hook,) = yaml.safe_load(manifest.read_text())
    assert hook["id"] == "devsecbots-review" and "--offline" in hook["entry"]
    assert hook["types"] == ["python"] and hook["pass_filenames"] is True


def test_the_action_reviews_to_sarif_and_uploads_it() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {"paths", "fail-on-findings"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    review = next(s for s in steps if s.get("id") == "review")["run"]
    assert "devsecbots review --offline --format sarif --output" in review
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)


def test_ascii_drawing_without_grandalf_is_one_line_and_exit_2() -> None:
    blocked = (
        "import sys\nsys.modules['grandalf'] = None  # as if the [ascii] extra were not installed\n"
        "sys.argv = ['devsecbots', 'graph', '--format', 'ascii']\n"
        "from devsecbots.cli import main\nmain()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", blocked], env=cli_env(), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: ASCII drawing needs grandalf: pip install 'devsecbots[ascii]'"
    )


def test_the_settings_severity_levels_are_the_states() -> None:
    from typing import get_args

    from devsecbots.graphs import context, state

    assert get_args(context.Severity) == get_args(state.Severity)
