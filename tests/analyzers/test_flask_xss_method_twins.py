"""Flask XSS where the view returns what a project method returns: a method of a project class
instance, a function forwarding to a method of its own name, a file a method sends, text a method
types by its headers. The safe
twin is reported at low confidence with the reason; its unsafe sibling (the same shape, the
method writing request data into HTML, or sending an upload inline with its guessed type)
still blocks."""

from __future__ import annotations

import pytest

from .helpers import assert_blocks, assert_low_with_why, twin_findings, twin_path

RULE = "devsecbots.flask.xss"
HEADER = """\
from flask import Blueprint, redirect, render_template, request, send_file, url_for

web = Blueprint("web", __name__)
"""

# name -> (safe body, unsafe body); each twin names its own classes and methods (read project-wide)
TWINS: dict[str, tuple[str, str]] = {
    "method-of-a-project-class-instance": (
        """
        class WikiPage:
            def __init__(self, path):
                self.path = path

            def display(self):
                if not self.path:
                    return redirect(url_for("web.index"))
                return render_template("page.html", path=self.path)

        class WikiEcho:
            def __init__(self, path):
                self.path = path

            def display(self):
                return f"<p>{request.args['q']}</p>"

        @web.route("/page")
        def page():
            p = WikiPage(request.args["path"])
            return p.display()
        """,
        """
        class NotePage:
            def __init__(self, path):
                self.path = path

            def show(self):
                if not self.path:
                    return redirect(url_for("web.index"))
                return render_template("page.html", path=self.path)

        class NoteEcho:
            def __init__(self, path):
                self.path = path

            def show(self):
                return f"<p>{request.args['q']}</p>"

        @web.route("/note")
        def note():
            p = NoteEcho(request.args["path"])
            return p.show()
        """,
    ),
    "method-returning-another-instances-method": (
        """
        class ShelfItem:
            def __init__(self, name):
                self.name = name

            def drop(self):
                return redirect(url_for("web.index"))

        class Shelf:
            def drop(self, name):
                return f"<p>{name} dropped</p>"

            def edit_item(self, name):
                item = ShelfItem(name)
                return item.drop()

        @web.route("/shelf", methods=["POST"])
        def shelf():
            return Shelf().edit_item(request.form["name"])
        """,
        """
        class BinItem:
            def __init__(self, name):
                self.name = name

            def discard(self):
                return redirect(url_for("web.index"))

        class Bin:
            def discard(self, name):
                return f"<p>{name} dropped</p>"

            def edit_item(self, name):
                return self.discard(name)

        @web.route("/bin", methods=["POST"])
        def bin_item():
            return Bin().edit_item(request.form["name"])
        """,
    ),
    "function-forwarding-to-its-own-name-on-a-manager": (
        """
        class Accounts:
            def sign_in(self, email):
                if not email:
                    return render_template("login.html", email=email)
                return redirect(url_for("web.index"))

        manager = Accounts()

        def sign_in(*args, **kwargs):
            return manager.sign_in(*args, **kwargs)

        @web.route("/sign-in", methods=["POST"])
        def sign_in_view():
            return sign_in(email=request.form["email"])
        """,
        """
        class Members:
            def log_in(self, email):
                if not email:
                    return render_template("login.html", email=email)
                return f"<p>Unknown address {email}</p>"

        members = Members()

        def log_in(*args, **kwargs):
            return members.log_in(*args, **kwargs)

        @web.route("/log-in", methods=["POST"])
        def log_in_view():
            return log_in(email=request.form["email"])
        """,
    ),
    "method-sending-an-upload-as-an-attachment": (
        """
        class StoredUpload:
            def __init__(self, name):
                self.path = "/srv/uploads/" + name

            def fetch(self):
                return send_file(self.path, as_attachment=True)

        @web.route("/uploads/<name>")
        def upload(name):
            return StoredUpload(request.args["name"]).fetch()
        """,
        # served inline, its type guessed from the name: an uploaded .html / .svg runs script
        """
        class KeptUpload:
            def __init__(self, name):
                self.path = "/srv/uploads/" + name

            def fetch_file(self):
                return send_file(self.path)

        @web.route("/kept/<name>")
        def kept(name):
            return KeptUpload(request.args["name"]).fetch_file()
        """,
    ),
    "method-returning-text-typed-by-its-headers": (
        """
        class SourcePage:
            def __init__(self, text):
                self.text = text

            def source(self):
                return self.text + "\\n", 200, {"Content-Type": "text/plain; charset=utf-8"}

        @web.route("/source")
        def source():
            return SourcePage(request.args["text"]).source()
        """,
        """
        class RawPage:
            def __init__(self, text):
                self.text = text

            def raw_source(self):
                return self.text + "\\n", 200, {"Content-Type": "text/html; charset=utf-8"}

        @web.route("/raw")
        def raw():
            return RawPage(request.args["text"]).raw_source()
        """,
    ),
}


@pytest.fixture(scope="module")
def xss_findings():
    return twin_findings(TWINS, HEADER, RULE)


@pytest.mark.parametrize("name", TWINS)
def test_the_safe_twin_is_reported_at_low_confidence_with_why(xss_findings, name):
    assert_low_with_why(xss_findings[twin_path(name, "safe")])


@pytest.mark.parametrize("name", TWINS)
def test_the_unsafe_twin_blocks(xss_findings, name):
    assert_blocks(xss_findings[twin_path(name, "unsafe")])
