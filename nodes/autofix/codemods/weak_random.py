"""The `random` module used for secrets -> the `secrets` module (CWE-330/CWE-338, Bandit B311)."""

from __future__ import annotations

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr
from devsecbots.nodes.autofix.security_use import security_use
from devsecbots.nodes.autofix.tree import Tree

# random.X(...) -> secrets equivalent; everything else -> secrets.SystemRandom().X(...)
DIRECT = {"choice": "secrets.choice", "getrandbits": "secrets.randbits"}
SYSTEM_RANDOM = (
    "random",
    "randint",
    "randrange",
    "choices",
    "sample",
    "shuffle",
    "uniform",
    "triangular",
    "betavariate",
    "expovariate",
    "gammavariate",
    "gauss",
    "lognormvariate",
    "normalvariate",
    "vonmisesvariate",
    "paretovariate",
    "weibullvariate",
    "randbytes",
)


class WeakRandom(Codemod):
    name = "weak-random"
    rule_ids = frozenset({"B311", "devsecbots.python.weak-random"})
    cwes = frozenset({"CWE-330", "CWE-338"})
    pattern = "random-module call"
    topic = r"random|token|predictab"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        seeded = any(tree.calls_to("random.seed"))
        found = []
        for call in tree.find(cst.Call):
            function = next(
                (n.split(".", 1)[1] for n in tree.qualnames(call) if n.startswith("random.")), None
            )
            if function is None or "." in function:
                continue
            spans = [tree.span(tree.statement_of(call) or call)]
            if seeded:
                found.append(
                    Site(
                        spans=spans,
                        reason="weak-random: the module seeds random on purpose "
                        "(reproducible numbers, not secrets)",
                    )
                )
                continue
            if not security_use(tree, call):
                found.append(
                    Site(
                        spans=spans,
                        reason="weak-random: nothing around it says the number protects anything "
                        "(a token, password, key, session id): sampling, jitter and fake data "
                        "keep the random module",
                    )
                )
                continue
            replacement = _replacement(function, call)
            if replacement is None:
                found.append(
                    Site(
                        spans=spans,
                        reason=f"weak-random: random.{function}() has no secrets equivalent here",
                    )
                )
                continue
            found.append(
                Site(
                    spans=spans,
                    plan=_plan(call, function, replacement),
                    imports=[("secrets", None)],
                    unused=[call.func.value] if isinstance(call.func, cst.Name) else ["random"],
                )
            )
        return found


def _replacement(function: str, call: cst.Call) -> str | None:
    if function in DIRECT:
        return DIRECT[function]
    if function == "randrange" and len(call.args) == 1 and not call.args[0].keyword:
        return "secrets.randbelow"
    if function in SYSTEM_RANDOM:
        return f"secrets.SystemRandom().{function}"
    if function in ("Random", "SystemRandom") and not call.args:
        return "secrets.SystemRandom"
    return None


def _plan(call: cst.Call, function: str, replacement: str):
    def plan(edits: Edits) -> str:
        edits.swap(call, lambda node: node.with_changes(func=expr(replacement)))
        return f"random.{function}() -> {replacement}()"

    return plan
