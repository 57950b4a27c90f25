"""Bandit's confidence, read against what the flagged code means.

Several Bandit tests flag a call by its name alone, whatever reaches it. Where the weakness depends
on where the data comes from, or the site plainly is not the weakness, the finding keeps its
place in the report at low confidence (which does not block by default) and says why:

- shell=True / os.system, eval/exec and SQL text built by string formatting (B602, B604, B605,
  B307, B102, B608): whether request data reaches the command, the code or the query is data
  flow, which our Semgrep taint rules decide (the flask/django/fastapi command-injection,
  code-injection and sql-injection rules). Their finding on the same line
  merges with Bandit's and carries its own confidence, so an injectable call still blocks. (On
  the real-world corpus B608 alone was 0 true in 26: table names, placeholders, fixed clauses.)
- urlopen (B310) warns that a URL can have a file: scheme; a URL whose scheme is written in the
  code (a constant, or an f-string/concatenation starting with http(s)://, also through local
  names, a literal list of such URLs, a nested helper's parameter and a name inside an
  `if url.startswith(("http://", "https://")):` test: fixed_url.py, prefix_guards.py) cannot, nor
  can one the operator configures in the deployment's settings module (settings_reads.py) or
  environment, or one whose first part is such a value (`f"{HUB}/models/x"`). A module-level
  helper's or a class's method's parameter needs the other modules (url_helpers.py, a project
  pass), and so does a global preference whose validate() admits only http(s) URLs
  (preference_urls.py).
- Markup / mark_safe (B704, B703, B308) of HTML that the caller and the request do not decide:
  built from constants and escaped values, or the application's own data (markup_provenance.py).
- a jinja2 Environment without autoescaping (B701) that a function keeps to itself and uses only
  for named templates that are not HTML or XML (jinja_environment.py), or whose renders all go
  to a Markdown converter (jinja_markdown.py).
- yaml.load with FullLoader (B506) of a file whose path the code, the environment or the settings
  fix: the operator's configuration (operator_files.py).
- MD5/SHA-1 (B303, B324) used as a content fingerprint, cache key or name (hash_purpose.py).
- chmod (B103) flags a group-writable or group-executable mode too; a mode with no bits for other
  users (0o660, 0o750) gives access only to the owner and the file's group, whom the
  administrator chooses (a socket shared with the web server's group): not world-accessible.
- Python's own XML parsers (B313-B319: ElementTree, minidom, pulldom, sax, expatbuilder) read no
  external entities since Python 3.7.1, and expat 2.4.1 or newer (bundled since 3.9.8/3.10)
  bounds entity expansion ("billion laughs", quadratic blowup): the XXE and entity-bomb
  weaknesses these tests name are gone there.
- the debug server (B201) started with a loopback host: nobody else can reach it.
- a listen address of every interface (B104) is how a server in a container or a listener for
  outside mail is reached; the weakness is a development server there, which our rules
  devsecbots.flask.bind-all-interfaces (app.run) and .fastapi.bind-all-interfaces report.
- a hard-coded /tmp, /var/tmp or /dev/shm path (B108, Bandit's list) that is a default or
  setting (assigned, a parameter default, a dict value or key) or only measured
  (`shutil.disk_usage("/dev/shm")`), rather than handed straight to a call that creates or opens a
  file there.
"""

from __future__ import annotations

import ast
import re

from devsecbots.nodes.analyzers.fixed_url import fixed_url_reason
from devsecbots.nodes.analyzers.hash_purpose import fingerprint_reason
from devsecbots.nodes.analyzers.jinja_environment import plain_text_reason
from devsecbots.nodes.analyzers.markup_provenance import SINKS, markup_reason
from devsecbots.nodes.analyzers.operator_files import operator_yaml_reason

LOW = "LOW"
STDLIB_XML = frozenset({"B313", "B314", "B315", "B316", "B317", "B318", "B319"})
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
DATA_FLOW_TESTS = {
    "B602": "the command-injection rules (devsecbots.flask/.django/.fastapi.command-injection)",
    "B604": "the command-injection rules (devsecbots.flask/.django/.fastapi.command-injection)",
    "B605": "the command-injection rules (devsecbots.flask/.django/.fastapi.command-injection)",
    "B307": "the code-injection rules (devsecbots.flask/.django/.fastapi.code-injection)",
    "B102": "the code-injection rules (devsecbots.flask/.django/.fastapi.code-injection)",
    "B608": "the sql-injection rules (devsecbots.flask/.django/.fastapi.sql-injection)",
}
SHARED_TMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")  # what Bandit's B108 looks for by default
_CREATES_FILE = re.compile(
    r"^(open|mkdir|makedirs|mkfifo|mknod|symlink|link|rename|replace|copy\w*|move|"
    r"write_text|write_bytes|touch|NamedTemporaryFile|TemporaryFile|mkstemp|mkdtemp|"
    r"FileHandler|RotatingFileHandler|TimedRotatingFileHandler|save|savefig|to_csv)$"
)


def reassess(test_id: str, line: int, tree: ast.AST | None) -> str:
    """Why this Bandit finding is low confidence at `line` of the file ('' when it is not)."""
    if test_id in DATA_FLOW_TESTS:
        return (
            "the call alone does not say the input is untrusted; "
            f"{DATA_FLOW_TESTS[test_id]} report it when request data reaches it"
        )
    if test_id in STDLIB_XML:
        return (
            "Python's own XML parsers read no external entities (3.7.1+) and expat 2.4.1+ bounds "
            "entity expansion; check pyexpat.EXPAT_VERSION where an old system expat is linked"
        )
    if tree is None:
        return ""
    if test_id == "B310":
        return fixed_url_reason(tree, line)
    if test_id in SINKS:
        return markup_reason(test_id, tree, line)
    if test_id == "B701":
        return plain_text_reason(tree, line)
    if test_id == "B104":
        return (
            "listening on every interface is a deployment choice; a development server bound "
            "there is reported by devsecbots.flask.bind-all-interfaces"
        )
    if test_id == "B103":
        return _group_only_mode(tree, line)
    if test_id == "B201":
        call = _call_at(tree, line, {"run"})
        host = next((k.value for k in call.keywords if k.arg == "host"), None) if call else None
        if isinstance(host, ast.Constant) and host.value in LOOPBACK:
            return f"the debug server listens on this machine only (host={host.value!r})"
    if test_id == "B108":
        return _tmp_path_use(tree, line)
    if test_id == "B506":
        return operator_yaml_reason(tree, line)
    if test_id in ("B303", "B324"):
        return fingerprint_reason(tree, line)
    return ""


def _group_only_mode(tree: ast.AST, line: int) -> str:
    """Why the chmod at `line` grants nothing to other users ('' when its mode may)."""
    call = _call_at(tree, line, {"chmod", "lchmod", "fchmod"})
    mode = call.args[1] if call is not None and len(call.args) > 1 else None
    if call is not None and mode is None:
        mode = next((k.value for k in call.keywords if k.arg == "mode"), None)
    if not (isinstance(mode, ast.Constant) and type(mode.value) is int):
        return ""
    if mode.value & 0o007:
        return ""
    return (
        f"mode {oct(mode.value)} gives other users no access: only the owner and the file's "
        "group, which the administrator chooses"
    )


def _call_at(tree: ast.AST, line: int, names: set[str]) -> ast.Call | None:
    """The first call on `line` to a function or method named one of `names`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.lineno == line and _name(node.func) in names:
            return node
    return None


def _name(func: ast.AST) -> str:
    """The called name: `f` for f(...) and x.f(...)."""
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _tmp_path_use(tree: ast.AST, line: int) -> str:
    """Low-confidence reason for a shared temp-dir literal used as a value, '' when a call
    creates a file."""
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    literals = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and getattr(node, "lineno", 0) == line
        and any(directory in node.value for directory in SHARED_TMP_DIRS)
    ]
    if not literals:
        return ""
    for literal in literals:
        used: ast.AST = literal
        while used in parents and isinstance(parents[used], ast.JoinedStr | ast.BinOp):
            used = parents[used]
        parent = parents.get(used)
        if isinstance(parent, ast.Call) and _name(parent.func) in ("Path", "PurePath"):
            method = parents.get(parent)  # Path("/tmp/x").write_text(...)
            if isinstance(method, ast.Attribute) and _CREATES_FILE.match(method.attr):
                return ""
        if isinstance(parent, ast.Call) and _CREATES_FILE.match(_name(parent.func)):
            return ""
        if isinstance(parent, ast.keyword) and parent.arg in ("dir", "filename", "path", "file"):
            call = parents.get(parent)
            if isinstance(call, ast.Call) and _CREATES_FILE.match(_name(call.func)):
                return ""
    return (
        "the temp-dir path is a default, a setting or a measured mount, not a file this line "
        "creates or opens"
    )
