"""A 5,000-file project is analyzed in batches, with progress; a second pass comes from the cache.

How long it takes is measured in bench/large_project.py (against Bandit + Semgrep run directly).
"""

from __future__ import annotations

import pytest
from devsecbots.nodes.analyzers import AnalysisCache, analyze

pytestmark = pytest.mark.slow


def test_five_thousand_files_smoke():
    files = {
        f"pkg{i // 100}/module_{i}.py": f"VALUE_{i} = {i}\n\ndef f_{i}(x):\n    return x + {i}\n"
        for i in range(5_000)
    }
    files["pkg0/app.py"] = "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n"
    files["README.md"] = "# big"
    seen = []
    cache = AnalysisCache()
    report = analyze(files, cache=cache, progress=lambda done, total: seen.append((done, total)))
    assert len(report.analyzed) == 5_001
    assert report.skipped == [("README.md", "not a Python file")]
    per_file = {f["rule_id"] for f in report.findings if f["source"] != "project"}
    assert per_file == {"devsecbots.flask.debug-enabled"}
    assert {f["file"] for f in report.findings} == {"pkg0/app.py"}  # + project-level checks
    assert seen[-1] == (10_002, 10_002) and len(seen) > 10
    again = analyze(files, cache=cache)
    assert again.analyzed == []
    assert again.findings == report.findings
