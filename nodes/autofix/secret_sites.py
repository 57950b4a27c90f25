"""Whether a hard-coded key is a credential the deployed app signs with, or a look-alike."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import libcst as cst
from devsecbots.nodes.autofix.tree import Tree, string_value

# Settings modules and config classes for a test or CI run: their keys sign nothing deployed,
# and tests may depend on the fixed value (signed fixtures, a deliberately wrong key).
_TEST_WORDS = frozenset({"test", "tests", "testing", "ci"})
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# Mock assertions name the arguments a call was expected with: data, not a credential in use.
_MOCK_CHECK = re.compile(r"^(assert_(any_|has_|not_)?call|assert_called|call$)")


def _words(name: str) -> set[str]:
    """`TestingConfig` -> {testing, config}; `settings_ci` -> {settings, ci}."""
    return {w.lower() for part in re.split(r"[_.\-]", name) for w in _CAMEL.findall(part) or [part]}


def not_deployed(tree: Tree, value: cst.BaseExpression, path: str) -> str:
    """Why the literal at `value` is no deployed credential ('' when it may be one)."""
    if string_value(value) == "":
        return "an empty key is a placeholder to fill in, not a hard-coded secret"
    for node in tree.ancestors(value):
        if isinstance(node, cst.Call) and _MOCK_CHECK.match(_callee(node)):
            return "an argument a test expects a mock to be called with, not a key in use"
        if isinstance(node, cst.ClassDef) and _words(node.name.value) & _TEST_WORDS:
            return f"{node.name.value} configures test runs: its key signs nothing deployed"
    stem = PurePosixPath(path).name.removesuffix(".py")
    if _words(stem) & _TEST_WORDS:
        return f"{path} configures test or CI runs: its key signs nothing deployed"
    return ""


def _callee(call: cst.Call) -> str:
    """The called name's last part: `m.assert_called_once_with(...)` -> assert_called_once_with."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""
