"""Commands run through a shell -> an argument list without one (CWE-78, Bandit B602/B604/B605)."""

from __future__ import annotations

import libcst as cst
from devsecbots.nodes.autofix.base import Codemod, Project, Site
from devsecbots.nodes.autofix.edits import Edits, expr, remove_keyword, replace_arg
from devsecbots.nodes.autofix.shell_words import NotSimple, argv_source, split_words
from devsecbots.nodes.autofix.strings import parts_of, quote_of
from devsecbots.nodes.autofix.tree import Tree, code, is_true, keyword

SUBPROCESS = {f"subprocess.{n}" for n in ("Popen", "call", "check_call", "check_output", "run")}


class ShellCommand(Codemod):
    name = "shell-command"
    rule_ids = frozenset(
        {"B602", "B604", "B605"}
        | {f"devsecbots.{web}.command-injection" for web in ("flask", "django", "fastapi")}
    )
    cwes = frozenset({"CWE-78", "CWE-77"})
    pattern = "command run through a shell"

    def sites(self, tree: Tree, path: str, project: Project) -> list[Site]:
        found = []
        for call in tree.find(cst.Call):
            names = tree.qualnames(call)
            spans = [tree.span(tree.statement_of(call) or call)]
            if (
                names & SUBPROCESS
                and (shell := keyword(call, "shell")) is not None
                and is_true(shell.value)
            ):
                found.append(self._subprocess_site(tree, call, spans))
            elif "os.system" in names:
                found.append(self._system_site(tree, call, spans))
            elif "os.popen" in names:
                found.append(self._popen_site(tree, call, spans))
            elif (shell := keyword(call, "shell")) is not None and is_true(shell.value):
                found.append(
                    Site(
                        spans=spans,
                        reason=f"shell-command: {code(call.func)}() is not a "
                        "subprocess function it knows; not changed",
                    )
                )
        return found

    def _argv(
        self, tree: Tree, call: cst.Call, command: cst.BaseExpression
    ) -> tuple[str | None, str, list]:
        """(list source or None, reason, extra spans) for the command argument."""
        source_node, extra = command, []
        if isinstance(command, cst.Name):
            assigned = _single_assignment(tree, call, command.value)
            if assigned is None:
                return (
                    None,
                    f"the command comes from {command.value!r}, which is not one string built here",
                    [],
                )
            source_node, extra = assigned, [tree.span(assigned)]
        if isinstance(source_node, (cst.List, cst.Tuple)):
            return code(command), "", extra
        parts = parts_of(source_node)
        if parts is None:
            return None, "the command is not a string built from literal text", extra
        try:
            words = split_words(parts)
        except NotSimple as why:
            return None, f"the command needs a shell ({why})", extra
        return (
            argv_source(words, quote_of(source_node) if len(quote_of(source_node)) == 1 else '"'),
            "",
            extra,
        )

    def _subprocess_site(self, tree: Tree, call: cst.Call, spans: list) -> Site:
        if keyword(call, "executable") is not None or not call.args or call.args[0].keyword:
            return Site(spans=spans, reason="shell-command: unusual call form; not changed")
        argv, reason, extra = self._argv(tree, call, call.args[0].value)
        if argv is None:
            return Site(spans=spans + extra, reason=f"shell-command: {reason}")

        def plan(edits: Edits) -> str:
            edits.swap(call, lambda node: remove_keyword(replace_arg(node, 0, expr(argv)), "shell"))
            return f"{code(call.func)}(..., shell=True) -> argument list without a shell"

        return Site(spans=spans + extra, plan=plan)

    def _system_site(self, tree: Tree, call: cst.Call, spans: list) -> Site:
        if len(call.args) != 1:
            return Site(spans=spans, reason="shell-command: unusual os.system() call")
        argv, reason, extra = self._argv(tree, call, call.args[0].value)
        if argv is None:
            return Site(spans=spans + extra, reason=f"shell-command: {reason}")
        as_statement = isinstance(tree.parent(call), cst.Expr)
        suffix = "" if as_statement else ".returncode"

        def plan(edits: Edits) -> str:
            edits.swap(call, lambda _: expr(f"subprocess.run({argv}, check=False){suffix}"))
            return "os.system(command) -> subprocess.run(argument list) without a shell"

        return Site(spans=spans + extra, plan=plan, imports=[("subprocess", None)], unused=["os"])

    def _popen_site(self, tree: Tree, call: cst.Call, spans: list) -> Site:
        attribute = tree.parent(call)
        outer = tree.parent(attribute) if attribute is not None else None
        reads = (
            isinstance(attribute, cst.Attribute)
            and attribute.attr.value == "read"
            and isinstance(outer, cst.Call)
            and not outer.args
            and len(call.args) == 1
        )
        if not reads or outer is None:
            return Site(
                spans=spans, reason="shell-command: os.popen() is used as a stream; not changed"
            )
        argv, reason, extra = self._argv(tree, call, call.args[0].value)
        if argv is None:
            return Site(spans=spans + extra, reason=f"shell-command: {reason}")

        def plan(edits: Edits) -> str:
            edits.swap(
                outer,
                lambda _: expr(
                    f"subprocess.run({argv}, capture_output=True, text=True, check=False).stdout"
                ),
            )
            return (
                "os.popen(command).read() -> subprocess.run(argument list).stdout without a shell"
            )

        return Site(spans=spans + extra, plan=plan, imports=[("subprocess", None)], unused=["os"])


def _single_assignment(tree: Tree, call: cst.Call, name: str) -> cst.BaseExpression | None:
    """The value of the one assignment to `name` in the call's scope, if made before the call."""
    scope = tree.function_of(call) or tree.module
    values = []
    for node in tree.within(scope, cst.CSTNode):  # type: ignore[type-abstract]
        if (
            isinstance(node, cst.AssignTarget)
            and isinstance(node.target, cst.Name)
            and node.target.value == name
        ):
            values.append(tree.parent(node))
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For, cst.NamedExpr)):
            if code(node.target) == name:
                return None
        elif isinstance(node, cst.AsName) and code(node.name) == name:
            return None
    if len(values) != 1 or not isinstance(values[0], cst.Assign):
        return None
    if tree.span(values[0])[0] >= tree.span(call)[0]:
        return None
    return values[0].value
