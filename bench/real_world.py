"""Benchmark: precision of blocking findings on real open-source web projects, by hand labels.

The projects are pinned in bench/real_world/projects.toml and laid out from read-only git mirrors
(`<mirror-root>/<owner>+<name>/repo`, as the `fetch` tool gives them, or a bare repo at
`<mirror-root>/<owner>+<name>`) into the ignored cache bench/.cache/real_world/<name>. Their code is
never committed: bench/real_world/labels.csv holds only file, line, rule, label and a reason.
Each project is reviewed by the real CLI (`devsecbots review --offline --format json`), one at a
time; its blocking findings are joined with the labels by file + rule + line and counted per
project and per rule: findings per 1,000 lines of Python and precision = true / (true + false).
With --harden, `devsecbots harden --offline --no-persist` runs on each and every changed hunk is
listed beside bench/real_world/harden_labels.csv (correct | needless | wrong).

    .venv/bin/python bench/real_world.py [--mirror-root DIR] [--only NAME ...]
        [--show-unlabelled] [--harden] [--reuse] [--json OUT]

Without a mirror or a cached copy of a project it says "skipped: ..." and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import _real_world_harden as rwh  # noqa: E402
import _real_world_labels as rw  # noqa: E402

DATA = ROOT / "bench" / "real_world"
CACHE = ROOT / "bench" / ".cache" / "real_world"
MIRROR_ENV = "DEVSECBOTS_MIRROR_ROOT"
NOTHING_HERE = "skipped: no project of the real-world corpus is available here"


def find_mirror(root: Path, project: rw.Project) -> Path | None:
    """The git directory holding this project's pinned commit, or None."""
    for candidate in (root / project.mirror_name / "repo", root / project.mirror_name):
        if not candidate.is_dir():
            continue
        probe = [
            "git",
            "--git-dir",
            str(candidate),
            "cat-file",
            "-e",
            f"{project.commit}^{{commit}}",
        ]
        if subprocess.run(probe, capture_output=True).returncode == 0:
            return candidate
    return None


def lay_out(project: rw.Project, mirror_root: Path, cache: Path) -> tuple[Path | None, str]:
    """The project's tree at its commit in the cache (laid out from the mirror if needed)."""
    dest = cache / project.name
    stamp = cache / f"{project.name}.commit"
    if dest.is_dir() and stamp.exists() and stamp.read_text().strip() == project.commit:
        return dest, ""
    mirror = find_mirror(mirror_root, project)
    if mirror is None:
        return None, (
            f"no cached copy in {cache} and no mirror of {project.repo} at {project.commit[:12]} "
            f"under {mirror_root} (fetch github:{project.repo}; --mirror-root or {MIRROR_ENV})"
        )
    cache.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{project.name}-", dir=cache))
    archive = subprocess.Popen(
        [
            "git",
            "--git-dir",
            str(mirror),
            "archive",
            project.commit,
            *(
                ["--", ".", *(f":(exclude){p}" for p in project.skip_paths)]
                if project.skip_paths
                else []
            ),
        ],
        stdout=subprocess.PIPE,
    )
    untar = subprocess.run(["tar", "-x", "-C", str(partial)], stdin=archive.stdout)
    archive.stdout.close()  # type: ignore[union-attr]
    if archive.wait() != 0 or untar.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        return None, f"git archive of {project.repo} at {project.commit[:12]} failed"
    shutil.rmtree(dest, ignore_errors=True)
    partial.rename(dest)
    stamp.write_text(project.commit + "\n")
    return dest, ""


def count_lines(top: Path) -> int:
    """Lines of Python under `top`."""
    return sum(len(p.read_bytes().splitlines()) for p in rwh.python_files(top))


def cli() -> list[str]:
    """How to start the real `devsecbots` CLI from this interpreter."""
    script = Path(sys.executable).parent / "devsecbots"
    return [str(script)] if script.exists() else [sys.executable, "-m", "devsecbots.cli"]


def review(tree: Path, project: rw.Project, out: Path, timeout: float) -> tuple[dict | None, str]:
    """Run `devsecbots review --offline --format json` on the project; (report, error)."""
    command = [
        *cli(),
        "review",
        project.subdir,
        "--offline",
        "--format",
        "json",
        "--output",
        str(out),
    ]
    out.unlink(missing_ok=True)  # never read an earlier run's result as this one's
    try:
        done = rwh.run_tool(command, tree, timeout)
    except subprocess.TimeoutExpired:
        return None, f"review stopped after {timeout:.0f}s"
    if done.returncode not in (0, 1) or not out.exists():
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"review exit {done.returncode}: {tail}"
    return json.loads(out.read_text(encoding="utf-8")), ""


def print_findings(per_project, per_rule, lines: dict[str, int]) -> None:
    """The per-project and per-rule tables."""
    head = f"{'project':<30}{'py lines':>9}{'blocking':>9}{'/kloc':>7}"
    head += f"{'true':>6}{'false':>6}{'debat.':>7}{'unlab.':>7}{'precision':>11}"
    print(head)
    for name, t in per_project.items():
        print(_row(name, t, lines[name]))
    print(_row("TOTAL", rw.total(per_project), sum(lines.values())))
    print(
        f"\n{'rule':<44}{'blocking':>9}{'true':>6}{'false':>6}{'debat.':>7}{'unlab.':>7}"
        f"{'precision':>11}"
    )
    for rule, t in sorted(per_rule.items(), key=lambda kv: (-kv[1].blocking, kv[0])):
        print(
            f"{rule:<44}{t.blocking:>9}{t.labels['true']:>6}{t.labels['false']:>6}"
            f"{t.labels['debatable']:>7}{t.unlabelled:>7}{rw.percent(t.precision):>11}"
        )


def _row(name: str, t: rw.Tally, lines: int) -> str:
    return (
        f"{name:<30}{lines:>9,}{t.blocking:>9}{rw.per_kloc(t.blocking, lines):>7}"
        f"{t.labels['true']:>6}{t.labels['false']:>6}{t.labels['debatable']:>7}"
        f"{t.unlabelled:>7}{rw.percent(t.precision):>11}"
    )


def main(argv: list[str] | None = None) -> int:
    """Lay out, review (and harden) each project; print the labelled tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mirror-root", type=Path, default=Path(os.environ.get(MIRROR_ENV, "/work/.mirror"))
    )
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--only", nargs="*", help="project names")
    parser.add_argument("--show-unlabelled", action="store_true")
    parser.add_argument("--harden", action="store_true", help="also run offline harden")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the review (and harden) results an earlier run saved in the cache: re-labelling",
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per tool run")
    parser.add_argument("--json", type=Path, help="write every labelled finding/hunk here")
    args = parser.parse_args(argv)
    rwh.stop_tools_on_signals()
    try:
        projects = rw.load_projects(DATA / "projects.toml")
        labels = rw.load_labels(DATA / "labels.csv")
        hunk_labels = rw.load_hunk_labels(DATA / "harden_labels.csv")
    except rw.LabelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    unknown = sorted(set(args.only or ()) - {p.name for p in projects})
    if unknown:
        print(
            f"error: --only names no project of projects.toml: {', '.join(unknown)}",
            file=sys.stderr,
        )
        return 2
    chosen = [p for p in projects if not args.only or p.name in args.only]
    joined, lines, dump, failed = [], {}, {"findings": [], "hunks": []}, []
    for project in chosen:
        tree, why = lay_out(project, args.mirror_root, args.cache)
        if tree is None:
            print(f"skipped: {project.name}: {why}", flush=True)
            continue
        saved = args.cache / f"{project.name}.review.json"
        report, error = (
            (json.loads(saved.read_text()), "")
            if args.reuse and saved.exists()
            else review(tree, project, saved, args.timeout)
        )
        if report is None:
            print(f"failed: {project.name}: {error}", flush=True)
            failed.append(project.name)
            continue
        unfinished = [s for s in report.get("skipped", []) if "did not finish" in s["reason"]]
        if unfinished:  # their findings may be missing: this run reads low on that project
            print(
                f"{project.name}: an analyser did not finish {len(unfinished)} file(s): "
                + ", ".join(s["path"] for s in unfinished[:5]),
                flush=True,
            )
        findings = rw.blocking_findings(report)
        j = rw.join(project, findings, labels)
        joined.append(j)
        lines[project.name] = count_lines(tree / project.subdir)
        dump["findings"] += [_dump(project, f, lab) for f, lab in j.rows]
        if j.stale:
            gone = Counter(lab.label for lab in j.stale)
            print(
                f"{project.name}: {len(j.stale)} labelled finding(s) no longer block (gone or "
                f"non-blocking): true {gone['true']}, false {gone['false']}, "
                f"debatable {gone['debatable']}"
            )
        if args.harden:  # every finding, blocking or not, may have led a codemod to a site
            hunks, note = rwh.hardened_hunks(
                tree, project, report["findings"], args.timeout, args.cache, cli(), args.reuse
            )
            dump["hunks"] += rwh.print_hunks(project, hunks, note, hunk_labels)
        if args.json:  # after every project, so a long run that is stopped keeps what it has
            args.json.write_text(json.dumps(dump, indent=2) + "\n", encoding="utf-8")
    if not joined:
        print(f"failed: {', '.join(failed)}" if failed else NOTHING_HERE)
        return 1 if failed else 0
    per_project, per_rule = rw.tally(joined)
    print()
    print_findings(per_project, per_rule, lines)
    unlabelled = [(j.project, f) for j in joined for f, lab in j.rows if lab is None]
    print(f"\nunlabelled: {len(unlabelled)}")
    if args.show_unlabelled:
        for project, f in unlabelled:
            print(
                f"  {project.name},{project.commit},{rw.repo_path(project, f['file'])},"
                f"{f.get('line') or 0},{f.get('rule_id') or ''}  [{f['severity']}] {f['title']}"
            )
    if args.harden:
        hunks = Counter(h["label"] for h in dump["hunks"])
        print(
            f"harden, all projects: {sum(hunks.values())} changed hunk(s): correct "
            f"{hunks['correct']}, needless {hunks['needless']}, wrong {hunks['wrong']}, "
            f"unlabelled {hunks['unlabelled']}"
        )
    if failed:
        print(f"failed: {', '.join(failed)} (not in the tables)")
    return 1 if failed else 0


def _dump(project: rw.Project, finding: dict, label: rw.Label | None) -> dict:
    return {
        "project": project.name,
        "file": rw.repo_path(project, finding["file"]),
        "line": finding.get("line") or 0,
        "rule": finding.get("rule_id") or "",
        "severity": finding["severity"],
        "title": finding["title"],
        "label": label.label if label else "unlabelled",
        "reason": label.reason if label else "",
    }


if __name__ == "__main__":
    sys.exit(main())
