"""A view's canonical redirect (`self.get_canonical_url()`, an override per subclass, the model's
`get_absolute_url()`, the query joined after "?") as twins. Every `get_absolute_url` of the
project counts, so the unsafe projects are analysed apart from the safe one."""

from __future__ import annotations

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.policy import apply_run_policy, is_blocking

VIEWS = """\
from django.db import models
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import DetailView


class Map(models.Model):
    def get_absolute_url(self):
        return reverse("map", kwargs={"slug": self.slug or "map", "pk": self.pk})


class MapView(DetailView):
    def get_object(self, queryset=None):
        return self.kwargs["map_inst"]

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        canonical = self.get_canonical_url()
        if not request.path == canonical:
            if request.META.get("QUERY_STRING"):
                canonical = "?".join([canonical, request.META["QUERY_STRING"]])
            return HttpResponsePermanentRedirect(canonical)
        return response

    def get_canonical_url(self):
        return self.object.get_absolute_url()


class MapGeoJSON(MapView):
    def get_canonical_url(self):
        return reverse("map_geojson", args=(self.object.pk,))
"""

CLEAN_UNSAFE = """\
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.views.generic import DetailView


class PageView(DetailView):
    def get(self, request, *args, **kwargs):
        target = self.get_canonical_url()
        return HttpResponsePermanentRedirect("?".join([target, request.GET.urlencode()]))

    def get_canonical_url(self):
        return "/pages/"


class PageFeed(PageView):  # a subclass's override reads the request
    def get_canonical_url(self):
        return self.request.GET["next"]


def joined_first(request):
    return redirect("?".join([request.GET["next"], "sent=1"]))


def joined_after_slash(request):
    return redirect("/".join(["", request.GET["page"]]))  # "/" + "/evil.example"
"""

POISON = """\
from django.db import models


class Bookmark(models.Model):  # another get_absolute_url: the stored target, any host
    def get_absolute_url(self):
        return self.target
"""


def _redirects(files: dict[str, str]) -> dict[str, list[bool]]:
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    found: dict[str, list[bool]] = {path: [] for path in files}
    for finding in findings:
        if finding["rule_id"] == "devsecbots.django.open-redirect":
            found[finding["file"]].append(is_blocking(finding, ctx.blocking_severity))
    return found


@pytest.fixture(scope="module")
def clean():
    return _redirects({"maps/views.py": VIEWS, "pages/views.py": CLEAN_UNSAFE})


@pytest.fixture(scope="module")
def poisoned():
    return _redirects({"maps/views.py": VIEWS, "marks/models.py": POISON})


def test_the_canonical_redirect_with_the_query_after_a_question_mark_does_not_block(clean):
    assert clean["maps/views.py"], "the redirect is no longer reported at all"
    assert not any(clean["maps/views.py"])


def test_a_subclass_override_or_a_joined_start_from_the_request_blocks(clean):
    assert sum(clean["pages/views.py"]) == 3, clean["pages/views.py"]


def test_one_get_absolute_url_of_any_host_makes_every_unknown_receiver_block(poisoned):
    assert any(poisoned["maps/views.py"]), poisoned
