"""A jinja2 Environment with its own delimiters whose renders are only written to files (B701).

Jinja's delimiters are changed (`variable_start_string="<<"`) when the output must keep `{{ }}`
and `{% %}` of its own: a generator of Vue components, Jinja templates or source code. When the
environment and everything rendered with it, followed through the module (the functions that
return them, the names and containers they pass through, the templates rendered with them), only
end in `f.write(...)` on a file the code opened or `path.write_text(...)`, the output is source a
developer builds on, not a page a browser shows: HTML escaping would corrupt the code. An
environment with Jinja's own delimiters, or any render returned to unknown callers, given to a
response, stored or passed on, keeps Bandit's finding.
"""

from __future__ import annotations

import ast

from devsecbots.nodes.analyzers.outgoing_values import DERIVING, Flow, is_logging
from devsecbots.nodes.security_words import spelled

DELIMITERS = {
    "variable_start_string": "{{",
    "block_start_string": "{%",
    "comment_start_string": "{#",
}
_RENDERING = frozenset(
    {"get_template", "select_template", "get_or_select_template", "from_string", "render"}
)


class WrittenFlow(Flow):
    """Follows an environment or a rendered text to the files it is written to."""

    carriers = DERIVING | _RENDERING

    def _sink(self, call: ast.Call, via: ast.AST, node: ast.AST) -> bool:
        """Written to a file this code opened, or with Path.write_text; or logged."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "write_text":
            return True
        if isinstance(func, ast.Attribute) and func.attr in ("write", "writelines"):
            return isinstance(func.value, ast.Name) and self._opened(func.value)
        return is_logging(call)

    def _stored_sink(self, target: ast.AST) -> bool:
        """Nothing stored anywhere is a file."""
        return False

    def _opened(self, name: ast.Name) -> bool:
        """`with open(...) as name:` around the write."""
        node: ast.AST = name
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.With | ast.AsyncWith):
                for item in node.items:
                    bound = item.optional_vars
                    opened = item.context_expr
                    if (
                        isinstance(bound, ast.Name)
                        and bound.id == name.id
                        and isinstance(opened, ast.Call)
                        and spelled(opened.func) == "open"
                    ):
                        return True
        return False


def generator_reason(tree: ast.AST, call: ast.Call, parents: dict[ast.AST, ast.AST]) -> str:
    """Why the Environment made by `call` generates files, not pages ('' when it may not)."""
    changed = [
        k.arg
        for k in call.keywords
        if k.arg in DELIMITERS
        and isinstance(k.value, ast.Constant)
        and k.value.value != DELIMITERS[k.arg]
    ]
    if not changed or not isinstance(tree, ast.Module):
        return ""
    if not WrittenFlow(tree, parents).only_to_sinks(call):
        return ""
    return (
        "the environment has its own delimiters and what it renders is only written to files: "
        "a source generator, not a page"
    )
