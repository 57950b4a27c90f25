"""bench/real_world.py's pure parts: label join, precision arithmetic, hunks, the skip message."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BENCH = ROOT / "bench"


def _load(name: str):
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


rw = _load("_real_world_labels")
COMMIT = "a" * 40


def _project(subdir: str = ".") -> object:
    return rw.Project(name="demo", repo="o/demo", commit=COMMIT, framework="flask", subdir=subdir)


def _finding(file: str, line: int, rule: str, severity: str = "high", **extra) -> dict:
    return {"file": file, "line": line, "rule_id": rule, "severity": severity, "title": "t",
            "source": "semgrep", "waiver": "", **extra}  # fmt: skip


def _label(file: str, line: int, rule: str, label: str, commit: str = COMMIT) -> object:
    return rw.Label("demo", commit, file, line, rule, label, "why")


def test_join_matches_file_rule_and_line_under_the_reviewed_subdir() -> None:
    project = _project(subdir="src")
    findings = [
        _finding("app.py", 10, "R1"),
        _finding("app.py", 11, "R1"),
        _finding("x.py", 3, "R2"),
    ]
    labels = [
        _label("src/app.py", 10, "R1", "true"),
        _label("src/app.py", 11, "R2", "false"),  # other rule: no match
        _label("src/x.py", 3, "R2", "false", commit="b" * 40),  # other commit: stale
    ]
    joined = rw.join(project, findings, labels)
    assert [lab.label if lab else None for _, lab in joined.rows] == ["true", None, None]
    assert len(joined.stale) == 2


def test_precision_is_true_over_true_plus_false_and_unlabelled_is_counted() -> None:
    findings = [_finding("a.py", n, "R1") for n in range(1, 7)] + [_finding("b.py", 1, "R2")]
    labels = [_label("a.py", 1, "R1", "true"), _label("a.py", 2, "R1", "true"),
              _label("a.py", 3, "R1", "true"), _label("a.py", 4, "R1", "false"),
              _label("a.py", 5, "R1", "debatable")]  # fmt: skip
    per_project, per_rule = rw.tally([rw.join(_project(), findings, labels)])
    demo = per_project["demo"]
    assert (demo.blocking, demo.unlabelled) == (7, 2)
    assert demo.precision == pytest.approx(0.75)
    assert rw.percent(demo.precision) == "75.0 %"
    assert per_rule["R2"].precision is None and rw.percent(None) == "—"
    assert rw.per_kloc(7, 3500) == "2.00" and rw.per_kloc(1, 0) == "—"
    assert rw.total(per_project).labels["debatable"] == 1


def test_blocking_uses_the_findings_flag_else_severity_waivers_and_exemptions() -> None:
    report = {
        "blocking_severity": "medium",
        "findings": [
            _finding("a.py", 1, "R1", "low"),
            _finding("a.py", 2, "R1", "medium"),
            _finding("a.py", 2, "R1", "high"),  # same site twice: counted once
            _finding("a.py", 3, "R1", "high", waiver="nosec"),
            _finding("a.py", 4, "R1", "low", blocking=True),
            _finding("a.py", 5, "R1", "critical", blocking=False),
            _finding("tests/t.py", 6, "R1", "high", exempt="test code (under tests/)"),
        ],
    }
    assert [f["line"] for f in rw.blocking_findings(report)] == [2, 4]


def test_bad_label_files_are_one_line_errors(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text(",".join(rw.LABEL_FIELDS) + "\ndemo,c,a.py,3,R1,maybe,why\n")
    with pytest.raises(rw.LabelError, match="maybe"):
        rw.load_labels(labels)
    labels.write_text("file,line\n")
    with pytest.raises(rw.LabelError, match="header"):
        rw.load_labels(labels)
    projects = tmp_path / "projects.toml"
    projects.write_text(
        '[[project]]\nname = "x"\nrepo = "o/x"\ncommit = "c"\nframework = "f"\nsha = 1\n'
    )
    with pytest.raises(rw.LabelError, match="unknown"):
        rw.load_projects(projects)


def test_diff_hunks_report_original_line_ranges() -> None:
    before = "a\nb\nc\nd\n"
    after = "a\nB\nc\nd\ne\n"
    hunks = rw.diff_hunks("f.py", before, after)
    assert [(h.start, h.end, h.removed, h.added) for h in hunks] == [
        (2, 2, ("b",), ("B",)),
        (5, 4, (), ("e",)),
    ]
    labels = {("demo", "f.py", 2): ("correct", "ok")}
    assert rw.hunk_tally("demo", hunks, labels) == {"correct": 1, "unlabelled": 1}


def test_committed_labels_name_pinned_projects_and_commits() -> None:
    projects = {p.name: p for p in rw.load_projects(BENCH / "real_world" / "projects.toml")}
    assert len(projects) >= 8
    frameworks = [p.framework for p in projects.values()]
    assert frameworks.count("flask") >= 4 and frameworks.count("fastapi") >= 2
    assert frameworks.count("django") >= 2
    for label in rw.load_labels(BENCH / "real_world" / "labels.csv"):
        assert label.project in projects and label.commit == projects[label.project].commit
        assert label.reason.strip(), label
    for project, _file, _line in rw.load_hunk_labels(BENCH / "real_world" / "harden_labels.csv"):
        assert project in projects


def test_without_mirror_or_cache_it_skips_and_exits_0(tmp_path: Path, capsys) -> None:
    real_world = _load("real_world")
    code = real_world.main(
        ["--mirror-root", str(tmp_path / "none"), "--cache", str(tmp_path / "c")]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "skipped: flaskbb: no cached copy" in out
    assert out.strip().endswith("skipped: no project of the real-world corpus is available here")
    assert not (tmp_path / "c").exists()  # nothing laid out half-way


def test_saved_harden_hunks_reload_and_import_hunks_are_named(tmp_path: Path) -> None:
    rwh = _load("_real_world_harden")
    hunk = rw.Hunk("a.py", 3, 3, ("x = md5(b)",), ("x = sha256(b)",))
    record = [[{**vars(hunk), "removed": hunk.removed, "added": hunk.added}, "weak-hash"]]
    (tmp_path / "demo.harden.json").write_text(json.dumps({"note": "exit 1", "hunks": record}))
    hunks, note = rwh.hardened_hunks(tmp_path, _project(), [], 1.0, tmp_path, ["false"], True)
    assert hunks == [(hunk, "weak-hash")] and note == "exit 1 (saved)"
    assert rwh.imports_only(rw.Hunk("a.py", 1, 0, (), ("import os", "", "import secrets")))
    assert not rwh.imports_only(hunk)


def test_an_unknown_project_name_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    real_world = _load("real_world")
    code = real_world.main(["--only", "nope", "--cache", str(tmp_path / "c")])
    err = capsys.readouterr().err
    assert code == 2 and err.strip() == "error: --only names no project of projects.toml: nope"


def test_changes_to_other_text_files_are_listed(tmp_path: Path) -> None:
    rwh = _load("_real_world_harden")
    base, out = tmp_path / "base", tmp_path / "out"
    for root in (base, out):
        (root / "app" / "templates").mkdir(parents=True)
        (root / "app" / "views.py").write_text("x = 1\n")
        (root / "logo.png").write_bytes(b"\x89PNG\xff\xfe")
    (base / "requirements.txt").write_text("flask\n")
    (out / "requirements.txt").write_text("flask\nflask-wtf>=1.2\n")
    (base / "app" / "templates" / "form.html").write_text("<form>\n")
    (out / "app" / "templates" / "form.html").write_text("<form>\n")
    (out / "app" / "templates" / "new.html").write_text("<p>\n")
    (out / "SECURITY-REPORT.md").write_text("# report\n")
    changed = rwh.other_changes(base, out)
    assert [path for path, _, _ in changed] == ["requirements.txt", "app/templates/new.html"]
