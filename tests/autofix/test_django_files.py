"""Django path traversal: a path joined from request data is resolved and kept in its directory,
raising Django's own Http404, and the hardened view no longer blocks."""

from __future__ import annotations

import os

from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.autofix import apply_fixes

from tests.autofix.helpers import finding_at

BEFORE = """import os

from django.conf import settings
from django.http import FileResponse


def download(request):
    path = os.path.join(settings.MEDIA_ROOT, "docs", request.GET.get("name", ""))
    return FileResponse(open(path, "rb"))
"""
RULE = "devsecbots.django.path-traversal"


def test_a_joined_path_is_contained_with_djangos_exceptions():
    review = analyze({"views.py": BEFORE}, cache=None).findings
    finding = next(f for f in review if f["rule_id"] == RULE)
    assert finding["line"] == finding_at(BEFORE, RULE, "open(path", path="views.py")["line"]
    outcome = apply_fixes({"views.py": BEFORE}, [finding])
    assert outcome.fixed == [finding]
    fixed = outcome.files["views.py"]
    joined = '_contained_path(settings.MEDIA_ROOT, "docs", request.GET.get("name", ""))'
    assert f"path = {joined}" in fixed
    assert 'raise Http404("not found")' in fixed
    assert "from django.http import FileResponse, Http404" in fixed
    assert "HTTPException" not in fixed
    after = analyze({"views.py": fixed}, cache=None).findings
    assert [f for f in after if f["rule_id"] == RULE] == []


def test_the_contained_path_refuses_to_leave_its_directory(tmp_path):
    review = analyze({"views.py": BEFORE}, cache=None).findings
    fixed = apply_fixes({"views.py": BEFORE}, review).files["views.py"]
    assert "_safe_filename" not in fixed  # no upload name here: only the helper it uses
    helpers = fixed[fixed.index("def _contained_path") : fixed.index("def download")]

    class Http404(Exception):
        pass

    class SuspiciousFileOperation(Exception):
        pass

    scope = {"Http404": Http404, "SuspiciousFileOperation": SuspiciousFileOperation}
    exec("import os, re\n" + helpers, scope)
    contained = scope["_contained_path"]
    assert contained(str(tmp_path), "docs", "a.txt") == os.path.join(tmp_path, "docs", "a.txt")
    for escape in ("../../etc/passwd", "/etc/passwd"):
        try:
            contained(str(tmp_path), "docs", escape)
        except Http404:
            continue
        raise AssertionError(escape)
