"""B615: a load from an absolute local path is low; a Hub repository id keeps its finding."""

from __future__ import annotations

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.analyzers.bandit_runner import run_bandit
from devsecbots.nodes.analyzers.local_models import reassess
from devsecbots.nodes.policy import apply_run_policy, is_blocking

CONST = 'CONFIG_DIR = "/config"\nMODEL_CACHE_DIR = f"{CONFIG_DIR}/model_cache"\n'
LOADER = """\
from transformers import AutoTokenizer
from app.const import MODEL_CACHE_DIR


class Embedding:
    def __init__(self, model_name):
        self.model_name = model_name

    def load(self, name):
        return AutoTokenizer.from_pretrained({source})
"""


def b615(source: str, const: str = CONST) -> list[str]:
    """The confidence of each B615 finding after the project pass."""
    files = {"app/const.py": const, "app/embed.py": LOADER.format(source=source)}
    return [f["confidence"] for f in reassess(run_bandit(files), files) if f["rule_id"] == "B615"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('f"{MODEL_CACHE_DIR}/{self.model_name}"', ["low"]),
        ("MODEL_CACHE_DIR + '/' + name", ["low"]),
        ('"/opt/models/" + name', ["low"]),
        ('"jinaai/jina-clip-v1"', ["high"]),
        ("self.model_name", ["high"]),
        ('f"{name}/{self.model_name}"', ["high"]),
        ('f"models/{name}"', ["high"]),
    ],
)
def test_absolute_local_paths_are_low_and_hub_ids_are_not(source, expected):
    assert b615(source) == expected


def test_a_relative_constant_in_the_other_module_keeps_the_finding():
    const = 'MODEL_CACHE_DIR = "jinaai"\n'
    assert b615('f"{MODEL_CACHE_DIR}/{name}"', const) == ["high"]


def test_a_constant_bound_twice_keeps_the_finding():
    const = CONST + 'MODEL_CACHE_DIR = "jinaai"\n'
    assert b615('f"{MODEL_CACHE_DIR}/{name}"', const) == ["high"]


def test_through_the_engine_the_local_load_does_not_block_and_the_hub_load_does():
    safe = LOADER.format(source='f"{MODEL_CACHE_DIR}/{self.model_name}"')
    unsafe = LOADER.format(source="name")
    files = {"app/const.py": CONST, "app/local.py": safe, "app/hub.py": unsafe}
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    blocking = {
        f["file"]: is_blocking(f, ctx.blocking_severity) for f in findings if f["rule_id"] == "B615"
    }
    assert blocking == {"app/local.py": False, "app/hub.py": True}
