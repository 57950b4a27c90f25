"""Review latency on a 5,000-file project: `devsecbots review --offline` vs Bandit + Semgrep.

The project is generated: 5,000 small modules in 50 packages and one Flask app with debug on
(the same tree the analyzer's batching test uses). The measurement is review_latency.py's:
`bandit -r` + one `semgrep scan` with our rules run directly, then ours, in the same run.
Target: ours <= 1.3x the baseline.

    .venv/bin/python bench/large_project.py [--files 5000] [--rounds 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import review_latency  # noqa: E402


def write_project(root: Path, count: int) -> None:
    """Lay out `count` small modules and one Flask app under root."""
    for i in range(count):
        module = root / f"pkg{i // 100}" / f"module_{i}.py"
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_text(f"VALUE_{i} = {i}\n\ndef f_{i}(x):\n    return x + {i}\n")
    (root / "pkg0" / "app.py").write_text(
        "from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n"
    )


def main(argv: list[str] | None = None) -> int:
    """Generate the project and time it as review_latency.py does."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="large-project-") as tmp:
        project = Path(tmp, f"generated-{args.files}")
        write_project(project, args.files)
        return review_latency.main(["--project", str(project), "--rounds", str(args.rounds)])


if __name__ == "__main__":
    raise SystemExit(main())
