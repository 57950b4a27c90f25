"""What a weak hash (MD5/SHA-1) or a random value is for, read from the code around it.

MD5 and SHA-1 are weak for security (passwords, signatures, tokens, integrity against an
attacker); as content fingerprints, cache keys, file or job names they are fine. A site is read as a
fingerprint when the names the digest flows into (the variable, attribute or argument it is
stored in, the function that returns it) or the function that computes it speak of a cache, a
file, an ETag, a checksum and the like (a digest compared with a value counts that value's
names: `remote["md5Checksum"] != md5(data).hexdigest()` detects a change against the checksum a
service lists, which whoever serves the data sets anyway), or when what is hashed is the content
of a file, and nothing there speaks of a password, secret, token, signature or key.

A weak hash blocks only where its use is shown to be a security one: what is hashed, or what its
result reaches in the function (digest_flow.py: the names, strings and receivers it flows into,
the function returning it), speaks of a password, secret, token, signature, session and the like.
An MD5 nothing says anything about is a fingerprint far more often than a credential (checksums,
ETags, cache keys, change detection): reported at low confidence, not blocking.

A SHA-1 that a wire protocol fixes is not the application's choice either (protocol_hashes.py:
the RSA-SHA1 signer CloudFront signed URLs require).
"""

from __future__ import annotations

import ast
from typing import TypeGuard

from devsecbots.nodes.analyzers.digest_flow import reached_words
from devsecbots.nodes.analyzers.protocol_hashes import protocol_reason
from devsecbots.nodes.security_words import KEYING_WORDS, SECURITY_WORDS, words

FINGERPRINT_WORDS = frozenset(
    {
        "cache",
        "cached",
        "etag",
        "checksum",
        "fingerprint",
        "file",
        "filename",
        "files",
        "path",
        "dir",
        "directory",
        "bucket",
        "job",
        "gravatar",
        "avatar",
        "color",
        "colour",
        "slug",
        "shard",
        "partition",
        "dedup",
        "dedupe",
        "content",
        "chunk",
        "version",
        "asset",
        "static",
        "filesystem",
        "unique",
        "ratelimit",
        "throttle",
    }
)
NO_SECURITY_USE = (
    "nothing it hashes or feeds (names, strings, the function returning it) is a password, "
    "secret, token, signature or key: a fingerprint; say so with usedforsecurity=False"
)
HASH_CALLS = frozenset({"md5", "sha1", "new", "MD5", "SHA1", "SHA"})


def fingerprint_reason(tree: ast.AST | None, line: int) -> str:
    """Why the weak hash at `line` protects nothing ('' when its use is a security use)."""
    if tree is None:
        return ""
    parents = _parents(tree)
    call = next(
        (
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and node.lineno == line
            and _called(node.func) in HASH_CALLS
        ),
        None,
    )
    if call is None:
        return ""
    fixed = protocol_reason(tree, call, parents)
    if fixed:
        return fixed
    hashed = _words(_hashed_names(call)) - KEYING_WORDS
    destination = _words(_names_around(call, parents) + _names_used_in(call, parents))
    function = _words(_function_names(call, parents))
    # The nearest evidence decides: what is hashed (a password is a password wherever it goes),
    # then where the digest goes, then the function that makes it.
    if hashed & SECURITY_WORDS:
        return ""
    for said in (destination | hashed, function):
        if said & SECURITY_WORDS:
            return ""
        if said & FINGERPRINT_WORDS:
            found = ", ".join(sorted(said & FINGERPRINT_WORDS))
            return f"the digest names or keys something ({found})"
    if _hashes_file_content(call, parents):
        return "the digest fingerprints a file's content"
    if reached_words(call, parents) & SECURITY_WORDS:
        return ""
    return NO_SECURITY_USE


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _called(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _target_names(target: ast.AST) -> list[str]:
    """Names a value is stored under: x, self.x, d["x"]."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Attribute):
        return [target.attr]
    if isinstance(target, ast.Subscript):
        key = target.slice
        inner = _target_names(target.value)
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return [*inner, key.value]
        return inner
    if isinstance(target, ast.Tuple | ast.List):
        return [n for elt in target.elts for n in _target_names(elt)]
    return []


def _names_around(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> list[str]:
    """The names the digest flows into in its statement (the function's, when it is returned)."""
    names: list[str] = []
    node: ast.AST = call
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.Assign):
            names += [n for t in parent.targets for n in _target_names(t)]
        elif isinstance(parent, ast.AnnAssign | ast.AugAssign):
            names += _target_names(parent.target)
        elif isinstance(parent, ast.keyword) and parent.arg:
            names.append(parent.arg)
        elif isinstance(parent, ast.Dict):
            index = next((i for i, v in enumerate(parent.values) if v is node), None)
            key = parent.keys[index] if index is not None else None
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.append(key.value)
        elif isinstance(parent, ast.Compare):  # checked against a value: that value's names
            names += [n for o in [parent.left, *parent.comparators] for n in _target_names(o)]
        elif isinstance(parent, ast.Return):
            names += _function_names(parent, parents)
            break
        elif isinstance(parent, ast.stmt):
            break
        node = parent
    return names


def _function_names(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> list[str]:
    """The name of the function `node` is in ([] at module level)."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return [node.name]
    return []


def _hashed_names(call: ast.Call) -> list[str]:
    """The names in the hashed data."""
    names: list[str] = []
    for arg in call.args:
        names += [n.id for n in ast.walk(arg) if isinstance(n, ast.Name)]
        names += [n.attr for n in ast.walk(arg) if isinstance(n, ast.Attribute)]
    return names


def _names_used_in(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> list[str]:
    """Where a digest stored in a local name goes next: the calls it is passed to (possibly inside
    an f-string or concatenation), their keyword, and the names it is stored under, in the same
    function after the assignment."""
    statement: ast.AST = call
    while statement in parents and not isinstance(statement, ast.stmt):
        statement = parents[statement]
    if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
        return []
    target = statement.targets[0]
    function = parents.get(statement)
    while function is not None and not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        function = parents.get(function)
    if not isinstance(target, ast.Name) or function is None:
        return []
    names: list[str] = []
    for use in ast.walk(function):
        if not (
            isinstance(use, ast.Name)
            and use.id == target.id
            and isinstance(use.ctx, ast.Load)
            and use.lineno > statement.lineno
        ):
            continue
        node: ast.AST = use
        while node in parents and isinstance(
            parents[node], ast.JoinedStr | ast.FormattedValue | ast.BinOp
        ):
            node = parents[node]
        parent = parents.get(node)
        if isinstance(parent, ast.keyword) and parent.arg:
            names.append(parent.arg)
            parent = parents.get(parent)
        if isinstance(parent, ast.Call):
            names += _dotted(parent.func)
        elif isinstance(parent, ast.Assign):
            names += [n for t in parent.targets for n in _target_names(t)]
    return names


def _dotted(func: ast.AST) -> list[str]:
    """The parts of a called name: TokenBucket.authorize -> ['TokenBucket', 'authorize']."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return parts[::-1]


def _words(names: list[str]) -> set[str]:
    return set().union(*(words(n) for n in names)) if names else set()


def _hashes_file_content(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether the hashed data is read from a file: md5(f.read()), or h.update(chunk) in a loop
    that reads the chunks (while chunk := fp.read(n))."""
    if any(_reads(arg) for arg in call.args):
        return True
    function: ast.AST = call
    while function in parents and not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        function = parents[function]
    loops = [n for n in ast.walk(function) if isinstance(n, ast.While | ast.For)]
    for loop in loops:
        chunks = {
            n.target.id for n in ast.walk(loop) if isinstance(n, ast.NamedExpr) and _reads(n.value)
        } | {
            t.id
            for n in ast.walk(loop)
            if isinstance(n, ast.Assign) and _reads(n.value)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        if isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and _reads(loop.iter):
            chunks.add(loop.target.id)
        for node in ast.walk(loop):
            if (
                isinstance(node, ast.Call)
                and _called(node.func) == "update"
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id in chunks
            ):
                return True
    return False


def _reads(node: ast.AST) -> bool:
    """Whether an expression reads a file: x.read(n), p.read_bytes(), r.iter_content()."""
    return any(
        isinstance(n, ast.Call) and _called(n.func) in ("read", "read_bytes", "iter_content")
        for n in ast.walk(node)
    )


def random_origin(tree: ast.AST, line: int) -> int:
    """The line of the random.X(...) call whose value reaches the statement at `line` (through
    assignments in the same function), or 0 when that statement makes the call itself."""
    if any(_is_random_call(n) and n.lineno == line for n in ast.walk(tree)):
        return 0
    parents = _parents(tree)
    used = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.lineno == line]
    if not used:
        return 0
    function: ast.AST = used[0]
    while function in parents and not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        function = parents[function]
    assigns = sorted(
        (n for n in ast.walk(function) if isinstance(n, ast.Assign) and n.lineno < line),
        key=lambda n: -n.lineno,
    )
    wanted = {n.id for n in used}
    for _ in range(3):  # value = random.x(); token = str(value); store[k] = token
        for assign in assigns:
            targets = {n.id for t in assign.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            if not targets & wanted:
                continue
            calls = [n for n in ast.walk(assign.value) if _is_random_call(n)]
            if calls:
                return calls[0].lineno
            wanted |= {n.id for n in ast.walk(assign.value) if isinstance(n, ast.Name)}
    return 0


def _is_random_call(node: ast.AST) -> TypeGuard[ast.Call]:
    """random.X(...) on the module named random."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "random"
    )
