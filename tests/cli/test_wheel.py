"""The package as a user gets it: a wheel built from the repository, installed into a fresh venv
outside it (its dependencies borrowed from this environment through a .pth, never the repo)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("devsecbots-*.whl"))


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    site = next(where.glob("lib/python*/site-packages"))
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "borrowed-deps.pth").write_text("\n".join(deps) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(where / "bin" / "python"), "install"]
        + ["--no-deps", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    return where


def test_only_devsecbots_at_the_top_level(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        top = {name.split("/")[0] for name in archive.namelist()}
    assert {t for t in top if not t.endswith(".dist-info")} == {"devsecbots"}
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "devsecbots/prompts/secbot_system.txt" in names
    assert "devsecbots/nodes/probe/inside/run.py" in names
    assert any(n.startswith("devsecbots/nodes/analyzers/rules/") for n in names)


def test_installed_cli_from_outside_the_repo(venv: Path, tmp_path: Path) -> None:
    python = str(venv / "bin" / "python")
    version = subprocess.run(
        [python, "-m", "devsecbots", "--version"], cwd=tmp_path, capture_output=True, text=True
    )
    assert version.returncode == 0 and version.stdout.startswith("devsecbots "), version.stderr
    where = subprocess.run(
        [python, "-c", "import devsecbots.graphs.devsec as d; print(d.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert str(venv) in where.stdout and str(ROOT) not in where.stdout


def test_installed_harden_runs_the_examples_tests_for_real(venv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = subprocess.run(
        [str(venv / "bin" / "devsecbots"), "harden", str(ROOT / "examples" / "flask_upload")]
        + ["--out", str(out), "--offline", "--no-persist"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        # Semgrep's executable comes with the borrowed dependencies, like the packages.
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    said = " ".join(run.stdout.split())
    assert "tests: 2 passed" in said and "(env: cached venv" in said
    assert "13 probes held" in said
