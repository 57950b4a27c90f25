"""What every framework adapter gives the probes: replies, visitors, the target and its facts.

Runs inside the sandbox, in the app's own Python: standard library only.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from typing import Any

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
MAX_SCAN_BYTES = 2_000_000
_addresses = (f"198.51.100.{n % 250 + 1}" for n in itertools.count())


def next_address() -> str:
    """A client address no earlier visitor used (rate limits are per address)."""
    return next(_addresses)


@dataclass
class Reply:
    """One response, framework-neutral: status, headers (lower-case names), body, app error."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str = ""  # the exception the app raised, when it escaped to the client

    def header(self, name: str) -> str:
        """A header's value, '' when absent."""
        return self.headers.get(name.lower(), "")

    def describe(self) -> str:
        """One line of evidence: status and the headers that matter."""
        keep = ("location", "content-type", "content-disposition", "retry-after")
        shown = ", ".join(f"{k}: {self.headers[k]}" for k in keep if k in self.headers)
        text = f"HTTP {self.status}" + (f" ({shown})" if shown else "")
        return text + (f" [app raised {self.error}]" if self.error else "")


@dataclass
class Form:
    """A way to POST: URL, the file field ("" for none), other fields, and the page it is on."""

    url: str
    field: str
    fields: dict[str, str]
    page: str = ""  # "" for an API endpoint (no form, no CSRF token)
    action: str = ""  # the form's action attribute as written


@dataclass
class Facts:
    """What the app's configuration says (read from the loaded app, not from its source)."""

    debug: bool = False
    debugger: bool = False
    secret: str | bytes | None = None
    session_cookie: dict[str, Any] | None = None  # secure, httponly, samesite; None: no sessions
    upload_limit: int | None = None
    cookie_sessions: bool = False


@dataclass
class Target:
    """The app under attack (through its adapter) and what the probes learn about it."""

    adapter: Any
    token: str
    roots: list[str]
    top: str = ""
    source_files: dict[str, bytes] = field(default_factory=dict)
    upload: Form | None = None  # the first form or endpoint taking a file
    form: Form | None = None  # the first HTML form that POSTs (the upload form if there is one)
    upload_dir: str = ""

    def marker(self, label: str) -> bytes:
        """File content no other file can hold: the run's token plus a label."""
        return f"devsecbots-probe {self.token} {label}\n".encode()

    def shown(self, path: str) -> str:
        """A path as the report shows it: relative to the sandbox, never the host's temp path."""
        return os.path.relpath(path, self.top) if self.top else os.path.basename(path)

    def inside_upload_dir(self, path: str) -> bool:
        """Whether `path` lies in the folder benign uploads went to (unknown: any 'upload*' dir)."""
        folder = os.path.dirname(os.path.realpath(path))
        if self.upload_dir:
            return folder == os.path.realpath(self.upload_dir)
        return os.path.basename(folder).lower().startswith("upload")

    def send_file(self, visitor: Any, name: str, content: bytes, *, token: bool = True) -> Reply:
        """Upload one file the way the app's form or endpoint expects (CSRF token included)."""
        upload = self.upload
        assert upload is not None
        files = {upload.field: (name, content)}
        return visitor.post_files(
            upload.url, self.fields_for(visitor, upload, token), files, upload.page
        )

    def fields_for(self, visitor: Any, form: Form, token: bool) -> dict[str, str]:
        """A form's fields: as the page serves them now (a fresh CSRF token), or without a token."""
        if form.page and token:
            return {**form.fields, **visitor.hidden_fields(form.page, form.action)}
        return {k: v for k, v in form.fields.items() if "csrf" not in k.lower()}

    def files_holding(self, content: bytes) -> list[str]:
        """Every file under the sandbox's roots whose bytes contain `content`."""
        hits = []
        for root in self.roots:
            for folder, dirs, names in os.walk(root):
                dirs[:] = [d for d in dirs if d not in ("__pycache__", ".git", "program")]
                for name in names:
                    path = os.path.join(folder, name)
                    try:
                        if os.path.islink(path) or os.path.getsize(path) > MAX_SCAN_BYTES:
                            continue
                        with open(path, "rb") as handle:
                            if content in handle.read():
                                hits.append(path)
                    except OSError:
                        continue
        return hits
