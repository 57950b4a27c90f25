"""Add module-level imports the way a person would: next to their alphabetical neighbours."""

from __future__ import annotations

import sys

import libcst as cst
from devsecbots.nodes.autofix.decline import Decline
from devsecbots.nodes.autofix.tree import code
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import RemoveImportsVisitor

_MAX_LINE = 99


# What a module's body holds (libcst's Module.body).
TopStatement = cst.SimpleStatementLine | cst.BaseCompoundStatement


def _dotted(node: cst.BaseExpression) -> str:
    return code(node)


def _import_block(module: cst.Module) -> list[int]:
    """Indexes of the leading top-level import statements (before the first other code)."""
    indexes = []
    for i, statement in enumerate(module.body):
        if isinstance(statement, cst.SimpleStatementLine) and all(
            isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
        ):
            indexes.append(i)
        elif not (i == 0 and _is_docstring(statement)):
            break
    return indexes


def _bound_names(module: cst.Module) -> dict[str, str]:
    """Top-level names -> what binds them ('import os', 'from x import y', 'other')."""
    bound: dict[str, str] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                bound[statement.name.value] = "other"
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    full = _dotted(alias.name)
                    name = _dotted(alias.asname.name) if alias.asname else full.split(".")[0]
                    bound[name] = f"import {full if alias.asname else full.split('.')[0]}"
            elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                source = "." * len(small.relative) + (_dotted(small.module) if small.module else "")
                for alias in small.names:
                    name = _dotted(alias.asname.name) if alias.asname else _dotted(alias.name)
                    bound[name] = f"from {source} import {_dotted(alias.name)}"
            elif isinstance(small, (cst.Assign, cst.AnnAssign)):
                targets = small.targets if isinstance(small, cst.Assign) else [small]
                for target in targets:
                    if isinstance(target.target, cst.Name):
                        bound[target.target.value] = "other"
    return bound


def ensure_import(module: cst.Module, name: str, source: str | None = None) -> cst.Module:
    """`import name` (source None) or `from source import name`, unless already bound so.

    Raises Decline when the name is already used at module level for something else.
    """
    wanted = f"from {source} import {name}" if source else f"import {name}"
    existing = _bound_names(module).get(name)
    if existing == wanted or _same_package_import(existing, source, name):
        return module
    if existing is not None:
        raise Decline(f"the name {name!r} is already used in this module ({existing})")
    if source is not None:
        merged = _merge_into_from(module, source, name)
        if merged is not None:
            return merged
    return _insert_statement(module, cst.parse_statement(wanted + "\n"), name, source)


def _same_package_import(existing: str | None, source: str | None, name: str) -> bool:
    """`from werkzeug import secure_filename` already provides werkzeug.utils.secure_filename."""
    if not existing or not source or not existing.startswith("from "):
        return False
    module, _, imported = existing[len("from ") :].partition(" import ")
    return imported == name and module.split(".")[0] == source.split(".")[0]


def _merge_into_from(module: cst.Module, source: str, name: str) -> cst.Module | None:
    body = list(module.body)
    for i in _import_block(module):
        line = body[i]
        if not isinstance(line, cst.SimpleStatementLine):  # _import_block holds no other kind
            continue
        small = line.body[0]
        if not (isinstance(small, cst.ImportFrom) and len(line.body) == 1):
            continue
        if small.relative or small.module is None or _dotted(small.module) != source:
            continue
        if isinstance(small.names, cst.ImportStar):
            continue
        names = list(small.names)
        position = sum(1 for a in names if _sort_key(_dotted(a.name)) < _sort_key(name))
        new_names = _with_alias(names, position, name)
        candidate = line.with_changes(body=[small.with_changes(names=new_names)])
        if small.lpar or len(code(candidate).rstrip("\n").split("\n")[-1]) <= _MAX_LINE:
            body[i] = candidate
            return module.with_changes(body=body)
        return None  # would make the line too long: add a separate statement instead
    return None


def _with_alias(names: list[cst.ImportAlias], position: int, name: str) -> list[cst.ImportAlias]:
    between = names[0].comma if len(names) > 1 else None
    if not isinstance(between, cst.Comma):
        between = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    alias = cst.ImportAlias(name=cst.Name(name))
    result = list(names)
    if position == len(names):  # goes last: takes the last one's (maybe trailing) comma
        last = result[-1]
        result[-1] = last.with_changes(comma=between)
        result.append(alias.with_changes(comma=last.comma))
    else:
        result.insert(position, alias.with_changes(comma=between))
    return result


def _sort_key(name: str) -> tuple[int, str]:
    # isort / ruff "order by type": CONSTANTS, then Classes, then functions.
    if name.isupper() and len(name) > 1:
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


def _module_of(statement: cst.BaseStatement) -> tuple[str, str]:
    small = statement.body[0]  # type: ignore[attr-defined]
    if isinstance(small, cst.Import):
        return ("import", _dotted(small.names[0].name))
    source = "." * len(small.relative) + (_dotted(small.module) if small.module else "")
    return ("from", source)


def _is_stdlib(module_name: str) -> bool:
    return module_name.split(".")[0] in sys.stdlib_module_names


def _sections(module: cst.Module) -> list[list[int]]:
    """The leading import block, split where a blank line separates groups (isort sections)."""
    sections: list[list[int]] = []
    for i in _import_block(module):
        statement = module.body[i]
        if _module_of(statement)[1] == "__future__":
            continue
        fresh = (
            not sections
            or sections[-1][-1] != i - 1
            or any(
                isinstance(line, cst.EmptyLine) and not line.comment
                for line in statement.leading_lines
            )
        )
        if fresh:
            sections.append([i])
        else:
            sections[-1].append(i)
    return sections


def _insert_statement(
    module: cst.Module, statement: TopStatement, name: str, source: str | None
) -> cst.Module:
    body = list(module.body)
    kind, key = ("from", source) if source else ("import", name)
    sections = _sections(module)
    if not sections:
        return _insert_first(module, body, statement)
    stdlib = _is_stdlib(key)
    matching = [s for s in sections if any(_is_stdlib(_module_of(body[i])[1]) == stdlib for i in s)]
    if not matching:  # a new section: standard library first, everything else last
        if stdlib:
            first = sections[0][0]
            body.insert(first, statement.with_changes(leading_lines=body[first].leading_lines))
            body[first + 1] = body[first + 1].with_changes(leading_lines=(cst.EmptyLine(),))
        else:
            body.insert(
                sections[-1][-1] + 1, statement.with_changes(leading_lines=(cst.EmptyLine(),))
            )
        return module.with_changes(body=body)
    section = matching[0] if stdlib else matching[-1]
    # isort order inside a section: plain imports, then from-imports, each alphabetical.
    order = [(_module_of(body[i])[0] == "from", _module_of(body[i])[1].lower()) for i in section]
    new_key = (kind == "from", key.lower())
    before = [i for i, k in zip(section, order, strict=True) if k <= new_key]
    if before:
        body.insert(before[-1] + 1, statement)
    else:
        first = section[0]
        body.insert(first, statement.with_changes(leading_lines=body[first].leading_lines))
        body[first + 1] = body[first + 1].with_changes(leading_lines=())
    return module.with_changes(body=body)


def _insert_first(
    module: cst.Module, body: list[TopStatement], statement: TopStatement
) -> cst.Module:
    start = 0
    while start < len(body) and (
        _is_docstring(body[start]) if start == 0 else _is_future(body[start])
    ):
        start += 1
    lead = (cst.EmptyLine(),) if start else ()
    body.insert(start, statement.with_changes(leading_lines=lead))
    if len(body) > start + 1 and not body[start + 1].leading_lines:
        body[start + 1] = body[start + 1].with_changes(leading_lines=(cst.EmptyLine(),))
    return module.with_changes(body=body)


def _is_future(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and isinstance(statement.body[0], cst.ImportFrom)
        and _module_of(statement)[1] == "__future__"
    )


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def remove_unused_import(module: cst.Module, name: str) -> cst.Module:
    """Drop `import name` / `from x import name` when nothing in the module uses `name` any more."""
    context = CodemodContext()
    bound = _bound_names(module).get(name, "")
    if bound.startswith("import "):
        RemoveImportsVisitor.remove_unused_import(context, bound[len("import ") :])
    elif bound.startswith("from "):
        source, _, imported = bound[len("from ") :].partition(" import ")
        RemoveImportsVisitor.remove_unused_import(context, source, imported)
    else:
        return module
    return _keep_spacing(module, RemoveImportsVisitor(context).transform_module(module))


def _keep_spacing(before: cst.Module, after: cst.Module) -> cst.Module:
    """A removed statement's blank lines and comments stay, on the statement that follows it."""
    old, new = list(before.body), list(after.body)
    if len(old) == len(new):
        return after
    body: list[TopStatement] = []
    pending: list[cst.EmptyLine] = []
    j = 0
    for i, statement in enumerate(old):
        kept = j < len(new) and (statement.deep_equals(new[j]) or len(old) - i == len(new) - j)
        if not kept:
            pending.extend(statement.leading_lines)
            continue
        current = new[j]
        if pending and not current.leading_lines:
            current = current.with_changes(leading_lines=pending)
        body.append(current)
        pending, j = [], j + 1
    return after.with_changes(body=body)
