"""Keep edited lines readable: a call that a fix made too long gets one argument per line."""

from __future__ import annotations

import libcst as cst

DEFAULT_LIMIT = 99


def _newline_then(extra: str) -> cst.ParenthesizedWhitespace:
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        empty_lines=[],
        indent=True,
        last_line=cst.SimpleWhitespace(extra),
    )


def explode(call: cst.Call, step: str) -> cst.Call:
    """The call with each argument on its own line and a trailing comma (black's layout)."""
    args = list(call.args)
    for i, arg in enumerate(args):
        last = i == len(args) - 1
        args[i] = arg.with_changes(
            comma=cst.Comma(whitespace_after=_newline_then("" if last else step)),
            whitespace_after_arg=cst.SimpleWhitespace(""),
        )
    return call.with_changes(whitespace_before_args=_newline_then(step), args=args)


def _statement_call(line: cst.SimpleStatementLine) -> cst.Call | None:
    if len(line.body) != 1:
        return None
    small = line.body[0]
    value = getattr(small, "value", None)
    return value if isinstance(value, cst.Call) and value.args else None


class _Reflow(cst.CSTTransformer):
    def __init__(self, module: cst.Module, keep: set[str], limit: int) -> None:
        super().__init__()
        self.module, self.keep, self.limit = module, keep, limit
        self.step = module.default_indent

    def leave_SimpleStatementLine(self, original_node, updated_node):
        text = self.module.code_for_node(original_node)
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        first_indent = self._depth_indent()  # later lines of the statement carry their own indent
        too_long = [
            ln
            for n, ln in enumerate(lines)
            if len(ln) + (first_indent if n == 0 else 0) > self.limit
            and ln.strip() not in self.keep
        ]
        call = _statement_call(updated_node)
        if call is None or not too_long:
            return updated_node
        small = updated_node.body[0]
        return updated_node.with_changes(body=[small.with_changes(value=explode(call, self.step))])

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._depth = getattr(self, "_depth", 0) + 1

    def leave_IndentedBlock(self, original_node, updated_node):
        self._depth -= 1
        return updated_node

    def _depth_indent(self) -> int:
        return getattr(self, "_depth", 0) * len(self.step)


def reflow(source: str, original: str) -> str:
    """Split calls on lines that the fixes made longer than the file's own longest line (>= 99)."""
    limit = max([DEFAULT_LIMIT, *(len(ln) for ln in original.splitlines())])
    if all(len(ln) <= limit for ln in source.splitlines()):
        return source
    module = cst.parse_module(source)
    keep = {ln.strip() for ln in original.splitlines()}
    return module.visit(_Reflow(module, keep, limit)).code
