"""Files sent with `send_file` / `send_from_directory` that a browser does not run as a page.

Flask serves a file inline with the media type it guesses from the file's name (the
`download_name` when given, else the path): an uploaded `.html` or `.svg` comes back as
text/html or image/svg+xml and runs its scripts on the site's origin (stored XSS). A sent file
is an inert body only when the code fixes how it is served:

- `as_attachment=True`: the browser downloads it instead of rendering it;
- `mimetype="image/png"` (a constant passive type, response_headers.py);
- no `mimetype=`, and the name the type is guessed from ends in a constant extension of a
  passive type (`send_from_directory(static, "robots.txt")`, `name + ".png"`, f"{name}.png");
- no `mimetype=`, and the server chose the name, outside upload storage (`thumbnail.filename`
  in a cache folder: server_named_files.py).

Still not inert: a mimetype from a variable, a name the caller or the request picks or a stored
upload's (an extension from the request: `name + "." + fmt`), an active type (html, xml, svg),
an encoding suffix (`.gz`: the type is guessed from what precedes it), `as_attachment` given
anything but the constant True, `**options` at the call.
"""

from __future__ import annotations

import ast
import mimetypes

from devsecbots.nodes.analyzers.call_arguments import argument
from devsecbots.nodes.analyzers.local_assignments import called_name
from devsecbots.nodes.analyzers.response_headers import passive_type
from devsecbots.nodes.analyzers.server_named_files import server_named
from devsecbots.nodes.analyzers.summary_defs import Parents

# Positional parameters up to the file's name (the last), which the type is guessed from.
SENDERS = {"send_file": ["path_or_file"], "send_from_directory": ["directory", "path"]}


def sent_inert(
    call: ast.Call,
    name: str = "",
    parents: Parents | None = None,
    named: frozenset[str] = frozenset(),
) -> bool:
    """Whether the file is sent as an attachment, with a fixed passive type or by a name the
    server chose (see above), or by a parameter among `named` (assumed passive-named by the
    summary: pinned_names.py); the call is one of the SENDERS (`name` when an import renamed
    it)."""
    positional = SENDERS[name or called_name(call.func)]
    attached = argument(call, "as_attachment", positional, {})
    if isinstance(attached, ast.Constant) and attached.value is True:
        return True
    mimetype = argument(call, "mimetype", positional, {})
    if mimetype is not None:
        return passive_type(mimetype)
    shown = argument(call, "download_name", positional, {})
    sent = shown or argument(call, positional[-1], positional, {})
    if isinstance(sent, ast.Name) and sent.id in named:
        return True
    return passive_name(sent) or (parents is not None and server_named(call, sent, parents))


def passive_name(name: ast.AST | None) -> bool:
    """A file name whose guessed media type is passive whatever precedes its constant end."""
    suffix = _constant_end(name)
    if "." not in suffix:
        return False  # the extension would start in the variable part
    guessed, _ = mimetypes.guess_type("file" + suffix)
    return guessed is not None and passive_type(ast.Constant(guessed))


def _constant_end(name: ast.AST | None) -> str:
    """The literal text a name ends with: a constant, `x + ".png"`, f"{x}.png" ('' if none)."""
    if isinstance(name, ast.Constant):
        return name.value if isinstance(name.value, str) else ""
    if isinstance(name, ast.BinOp) and isinstance(name.op, ast.Add):
        return _constant_end(name.right)
    if isinstance(name, ast.JoinedStr) and name.values:
        return _constant_end(name.values[-1])
    return ""
