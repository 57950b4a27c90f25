"""What the project's Django templates pass to a simple tag: `{% fa_class 'trash' icon_type='x' %}`.

A function under `@register.simple_tag` is called by the template engine with the arguments the
template author wrote in `{% name arg ... kw=arg ... [as var] %}`. Django's tag syntax is
regular (its lexer, too, cuts tags at the first `%}`; arguments are split on spaces outside
quotes), so each use is read here: per parameter, whether the template passed a literal (a
quoted string, a number, True / False / None, `_("...")`) - text written in the application's own
templates - or anything else (a context variable, a filter's result), or nothing (the default).

The uses cannot be told (None) when the tag is registered under another name, takes `*args` /
`**kwargs`, or its name appears in a template other than as such a tag (a Jinja call, a tag of
another library with the same name); a template that cannot be read in full then hides a caller.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from devsecbots.nodes.analyzers.template_config_values import configured_value

Function = ast.FunctionDef | ast.AsyncFunctionDef
LITERAL, VARIABLE = "literal", "variable"
_TAG = re.compile(r"\{%\s*(\w+)((?:[^%]|%(?!\}))*)%\}")
_BIT = re.compile(r"""(?:[^\s'"]*(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')[^\s'"]*)+|\S+""")
_LITERAL = re.compile(
    r"""^(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?|True|False|None"""
    r"""|_\((?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\))$"""
)
_KEYWORD = re.compile(r"^(\w+)=(.+)$")


def simple_tag(function: Function) -> tuple[str, bool] | None:
    """(the tag's name, whether it takes the context first) if `function` is registered as a
    Django simple tag by its decorator; None otherwise."""
    for decorator in function.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call else decorator
        if not (isinstance(target, ast.Attribute) and target.attr == "simple_tag"):
            continue
        if len(function.decorator_list) != 1 or (call and call.args):
            return None
        options = {k.arg: k.value for k in call.keywords} if call else {}
        name, context = options.get("name"), options.get("takes_context")
        if name is not None and not (
            isinstance(name, ast.Constant) and isinstance(name.value, str)
        ):
            return None
        takes_context = isinstance(context, ast.Constant) and context.value is True
        tag = name.value if isinstance(name, ast.Constant) else function.name
        return str(tag), takes_context
    return None


def template_uses(function: Function, texts: list[str]) -> list[dict[str, str]] | None:
    """Per use of the simple tag in `texts`: parameter -> LITERAL / VARIABLE (absent when the use
    leaves it to its default); None when the uses cannot be told (see module)."""
    tag = simple_tag(function)
    args = function.args
    if tag is None or args.vararg or args.kwarg:
        return None
    name, takes_context = tag
    positional = [a.arg for a in args.posonlyargs + args.args][1 if takes_context else 0 :]
    keywords = set(positional) | {a.arg for a in args.kwonlyargs}
    word = re.compile(rf"\b{re.escape(name)}\b")
    uses = []
    for text in texts:
        tags = [m for m in _TAG.finditer(text) if m.group(1) == name]
        if len(word.findall(text)) != len(tags):
            return None  # named some other way too
        for match in tags:

            def configured(value: str, text: str = text, at: int = match.start()) -> bool:
                return configured_value(value, text, at)

            use = _bound(_BIT.findall(match.group(2)), positional, keywords, configured)
            if use is None:
                return None
            uses.append(use)
    return uses


def _bound(
    bits: list[str], positional: list[str], keywords: set[str], configured: Callable[[str], bool]
) -> dict[str, str] | None:
    """The parameters the tag's argument bits fill, as Django's parse_bits binds them; a
    variable that is configuration (template_config_values.py) counts as a literal."""
    if len(bits) >= 2 and bits[-2] == "as":
        bits = bits[:-2]
    use: dict[str, str] = {}
    for index, bit in enumerate(bits):
        keyword = _KEYWORD.match(bit)
        if keyword and keyword.group(1) in keywords:
            parameter, value = keyword.group(1), keyword.group(2)
        elif not keyword and not use.keys() - set(positional[:index]) and index < len(positional):
            parameter, value = positional[index], bit
        else:
            return None  # a positional after a keyword, too many, an unknown keyword
        if parameter in use:
            return None
        use[parameter] = LITERAL if _LITERAL.match(value) or configured(value) else VARIABLE
    return use
