"""Flask XSS: a view that returns what a project helper returns is safe when the helper's every
return is a safe body - a rendered template (also through other helpers), a response of one, a
response typed as a non-HTML document, fixed text; a Markup() undone at once marks nothing
safe. The safe twin is reported at low confidence with the reason; its unsafe sibling still
blocks (the engine's findings under the run's policy)."""

from __future__ import annotations

import pytest

from .helpers import assert_blocks, assert_low_with_why, twin_findings, twin_path

RULE = "devsecbots.flask.xss"
HEADER = """\
import json
from flask import Blueprint, Response, jsonify, make_response, redirect, render_template, request
from flask import url_for
from flask_themes2 import render_theme_template
from markupsafe import Markup

from . import log

web = Blueprint("web", __name__)
"""

# name -> (safe body, unsafe body); each twin names its own helpers (they are read project-wide)
TWINS: dict[str, tuple[str, str]] = {
    "helper-returns-a-rendering-helper": (
        """
        def themed_page(name, **values):
            try:
                return render_theme_template("dark", name, **values)
            except LookupError:
                return render_template(name, **values)

        def titled_page(*args, **values):
            return themed_page(args[0], title="Search", **values)

        @web.route("/search")
        def search():
            return titled_page("search.html", query=request.args["q"])
        """,
        """
        def boxed_text(text):
            return "<div>" + text + "</div>"

        def framed_text(text):
            return boxed_text(text)

        @web.route("/search")
        def search():
            return framed_text(request.args["q"])
        """,
    ),
    "helper-branches-into-other-helpers": (
        """
        def shelf_page(shelf_id, term):
            if shelf_id is None:
                return redirect(url_for("web.index"))
            return render_template("shelf.html", term=term)

        def edit_page(shelf_id, term):
            if not term:
                return shelf_page(shelf_id, term)
            return make_response(render_template("edit.html", term=term))

        @web.route("/shelf/<int:shelf_id>", methods=["POST"])
        def edit(shelf_id):
            page = edit_page(shelf_id, request.form["term"])
            if page:
                return page
            return "", 204
        """,
        """
        def shelf_echo(shelf_id, term):
            if shelf_id is None:
                return redirect(url_for("web.index"))
            return make_response(term)

        def edit_echo(shelf_id, term):
            if not term:
                return shelf_echo(shelf_id, term)
            return make_response(render_template("edit.html", term=term))

        @web.route("/shelf/<int:shelf_id>", methods=["POST"])
        def edit(shelf_id):
            page = edit_echo(shelf_id, request.form["term"])
            if page:
                return page
            return "", 204
        """,
    ),
    "helper-responds-with-a-rendered-feed": (
        """
        def feed_response(*args, **values):
            xml = render_template(*args, **values)
            response = make_response(xml)
            response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
            return response

        @web.route("/opds/search")
        def feed():
            return feed_response("feed.xml", term=request.args["query"])
        """,
        """
        def raw_feed_response(term):
            response = make_response("<feed><title>" + term + "</title></feed>")
            response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
            return response

        @web.route("/opds/search")
        def feed():
            return raw_feed_response(request.args["query"])
        """,
    ),
    "helper-types-its-response-as-json": (
        """
        def sync_response(results, headers):
            response = make_response(json.dumps(results), headers)
            response.headers["Content-Type"] = "application/json; charset=utf-8"
            return response

        @web.route("/sync")
        def sync():
            return sync_response({"items": request.args.getlist("item")}, {})
        """,
        """
        def html_sync_response(results, headers):
            response = make_response(json.dumps(results), headers)
            response.headers["Content-Type"] = "text/html; charset=utf-8"
            return response

        @web.route("/sync")
        def sync():
            return html_sync_response({"items": request.args.getlist("item")}, {})
        """,
    ),
    "helper-sends-an-image": (
        """
        def cover_image(data):
            if not data:
                return redirect(url_for("static", filename="generic_cover.jpg"))
            return Response(data, mimetype="image/jpeg")

        @web.route("/cover")
        def cover():
            return cover_image(request.args["data"].encode())
        """,
        """
        def vector_image(data):
            if not data:
                return redirect(url_for("static", filename="generic_cover.jpg"))
            return Response(data, mimetype="image/svg+xml")

        @web.route("/cover")
        def cover():
            return vector_image(request.args["data"].encode())
        """,
    ),
    "helper-returns-fixed-text": (
        """
        def commit_changes(message):
            log.info(message)
            return ""

        @web.route("/domain", methods=["POST"])
        def domain():
            return commit_changes("Domain edited {}".format(request.form["domain"]))
        """,
        """
        def commit_and_echo(message):
            log.info(message)
            return message

        @web.route("/domain", methods=["POST"])
        def domain():
            return commit_and_echo("Domain edited {}".format(request.form["domain"]))
        """,
    ),
    "helper-tuple-item-is-a-response": (
        """
        def checked_upload(upload):
            if not upload.filename.endswith(".epub"):
                return None, make_response(jsonify(location=url_for("web.index")))
            return store_upload(upload), None

        @web.route("/upload", methods=["POST"])
        def upload():
            for requested in request.files.getlist("book"):
                meta, error = checked_upload(requested)
                if error:
                    return error
                error = describe_failure(meta, request.form["note"])
                if error:
                    log.warning(error)
            return redirect(url_for("web.index"))
        """,
        """
        def echoed_upload(upload):
            if not upload.filename.endswith(".epub"):
                return None, "<p>Not an epub: " + upload.filename + "</p>"
            return store_upload(upload), None

        @web.route("/upload", methods=["POST"])
        def upload():
            for requested in request.files.getlist("book"):
                meta, error = echoed_upload(requested)
                if error:
                    return error
            return redirect(url_for("web.index"))
        """,
    ),
    "name-returned-where-tested-empty": (
        """
        @web.route("/read", methods=["POST"])
        def toggle_read():
            message = set_read_status(request.form["book"])
            if message:
                log.error(message)
            else:
                return message
            return redirect(url_for("web.index"))
        """,
        """
        @web.route("/read", methods=["POST"])
        def toggle_read():
            message = set_read_status(request.form["book"])
            if not message:
                log.info("read status set")
            else:
                return message
            return redirect(url_for("web.index"))
        """,
    ),
    "text-of-a-number-url-parameter": (
        """
        @web.route("/shelf/add/<int:shelf_id>/<int:book_id>", methods=["POST"])
        def add_to_shelf(shelf_id, book_id):
            if not book_exists(book_id):
                return "%s is an invalid book id" % book_id, 400
            return f"Book {book_id} added to shelf {shelf_id}"
        """,
        """
        @web.route("/shelf/add/<int:shelf_id>/<book_id>", methods=["POST"])
        def add_to_shelf(shelf_id, book_id):
            if not book_exists(book_id):
                return "%s is an invalid book id" % book_id, 400
            return f"Book {book_id} added to shelf {shelf_id}"
        """,
    ),
    "view-reads-only-a-json-body": (
        """
        @web.route("/ajax/selected", methods=["POST"])
        def selected_books():
            data = request.get_json()
            return json.dumps({"books": data["selections"], "note": request.json["note"]})
        """,
        """
        @web.route("/ajax/selected", methods=["POST"])
        def selected_books():
            data = request.get_json(force=True)
            return json.dumps({"books": data["selections"], "note": request.json["note"]})
        """,
    ),
    "json-body-view-with-a-number-url-variable": (
        """
        @web.route("/ajax/shelf/<int:shelf_id>", methods=["POST"])
        def rename_shelf(shelf_id):
            name = request.get_json(silent=True)["name"]
            return "Shelf %s renamed to %s" % (shelf_id, name)
        """,
        """
        @web.route("/ajax/shelf/<int:shelf_id>", methods=["POST"])
        def rename_shelf(shelf_id):
            name = request.get_json(silent=True)["name"]
            return "Shelf %s renamed to %s by %s" % (shelf_id, name, request.args["by"])
        """,
    ),
    "helper-return-guarded-by-a-flag-the-call-leaves-false": (
        """
        def book_list(page, as_data=False):
            entries = "<li>" + page + "</li>"
            if as_data:
                return entries
            return render_template("books.html", entries=entries)

        def listing(kind, page):
            if kind == "read":
                return book_list(page)
            return book_list(page, as_data=None)

        @web.route("/books/<kind>")
        def books(kind):
            return listing(kind, request.args["page"])
        """,
        """
        def book_rows(page, as_data=False):
            entries = "<li>" + page + "</li>"
            if as_data:
                return entries
            return render_template("books.html", entries=entries)

        def rows_listing(kind, page):
            if kind == "read":
                return book_rows(page)
            return book_rows(page, kind == "raw")

        @web.route("/books/<kind>")
        def books(kind):
            return rows_listing(kind, request.args["page"])
        """,
    ),
    "helper-returns-a-translated-literal": (
        """
        from flask_babel import gettext as _

        def mark_read(book_id):
            if not book_id.isdigit():
                return _("Book not found")
            return ""

        @web.route("/read", methods=["POST"])
        def toggle():
            message = mark_read(request.form["id"])
            if message:
                return message, 400
            return _("Parameter not found"), 400
        """,
        """
        from flask_babel import gettext as _

        def mark_read_echo(book_id):
            if not book_id.isdigit():
                return _("Book %s not found") % book_id
            return ""

        @web.route("/read", methods=["POST"])
        def toggle():
            message = mark_read_echo(request.form["id"])
            if message:
                return message, 400
            return _("Parameter not found"), 400
        """,
    ),
    "markup-undone-at-once": (
        """
        @web.route("/comment", methods=["POST"])
        def comment():
            store_comment(Markup(request.form["comment"]).unescape())
            return redirect(url_for("web.index"))
        """,
        """
        @web.route("/comment", methods=["POST"])
        def comment():
            store_comment(Markup(request.form["comment"]))
            return redirect(url_for("web.index"))
        """,
    ),
    "markup-undone-then-returned": (
        """
        @web.route("/preview", methods=["POST"])
        def preview():
            text = Markup(request.form["comment"]).striptags()
            store_comment(text)
            return redirect(url_for("web.index"))
        """,
        """
        @web.route("/preview", methods=["POST"])
        def preview():
            return Markup(request.form["comment"]).striptags()
        """,
    ),
}


@pytest.fixture(scope="module")
def xss_findings():
    return twin_findings(TWINS, HEADER, RULE, "import logging\nlog = logging.getLogger(__name__)\n")


@pytest.mark.parametrize("name", TWINS)
def test_the_safe_twin_is_reported_at_low_confidence_with_why(xss_findings, name):
    assert_low_with_why(xss_findings[twin_path(name, "safe")])


@pytest.mark.parametrize("name", TWINS)
def test_the_unsafe_twin_blocks(xss_findings, name):
    assert_blocks(xss_findings[twin_path(name, "unsafe")])
