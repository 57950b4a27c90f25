"""A template variable that is the site's configuration: `provider.id` in django-allauth's loop.

`{% load socialaccount %}{% get_providers as providers %}{% for provider in providers %}` walks
the social login providers installed in the deployment's settings; a provider's `id` is a
constant of its provider class ("github", "google"), not something a user or an administrator
types (its `name` may come from a SocialApp row, so it is not counted). Such an attribute, used
inside that loop, is text the application's code and configuration decide, like a literal. The
loop variable and the list must each be bound once in the template, and the loop must enclose
the use.
"""

from __future__ import annotations

import re

# tag -> (the library that defines it, the attributes of each element that code defines)
CONFIG_TAGS = {"get_providers": ("socialaccount", frozenset({"id"}))}
_BLOCK = re.compile(r"\{%\s*(\w+)((?:[^%]|%(?!\}))*)%\}")
_ATTRIBUTE = re.compile(r"^(\w+)\.(\w+)$")


def configured_value(value: str, text: str, position: int) -> bool:
    """Whether the variable `value`, used at `position` of the template `text`, is a
    code-defined attribute of an element of a configuration tag's list (see module)."""
    used = _ATTRIBUTE.match(value)
    if not used:
        return False
    element, attribute = used.groups()
    loop = _enclosing_loop(text, position, element)
    if loop is None:
        return False
    bound = _binders(text, loop)
    if len(bound) != 1 or bound[0] not in CONFIG_TAGS:
        return False
    library, attributes = CONFIG_TAGS[bound[0]]
    return attribute in attributes and _loads(text, library)


def _enclosing_loop(text: str, position: int, element: str) -> str | None:
    """The list variable of the one `{% for element in list %}` around `position` (None when
    the element is bound otherwise too, or not by a loop around the use)."""
    blocks = list(_BLOCK.finditer(text))
    binders = [b for b in blocks if element in _bound_names(b)]
    if len(binders) != 1 or binders[0].group(1) != "for":
        return None
    depth, inside = 0, False
    for block in blocks:
        if block.start() >= position:
            break
        if block is binders[0]:
            depth, inside = 0, True
        elif inside and block.group(1) == "for":
            depth += 1
        elif inside and block.group(1) == "endfor":
            inside, depth = depth > 0, depth - 1
    bits = binders[0].group(2).split()
    return bits[-1] if inside and len(bits) == 3 and bits[1] == "in" else None


def _binders(text: str, name: str) -> list[str]:
    """The tags that bind `name` in the template (`{% tag ... as name %}`, a loop, a with)."""
    found = []
    for block in _BLOCK.finditer(text):
        if name in _bound_names(block):
            found.append(block.group(1))
    return found


def _bound_names(block: re.Match[str]) -> set[str]:
    """The names a template tag binds: `as x`, `for x, y in`, `with x=...`."""
    bits = block.group(2).split()
    names = {bits[i + 1] for i, bit in enumerate(bits[:-1]) if bit == "as"}
    if block.group(1) == "for" and "in" in bits:
        names |= {n.strip(",") for n in bits[: bits.index("in")] if n.strip(",")}
    if block.group(1) == "with":
        names |= {bit.split("=", 1)[0] for bit in bits if "=" in bit}
    return names


def _loads(text: str, library: str) -> bool:
    """Whether the template loads the tag library."""
    return any(
        block.group(1) == "load" and library in block.group(2).split()
        for block in _BLOCK.finditer(text)
    )
