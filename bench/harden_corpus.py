"""Benchmark: how much of a vulnerable corpus the offline DevBot hardens, beside Pixee's codemodder.

For every project of bench/corpus (a .py file, or a directory with templates and requirements):
Bandit HIGH+MEDIUM findings at every confidence (and our Semgrep rules' findings, when Semgrep is
there) before and after hardening, the share removed, and how many Python files no longer parse;
these include what the review deliberately does not block on (e.g. SQL built in a helper no
request reaches), which the loop leaves alone.
Ours runs the real offline loop: SecBot's review (every analyser, the project-wide passes,
confidence and code roles, at the default settings), DevBot's codemods on what blocks, review
again, up to --rounds rounds. Per framework (Django, FastAPI, Flask, by imports): what that review
blocks on before and after, files broken, and each app's own tests (Django's manage.py test, else
pytest) before and after. Targets: >= 70 % of the blocking findings removed overall, >= 80 % per
framework, 0 files broken, the apps' tests still pass.
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

from devsecbots.graphs.context import Context  # noqa: E402
from devsecbots.graphs.state import Finding  # noqa: E402
from devsecbots.nodes.analyzers.bandit_runner import run_bandit  # noqa: E402
from devsecbots.nodes.autofix import apply_fixes  # noqa: E402
from devsecbots.nodes.policy import is_blocking  # noqa: E402
from devsecbots.nodes.review_pass import review_files  # noqa: E402
from devsecbots.nodes.roles import APP  # noqa: E402

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


def review_blocking(files: dict[str, str], ctx: Context) -> list[Finding]:
    """What SecBot's offline review blocks on, as in the real loop."""
    findings = review_files(files, ctx).verdict["findings"]
    return [f for f in findings if is_blocking(f, ctx.blocking_severity)]


def harden_ours(projects: Projects, rounds: int) -> tuple[Projects, int, dict, dict]:
    """The offline loop per project: review, fix what blocks, repeat while something changes.

    Returns the hardened files, the most rounds a project took, and per project how many findings
    the review blocked on before and after.
    """
    ctx = Context(offline=True)
    hardened: Projects = {}
    most, before, after = 0, {}, {}
    for name, files in projects.items():
        current, found = dict(files), review_blocking(files, ctx)
        before[name] = len(found)
        for done in range(1, rounds + 1):
            most = max(most, done)
            outcome = apply_fixes(current, found, edit_roles=(APP,))
            if not outcome.changed:
                break
            current, found = outcome.files, review_blocking(outcome.files, ctx)
        hardened[name], after[name] = current, len(found)
        print(f"  {name}: blocking {before[name]} -> {after[name]}", file=sys.stderr, flush=True)
    return hardened, most, before, after


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
    ours, rounds, review_before, review_after = harden_ours(projects, args.rounds)
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
            f"{tool:<8} HIGH+MEDIUM (every confidence): {b:>3} before | ours {o:>3} left, "
            f"{share(b, o)} removed"
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
        projects, ours, review_before, review_after, broken
    )
    blocked_before, blocked_after = sum(review_before.values()), sum(review_after.values())
    figures["review_blocking"] = {"before": blocked_before, "after": blocked_after}
    print(
        f"what the review blocks on (the loop fixes only these): {blocked_before} before | "
        f"ours {blocked_after} left, {share(blocked_before, blocked_after)} removed"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    b, o, p = totals["bandit"]
    removed = (blocked_before - blocked_after) / blocked_before if blocked_before else 1.0
    missed = ours_broken > 0 or removed < 0.70 or (peer is not None and o >= p)
    return 1 if missed or framework_missed else 0


if __name__ == "__main__":
    sys.exit(main())
