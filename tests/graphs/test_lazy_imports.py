"""Compiling the graph imports no model client and no analyser or codemod library: the nodes
load them when they first run (`graph --format ascii`, Studio and every run start faster)."""

from __future__ import annotations

import json
import subprocess
import sys

LOADED_WHEN_USED = ("openai", "langchain_openai", "libcst", "bandit", "semgrep")


def test_compiling_the_graph_loads_them_only_when_used() -> None:
    probe = (
        "import json, sys\n"
        "from devsecbots.graphs.devsec import build_graph\n"
        "build_graph()\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & "
        f"set({LOADED_WHEN_USED!r}))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []
