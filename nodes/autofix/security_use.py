"""Whether a value is visibly used for security: the names around it say password, token, ...

Weak hashes and weak randomness are only weaknesses where the result protects something. A
codemod changes a digest or a random draw only when its data, the name it is stored under or
the function it is made in says so; a content fingerprint (cache key, avatar hash, job id) and
fake data keep their algorithm, since changing them changes behaviour for no security gain.
"""

from __future__ import annotations

import re

import libcst as cst
from devsecbots.nodes.autofix.tree import Tree, code
from devsecbots.nodes.security_words import SECURITY_WORDS, words

_WAIVER = re.compile(r"#.*\b(noqa\b.*\b{codes}\b|nosec\b)", re.IGNORECASE)


def security_use(tree: Tree, node: cst.CSTNode, *, function_name: bool = True) -> str:
    """The security word found around `node` (its code, the name it is assigned to and, with
    `function_name`, the function it is in), or '' when nothing says the value protects anything."""
    texts = [code(node)]
    statement = tree.statement_of(node)
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Assign):
                texts += [code(t.target) for t in small.targets]
            elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                texts.append(code(small.target))
    function = tree.function_of(node) if function_name else None
    if function is not None:
        texts.append(function.name.value)
    found = set().union(*(words(t) for t in texts)) & SECURITY_WORDS
    return sorted(found)[0] if found else ""


def waived_on_line(line: str, *codes: str) -> bool:
    """Whether the source line carries `# nosec` or a `# noqa` naming one of `codes`."""
    pattern = _WAIVER.pattern.replace("{codes}", "(" + "|".join(map(re.escape, codes)) + ")")
    return re.search(pattern, line, re.IGNORECASE) is not None
