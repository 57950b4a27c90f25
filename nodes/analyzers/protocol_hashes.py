"""A weak hash a wire protocol fixes: the RSA-SHA1 signature of CloudFront signed URLs.

botocore's `CloudFrontSigner(key_id, rsa_signer)` calls `rsa_signer(message)` to sign the policy of
a signed URL, and CloudFront accepts only an RSA-SHA1 signature there: SHA-1 in that callback is
the protocol's, not a choice the application can make. A SHA-1 is read so when it is the hash
argument of a `.sign(...)` call in a function that the same module hands to CloudFrontSigner as
its signer (second positional argument or `rsa_signer=`); any other SHA-1 signature still counts.
"""

from __future__ import annotations

import ast

SIGNERS = {"CloudFrontSigner": (1, "rsa_signer")}
SHA1 = frozenset({"SHA1", "sha1"})
WHY = (
    "SHA-1 in the rsa_signer of botocore's CloudFrontSigner: CloudFront signed URLs are verified "
    "as RSA-SHA1 only, the protocol fixes the hash"
)


def protocol_reason(tree: ast.AST, call: ast.Call, parents: dict[ast.AST, ast.AST]) -> str:
    """WHY when the hash `call` is the SHA-1 a CloudFront signer must use ('' otherwise)."""
    sign = parents.get(call)
    if not (
        _called(call.func) in SHA1
        and isinstance(sign, ast.Call)
        and _called(sign.func) == "sign"
        and call in sign.args
    ):
        return ""
    function: ast.AST | None = sign
    while function is not None and not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        function = parents.get(function)
    if function is None or function.name not in _signer_names(tree):
        return ""
    return WHY


def _signer_names(tree: ast.AST) -> set[str]:
    """The functions or methods handed to a URL signer as its signing callback."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called(node.func) in SIGNERS):
            continue
        index, keyword = SIGNERS[_called(node.func)]
        given = [node.args[index]] if len(node.args) > index else []
        given += [k.value for k in node.keywords if k.arg == keyword]
        names |= {_called(g) for g in given} - {""}
    return names


def _called(func: ast.AST) -> str:
    """The name of `f` or `x.f`."""
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""
