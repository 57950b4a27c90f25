"""Benchmark: how much of a vulnerable corpus the offline DevBot hardens, beside Pixee's codemodder.

For every project of bench/corpus (a .py file, or a directory with templates and requirements):
Bandit HIGH+MEDIUM findings (and our Semgrep rules' blocking findings, when Semgrep is there)
before and after hardening, the share removed, and how many Python files no longer parse.
Per framework (Django, FastAPI, Flask, by imports): all blocking findings before and after, files
broken, and each app's own tests (Django's manage.py test, else pytest) before and after.
Ours runs like the real offline loop: fix, re-analyse, fix again (up to --rounds rounds).
codemodder (AGPL) is only a peer measured in the same run: it is installed into its own venv
under bench/.cache/ and run as a separate program on copies of the same files.

    .venv/bin/python bench/harden_corpus.py [--rounds 4] [--no-codemodder] [--no-semgrep]
                                            [--json out.json]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devsecbots.graphs.state import Finding  # noqa: E402
from devsecbots.nodes.analyzers.bandit_runner import run_bandit  # noqa: E402
from devsecbots.nodes.autofix import apply_fixes  # noqa: E402

from bench.corpus_frameworks import report as framework_report  # noqa: E402

CORPUS = ROOT / "bench" / "corpus"
CACHE = ROOT / "bench" / ".cache"
PEER_VENV = CACHE / "codemodder-venv"
BLOCKING = ("medium", "high", "critical")
Projects = dict[str, dict[str, str]]  # project name -> (relative path -> content)


def load_corpus(corpus: Path = CORPUS) -> Projects:
    """Each top-level .py file is a project; so is each directory (all its text files)."""
    projects: Projects = {}
    for entry in sorted(corpus.iterdir()):
        if entry.suffix == ".py":
            projects[entry.stem] = {entry.name: entry.read_text(encoding="utf-8")}
        elif entry.is_dir() and not entry.name.startswith((".", "__")):
            projects[entry.name] = {
                p.relative_to(entry).as_posix(): p.read_text(encoding="utf-8")
                for p in sorted(entry.rglob("*"))
                if p.is_file() and "__pycache__" not in p.parts
            }
    return projects


# --------------------------------------------------------------------------- analysers


def semgrep_runner():  # type: ignore[no-untyped-def]
    """Our Semgrep runner when Semgrep and the project's rules are usable, else None."""
    try:
        from devsecbots.nodes.analyzers.semgrep_runner import find_semgrep, run_semgrep

        find_semgrep()
        run_semgrep({"probe.py": "x = 1\n"})
        return run_semgrep
    except Exception as err:  # noqa: BLE001 - any failure means: measure Bandit only
        print(f"semgrep unavailable ({type(err).__name__}: {err}); Bandit only", file=sys.stderr)
        return None


def analyse_all(projects: Projects, semgrep) -> dict[str, list[Finding]]:  # type: ignore[no-untyped-def]
    """Bandit per project, plus one batched Semgrep run over every project (paths prefixed)."""
    found: dict[str, list[Finding]] = {}
    for name, files in projects.items():
        found[name] = run_bandit(
            {p: c for p, c in files.items() if p.endswith(".py") and parses(c)}
        )
    if semgrep is not None:
        batch = {
            f"{name}/{p}": c
            for name, files in projects.items()
            for p, c in files.items()
            if p.endswith(".py") and parses(c)
        }
        for finding in semgrep(batch):
            name, _, path = finding["file"].partition("/")
            found[name].append({**finding, "file": path})  # type: ignore[typeddict-item]
    return found


def parses(source: str) -> bool:
    """Whether Python source parses."""
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


def blocking(findings: list[Finding], source: str | None = None) -> int:
    """Findings (of one analyser, or all) at or above medium."""
    return sum(
        1
        for f in findings
        if (source is None or f["source"] == source) and f["severity"] in BLOCKING
    )


def broken(files: dict[str, str]) -> int:
    """Python files that do not parse."""
    return sum(1 for p, c in files.items() if p.endswith(".py") and not parses(c))


# --------------------------------------------------------------------------- ours


def harden_ours(projects: Projects, semgrep, rounds: int) -> tuple[Projects, int]:  # type: ignore[no-untyped-def]
    """The offline loop: analyse, fix, repeat while something changes; (files, rounds run)."""
    current = {n: dict(f) for n, f in projects.items()}
    findings = analyse_all(current, semgrep)
    done = 0
    for done in range(1, rounds + 1):
        changed = {}
        for name, files in current.items():
            outcome = apply_fixes(files, findings[name])
            if outcome.changed:
                changed[name] = outcome.files
        if not changed:
            return current, done
        current.update(changed)
        findings.update(analyse_all(changed, semgrep))
    return current, done


# --------------------------------------------------------------------------- codemodder (peer)


def peer_executable() -> Path | None:
    """codemodder in its own venv, installed on first use; None when that is impossible."""
    exe = PEER_VENV / "bin" / "codemodder"
    if exe.exists():
        return exe
    print(
        "installing codemodder into bench/.cache/codemodder-venv (first run only) ...",
        file=sys.stderr,
    )
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEER_VENV)], check=True)
        pip = [str(PEER_VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "-U", "pip"], check=True, capture_output=True)
        subprocess.run([*pip, "codemodder"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as err:
        print(f"codemodder could not be installed: {err}", file=sys.stderr)
        return None
    return exe if exe.exists() else None


def _semgrep_shim(work: Path) -> dict[str, str]:
    """An environment whose `semgrep` never phones home (codemodder calls `semgrep scan`)."""
    from devsecbots.nodes.analyzers.semgrep_runner import find_semgrep

    shim = work / "shim"
    shim.mkdir()
    script = shim / "semgrep"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = scan ]; then shift; exec "{find_semgrep()}" scan --metrics=off '
        '--disable-version-check "$@"; fi\n'
        f'exec "{find_semgrep()}" "$@"\n'
    )
    script.chmod(0o755)
    return dict(
        os.environ,
        PATH=f"{shim}{os.pathsep}{os.environ.get('PATH', '')}",
        SEMGREP_ENABLE_VERSION_CHECK="0",
        SEMGREP_SEND_METRICS="off",
        SEMGREP_SETTINGS_FILE=str(work / "settings.yml"),
        SEMGREP_LOG_FILE=str(work / "semgrep.log"),
    )


def harden_peer(projects: Projects) -> Projects | None:
    """codemodder's default run on copies of every project (one process); None if unavailable."""
    exe = peer_executable()
    if exe is None:
        return None
    with tempfile.TemporaryDirectory(prefix="codemodder-bench-") as tmp:
        work = Path(tmp)
        tree = work / "projects"
        for name, files in projects.items():
            for path, content in files.items():
                target = tree / name / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content, encoding="utf-8")
        run = subprocess.run(
            [str(exe), str(tree), "--output", str(work / "out.codetf")],
            env=_semgrep_shim(work),
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        if run.returncode != 0:
            print(
                f"codemodder failed (exit {run.returncode}): {run.stderr[-400:]}", file=sys.stderr
            )
            return None
        return {
            name: {path: (tree / name / path).read_text(encoding="utf-8") for path in files}
            for name, files in projects.items()
        }


# --------------------------------------------------------------------------- report


def share(before: int, after: int) -> str:
    """Share of findings removed, as a percentage."""
    return f"{100 * (before - after) / before:5.1f} %" if before else "   -   "


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--no-codemodder", action="store_true")
    parser.add_argument("--no-semgrep", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)

    projects = load_corpus()
    semgrep = None if args.no_semgrep else semgrep_runner()
    started = time.perf_counter()
    before = analyse_all(projects, semgrep)
    ours, rounds = harden_ours(projects, semgrep, args.rounds)
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    peer = None if args.no_codemodder else harden_peer(projects)
    peer_seconds = time.perf_counter() - started
    after_ours = analyse_all(ours, semgrep)
    after_peer = analyse_all(peer, semgrep) if peer else {}

    tools = ["bandit"] + (["semgrep"] if semgrep else [])
    header = f"{'project':<20}" + "".join(
        f" {t[:7] + ' before':>14} {'ours':>5} {'peer':>5}" for t in tools
    )
    print(header)
    totals = {t: [0, 0, 0] for t in tools}
    for name in projects:
        row = f"{name:<20}"
        for tool in tools:
            counts = [
                blocking(before[name], tool),
                blocking(after_ours[name], tool),
                blocking(after_peer[name], tool) if peer else 0,
            ]
            totals[tool] = [a + b for a, b in zip(totals[tool], counts, strict=True)]
            row += f" {counts[0]:>14} {counts[1]:>5} {counts[2] if peer else '-':>5}"
        print(row)
    print("-" * len(header))
    figures: dict = {
        "projects": len(projects),
        "python_files": sum(1 for f in projects.values() for p in f if p.endswith(".py")),
        "rounds": rounds,
    }
    for tool in tools:
        b, o, p = totals[tool]
        figures[tool] = {"before": b, "ours_after": o, "peer_after": p if peer else None}
        peer_text = (
            f"codemodder {p:>3} left, {share(b, p)} removed" if peer else "codemodder not run"
        )
        print(
            f"{tool:<8} HIGH+MEDIUM: {b:>3} before | ours {o:>3} left, {share(b, o)} removed"
            f" | {peer_text}"
        )
    ours_broken = sum(broken(f) for f in ours.values())
    peer_broken = sum(broken(f) for f in peer.values()) if peer else None
    changed = sum(1 for n in projects if ours[n] != projects[n])
    print(
        f"files broken (do not parse): ours {ours_broken}, "
        f"codemodder {peer_broken if peer else '-'}"
    )
    print(
        f"projects changed: ours {changed}/{len(projects)} in {rounds} round(s), "
        f"{ours_seconds:.1f} s"
        + (
            f"; codemodder {sum(1 for n in projects if peer[n] != projects[n])}/{len(projects)}, "
            f"{peer_seconds:.1f} s"
            if peer
            else ""
        )
    )
    figures.update(
        ours_broken=ours_broken,
        peer_broken=peer_broken,
        ours_seconds=round(ours_seconds, 1),
        peer_seconds=round(peer_seconds, 1) if peer else None,
    )
    figures["frameworks"], framework_missed = framework_report(
        projects, ours, before, after_ours, blocking, broken
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    b, o, p = totals["bandit"]
    missed = ours_broken > 0 or (b and (b - o) / b < 0.70) or (peer is not None and o >= p)
    return 1 if missed or framework_missed else 0


if __name__ == "__main__":
    sys.exit(main())
