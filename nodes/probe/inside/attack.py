"""Helpers the Flask probes share: clients, uploads, and finding what an upload left on disk."""

from __future__ import annotations

import io
import itertools
import os
from dataclasses import dataclass, field
from typing import Any

HTTPS = "https://localhost"
HTTP = "http://localhost"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))
MAX_SCAN_BYTES = 2_000_000


@dataclass
class Target:
    """The app under attack and what the probes learn about it."""

    app: Any
    token: str
    roots: list[str]
    source_files: dict[str, bytes] = field(default_factory=dict)
    upload_form: dict[str, Any] | None = None
    upload_dir: str = ""

    def inside_upload_dir(self, path: str) -> bool:
        """Whether `path` lies in the folder benign uploads went to (unknown: any 'upload*' dir)."""
        folder = os.path.dirname(os.path.realpath(path))
        if self.upload_dir:
            return folder == os.path.realpath(self.upload_dir)
        return os.path.basename(folder).lower().startswith("upload")

    def client(self) -> Any:
        """A fresh test client that looks like a new visitor (its own address, no cookies)."""
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = next(_addresses)
        return client

    def shown(self, path: str) -> str:
        """A path as the report shows it: relative to the sandbox, never the host's temp path."""
        return os.path.relpath(path, self.roots[0]) if self.roots else os.path.basename(path)

    def marker(self, label: str) -> bytes:
        """File content no other file can hold: the run's token plus a label."""
        return f"devsecbots-probe {self.token} {label}\n".encode()


def csrf_fields(client: Any, target: Target) -> dict[str, str]:
    """The upload form's hidden fields, freshly fetched so a CSRF token matches the session."""
    form = target.upload_form or {}
    response = client.get(form.get("page", "/"), base_url=HTTPS)
    from discover import forms_in  # the sibling module in the sandbox's probe folder

    for fresh in forms_in(response.get_data(as_text=True)):
        if fresh["files"]:
            return dict(fresh["fields"])
    return dict(form.get("fields", {}))


def upload(
    client: Any,
    target: Target,
    name: str,
    content: bytes,
    *,
    with_hidden: bool = True,
    base_url: str = HTTPS,
) -> Any:
    """POST one file through the discovered upload form; returns the response."""
    form = target.upload_form or {}
    data: dict[str, Any] = csrf_fields(client, target) if with_hidden else {}
    data[form["files"][0]] = (io.BytesIO(content), name)
    # A browser sends the page as Referer; Flask-WTF insists on it over https.
    referer = base_url + form.get("page", "/")
    return client.post(
        form["url"],
        data=data,
        content_type="multipart/form-data",
        base_url=base_url,
        headers={"Referer": referer},
    )


def files_holding(target: Target, content: bytes) -> list[str]:
    """Every file under the sandbox's roots whose bytes are exactly `content` (or contain it)."""
    hits = []
    for root in target.roots:
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d not in ("__pycache__", ".git")]
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


def describe(response: Any) -> str:
    """One line of evidence: status and the headers that matter."""
    keep = ("Location", "Content-Type", "Content-Disposition", "Retry-After")
    shown = ", ".join(f"{k}: {response.headers[k]}" for k in keep if k in response.headers)
    return f"HTTP {response.status_code}" + (f" ({shown})" if shown else "")
