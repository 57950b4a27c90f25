"""A jinja2 Environment without autoescaping whose loader reads only non-HTML templates (B701).

jinja_environment.py settles an environment by the template names the code loads. A factory
that returns the environment cannot be settled that way (callers load whatever name they build),
but its loader can: `FileSystemLoader(d)` or `PackageLoader(pkg, d)` only ever finds templates in
that directory of the project. When the directory is known (a constant, or the factory's
parameter that every call in the project fills with a constant) and every file in it is a
template whose name says it is not HTML or XML (`nginx.conf.j2`, `app.cfg.j2`, `run.sh.tmpl`),
the environment renders configuration text, and the finding is low confidence with the reason.

It keeps Bandit's confidence when a template there is HTML/XML or says nothing (`index`), the
directory holds no file the review sees, a caller passes a computed directory, the loader is
anything else (a DictLoader, a ChoiceLoader, none: `from_string`), or a caller hands the
factory's environment to `from_string`.
"""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

from devsecbots.graphs.state import Finding
from devsecbots.nodes.analyzers.helper_summaries import called_name
from devsecbots.nodes.analyzers.jinja_environment import is_markup_template
from devsecbots.nodes.analyzers.low_confidence import lowered
from devsecbots.nodes.analyzers.name_bindings import Scopes
from devsecbots.nodes.analyzers.project_trees import all_nodes, parse_files

_LOADERS = frozenset({"FileSystemLoader", "PackageLoader"})


def reassess(findings: list[Finding], files: dict[str, str]) -> list[Finding]:
    """The findings; B701 on an environment over a non-HTML template folder is low confidence."""
    if not any(_relevant(f) for f in findings):
        return findings
    trees = parse_files(files)
    out = []
    for finding in findings:
        tree = trees.get(finding["file"])
        if _relevant(finding) and tree is not None:
            why = _why_low(tree, finding["line"], files, trees)
            finding = lowered(finding, why) if why else finding
        out.append(finding)
    return out


def _relevant(finding: Finding) -> bool:
    return finding["rule_id"] == "B701" and finding["confidence"] != "low"


def _why_low(
    tree: ast.Module, line: int, files: dict[str, str], trees: dict[str, ast.Module]
) -> str:
    """Why the Environment at `line` renders no HTML ('' when it may)."""
    scopes = Scopes(tree)
    call = next(
        (
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and n.lineno == line and called_name(n.func) == "Environment"
        ),
        None,
    )
    loaders = _loaders(call, scopes) if call is not None else []
    if not loaders:
        return ""
    folders: list[str] = []
    for loader in loaders:
        found = _folders(loader, scopes, trees)
        if not found:
            return ""
        folders += found
    templates: list[str] = []
    for folder in folders:
        inside = [p for p in files if f"/{folder}/" in f"/{p}"]
        if not inside or any(is_markup_template(p) for p in inside):
            return ""
        templates += [PurePosixPath(p).name for p in inside]
    shown = ", ".join(sorted(set(templates))[:4]) + (", ..." if len(set(templates)) > 4 else "")
    where = ", ".join(f"{f}/" for f in sorted(set(folders)))
    return f"its loader reads only {where}, whose templates are not HTML ({shown})"


def _loaders(call: ast.Call, scopes: Scopes) -> list[ast.Call]:
    """The FileSystemLoader/PackageLoader calls that give the Environment its loader ([] when
    the loader is anything else or cannot be told)."""
    values: list[ast.AST] = [k.value for k in call.keywords if k.arg == "loader"]
    for spread in (k.value for k in call.keywords if k.arg is None):
        if not isinstance(spread, ast.Name):
            return []
        values += _dict_entries(spread, scopes, "loader")
    loaders = []
    for value in values:
        resolved = _values(value, scopes)
        if not resolved or not all(_is_loader(v) for v in resolved):
            return []
        loaders += [v for v in resolved if isinstance(v, ast.Call)]
    return loaders


def _dict_entries(name: ast.Name, scopes: Scopes, key: str) -> list[ast.AST]:
    """The values `key` gets in the dict bound to `name` ({"loader": x}, kwargs["loader"] = x)."""
    found: list[ast.AST] = []
    for binding in scopes.bindings(name.id, name):
        node = binding.node
        if isinstance(node, ast.Dict):
            found += [v for k, v in zip(node.keys, node.values, strict=True) if _is(k, key)]
            if None in node.keys:
                return []  # {**other}: entries not seen here
        statement = scopes.parents.get(node)
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Subscript) and _is(t.slice, key) for t in statement.targets
        ):
            found.append(node)
    return found


def _values(node: ast.AST, scopes: Scopes) -> list[ast.AST]:
    """The expressions a loader value can be: itself, or every value its name is bound to."""
    if not isinstance(node, ast.Name):
        return [node]
    bindings = scopes.bindings(node.id, node)
    if not bindings or any(b.kind != "value" for b in bindings):
        return []
    return [b.node for b in bindings]


def _folders(loader: ast.Call, scopes: Scopes, trees: dict[str, ast.Module]) -> list[str]:
    """The project folders the loader reads ([] when one cannot be told)."""
    if called_name(loader.func) == "PackageLoader":
        package = _argument(loader, 0, "package_name")
        where = _argument(loader, 1, "package_path")
        packages = _strings(package, scopes, trees) if package is not None else []
        paths = _strings(where, scopes, trees) if where is not None else ["templates"]
        if not packages or not paths:
            return []
        return [f"{p.replace('.', '/')}/{d.strip('/')}" for p in packages for d in paths]
    where = _argument(loader, 0, "searchpath")
    found = _strings(where, scopes, trees) if where is not None else []
    return [f.strip("/").removeprefix("./") for f in found if f.strip("/.")]


def _strings(node: ast.AST, scopes: Scopes, trees: dict[str, ast.Module]) -> list[str]:
    """The constant strings `node` can be: a literal, or a parameter of a module-level function
    that every call in the project fills with a literal ([] when any value is not one)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if not isinstance(node, ast.Name):
        return []
    bindings = scopes.bindings(node.id, node)
    if len(bindings) != 1 or bindings[0].kind != "parameter":
        return []
    function = bindings[0].scope
    if not isinstance(function, ast.FunctionDef) or scopes.parents.get(function) is not scopes.tree:
        return []
    return _passed(function, node.id, trees)


def _passed(function: ast.FunctionDef, parameter: str, trees: dict[str, ast.Module]) -> list[str]:
    """The literal strings the project's calls of `function` pass for `parameter`."""
    positional = [a.arg for a in function.args.posonlyargs + function.args.args]
    index = positional.index(parameter) if parameter in positional else -1
    found: list[str] = []
    for node in all_nodes(tuple(trees.values())):
        if not (isinstance(node, ast.Call) and called_name(node.func) == function.name):
            continue
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            return []
        value = _argument(node, index, parameter)
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            return []  # computed, or left to a default: not a folder read here
        found.append(value.value)
        if _sent_to_from_string(node, trees):
            return []
    return found


def _sent_to_from_string(call: ast.Call, trees: dict[str, ast.Module]) -> bool:
    """Whether the environment a factory call returns is used with `.from_string` (held in a
    name that a from_string call in the project names, or called on directly)."""
    for node in all_nodes(tuple(trees.values())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "from_string"
        ):
            receiver = node.func.value
            if receiver is call or isinstance(receiver, ast.Name):
                return True
    return False


def _argument(call: ast.Call, index: int, keyword: str) -> ast.AST | None:
    if 0 <= index < len(call.args):
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _is_loader(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and called_name(node.func) in _LOADERS


def _is(node: ast.AST | None, text: str) -> bool:
    return isinstance(node, ast.Constant) and node.value == text
