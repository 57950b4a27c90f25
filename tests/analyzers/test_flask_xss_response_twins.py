"""Flask XSS where the response is not HTML: a helper called under an imported alias, a response
typed passive or sent as an attachment after it is made. The safe twin is reported at low
confidence with the reason; its unsafe sibling (same shape, one path serving request data as a
page, or a type the request chooses) still blocks."""

from __future__ import annotations

import pytest

from .helpers import assert_blocks, assert_low_with_why, twin_findings, twin_path

RULE = "devsecbots.flask.xss"
HEADER = """\
import json
import mimetypes
from flask import Blueprint, Response, abort, make_response, redirect, render_template, request
from flask import send_file, send_from_directory, url_for
from werkzeug.datastructures import Headers

web = Blueprint("web", __name__)
"""

# name -> (safe body, unsafe body); each twin names its own helpers (they are read project-wide)
TWINS: dict[str, tuple[str, str]] = {
    "helper-called-under-an-imported-alias": (
        """
        def extraction_form(watch, text):
            if not watch:
                return redirect(url_for("web.index"))
            return render_template("extract.html", text=text)

        @web.route("/extract/<uuid>")
        def extract(uuid):
            from app.helper_called_under_an_imported_alias_safe import (
                extraction_form as default_form,
            )
            return default_form(uuid, request.args["text"])
        """,
        """
        def extraction_echo(watch, text):
            if not watch:
                return redirect(url_for("web.index"))
            return make_response("<p>" + text + "</p>")

        @web.route("/extract/<uuid>")
        def extract(uuid):
            from app.helper_called_under_an_imported_alias_unsafe import (
                extraction_echo as default_form,
            )
            return default_form(uuid, request.args["text"])
        """,
    ),
    "response-typed-as-a-spreadsheet-after-it-is-made": (
        """
        @web.route("/export")
        def export():
            data = request.args["rows"].encode()
            resp = make_response(data)
            resp.headers["Content-Type"] = (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            return resp
        """,
        """
        @web.route("/export")
        def export():
            data = request.args["rows"].encode()
            resp = make_response(data)
            resp.headers["Content-Type"] = request.args.get("type", "text/plain")
            return resp
        """,
    ),
    "response-typed-in-the-block-that-makes-it": (
        """
        @web.route("/export-pdf")
        def export_pdf():
            if request.args.get("pdf"):
                resp = make_response(request.args["rows"])
                resp.headers["Content-Type"] = "application/pdf"
                return resp
            return render_template("rows.html")
        """,
        """
        @web.route("/export-pdf")
        def export_pdf():
            resp = make_response(request.args["rows"])
            if request.args.get("pdf"):
                resp.headers["Content-Type"] = "application/pdf"
            return resp
        """,
    ),
    "response-sent-as-an-attachment": (
        """
        @web.route("/download")
        def download():
            name = request.args["name"]
            resp = make_response(request.args["rows"])
            resp.headers["Content-Disposition"] = f'attachment; filename="{name}.txt"'
            return resp
        """,
        """
        @web.route("/download")
        def download():
            name = request.args["name"]
            resp = make_response(request.args["rows"])
            resp.headers["Content-Disposition"] = f'inline; filename="{name}.txt"'
            return resp
        """,
    ),
    "response-typed-json-with-a-charset": (
        """
        @web.route("/steps", methods=["GET"])
        def steps():
            body = json.dumps({"step": request.args["step"]})
            response = Response(body, mimetype="application/json; charset=UTF-8")
            return response
        """,
        """
        @web.route("/steps", methods=["GET"])
        def steps():
            body = json.dumps({"step": request.args["step"]})
            response = Response(body, mimetype="text/html; charset=UTF-8")
            return response
        """,
    ),
    "helper-every-path-typed-or-rendered": (
        """
        def csv_or_form(rows, as_csv):
            if as_csv:
                resp = make_response(rows)
                resp.headers["Content-type"] = "text/csv"
                return resp
            return render_template("rows.html", rows=rows)

        @web.route("/rows")
        def rows():
            return csv_or_form(request.args["rows"], request.args.get("csv"))
        """,
        """
        def csv_or_page(rows, as_csv):
            if as_csv:
                resp = make_response(rows)
                resp.headers["Content-type"] = "text/csv"
                return resp
            return make_response(rows)

        @web.route("/rows")
        def rows():
            return csv_or_page(request.args["rows"], request.args.get("csv"))
        """,
    ),
    "attachment-headers-handed-down-to-the-response": (
        """
        CONVERTERS = {"raw": bytes}

        def stream_file(source, headers, convert=False):
            return Response(CONVERTERS["raw"](source), headers=headers)

        def send_book(book, fmt, headers):
            if book.remote:
                return stream_file(book.remote, headers)
            headers["Content-Disposition"] = headers["Content-Disposition"].replace(
                ".kepub", ".kepub.epub"
            )
            return make_response(
                send_from_directory(book.folder, book.name + "." + fmt, as_attachment=True)
            )

        def download_link(book, fmt):
            headers = Headers()
            headers["Content-Type"] = mimetypes.types_map.get("." + fmt, "text/plain")
            headers["Content-Disposition"] = "attachment; filename={}.{}".format(book.title, fmt)
            return send_book(book, fmt, headers)

        @web.route("/download/<book>/<fmt>")
        def download(book, fmt):
            return download_link(book, fmt)
        """,
        """
        def stream_inline(source, headers, convert=False):
            return Response(source, headers=headers)

        def show_book(book, fmt, headers):
            if book.remote:
                return stream_inline(book.remote, headers)
            return make_response(send_from_directory(book.folder, book.name + "." + fmt))

        def inline_link(book, fmt):
            headers = Headers()
            headers["Content-Type"] = mimetypes.types_map.get("." + fmt, "text/plain")
            headers["Content-Disposition"] = "inline; filename={}.{}".format(book.title, fmt)
            return show_book(book, fmt, headers)

        @web.route("/download/<book>/<fmt>")
        def download(book, fmt):
            return inline_link(book, fmt)
        """,
    ),
    "helper-types-its-response-from-a-parameter": (
        """
        def image_response(data, kind):
            resp = make_response(data)
            resp.mimetype = "image/png"
            return resp

        @web.route("/asset")
        def asset():
            return image_response(request.args["data"], request.args["type"])
        """,
        """
        def typed_response(data, kind):
            resp = make_response(data)
            resp.mimetype = kind
            return resp

        @web.route("/asset")
        def asset():
            return typed_response(request.args["data"], request.args["type"])
        """,
    ),
    "helper-sends-a-file-the-server-named": (
        """
        CACHE_DIR = "cache/thumbnails"

        def book_thumbnail(book_id):
            thumbnail = find_thumbnail(book_id)
            if thumbnail:
                return send_from_directory(CACHE_DIR, thumbnail.filename)
            return send_from_directory("static", "generic_cover.jpg")

        @web.route("/cover")
        def cover():
            return book_thumbnail(request.args["id"])
        """,
        """
        CACHE_DIR = "cache/thumbnails"

        def cached_file(name):
            path = name
            return send_from_directory(CACHE_DIR, path)

        @web.route("/cover")
        def cover():
            return cached_file(request.args["name"])
        """,
    ),
    "helper-sends-a-stored-upload-by-its-record": (
        """
        def stored_upload_download(file_id):
            record = find_upload(file_id)
            return send_from_directory("uploads", record.filename, as_attachment=True)

        @web.route("/file")
        def file():
            return stored_upload_download(request.args["id"])
        """,
        """
        def stored_upload_inline(file_id):
            record = find_upload(file_id)
            return send_from_directory("uploads", record.filename)

        @web.route("/file")
        def file():
            return stored_upload_inline(request.args["id"])
        """,
    ),
    "helper-sends-a-record-with-a-type-guessed-from-its-name": (
        """
        def record_bytes(record_id):
            record = find_record(record_id)
            return send_file(record.path, mimetype="application/octet-stream")

        @web.route("/record")
        def record():
            return record_bytes(request.args["id"])
        """,
        """
        def record_guessed(record_id):
            record = find_record(record_id)
            return send_file(record.path, mimetype=mimetypes.guess_type(record.name)[0])

        @web.route("/record")
        def record():
            return record_guessed(request.args["id"])
        """,
    ),
    "helper-types-its-response-from-a-constant-word": (
        """
        def pack_response(kind, data):
            resp = make_response(data)
            resp.mimetype = f"application/x-git-{kind}-pack-result"
            return resp

        def upload_pack(data):
            return pack_response("upload", data)

        @web.route("/pack", methods=["POST"])
        def pack():
            return upload_pack(request.args["data"])
        """,
        """
        def pack_typed(kind, data):
            resp = make_response(data)
            resp.mimetype = f"application/x-git-{kind}-pack-result"
            return resp

        @web.route("/pack", methods=["POST"])
        def pack():
            return pack_typed(request.args["kind"], request.args["data"])
        """,
    ),
    "helper-types-its-response-from-an-allow-listed-word": (
        """
        def advertise(service, data):
            if service not in ["git-upload-pack", "git-receive-pack"]:
                return "unknown service", 400
            resp = make_response(data)
            resp.mimetype = f"application/x-{service}-advertisement"
            return resp

        @web.route("/refs")
        def refs():
            return advertise(request.args["service"], request.args["data"])
        """,
        """
        def advertise_any(service, data):
            resp = make_response(data)
            resp.mimetype = f"application/x-{service}-advertisement"
            return resp

        @web.route("/refs")
        def refs():
            return advertise_any(request.args["service"], request.args["data"])
        """,
    ),
    "helper-sends-a-name-the-caller-pinned-to-a-png": (
        """
        class ShareCard:
            def card_asset(self, path):
                return send_from_directory("/tmp/cards", path)

        @web.route("/share/<path>")
        def share_card(path):
            card = ShareCard()
            if path != card.token + ".png":
                abort(404)
            return card.card_asset(path)
        """,
        """
        class ShareImage:
            def image(self, path):
                return send_from_directory("/tmp/cards", path)

        @web.route("/share/<path>")
        def share_image(path):
            card = ShareImage()
            if path != card.token + ".html":
                abort(404)
            return card.image(path)
        """,
    ),
    "attachment-headers-copied-onto-the-response-in-a-loop": (
        """
        def send_copy(book, fmt, headers):
            response = make_response(send_from_directory(book.folder, book.name + "." + fmt))
            for element in headers:
                response.headers[element[0]] = element[1]
            return response

        def copy_link(book, fmt):
            headers = Headers()
            headers["Content-Disposition"] = "attachment; filename={}.{}".format(book.title, fmt)
            return send_copy(book, fmt, headers)

        @web.route("/copy/<book>/<fmt>")
        def copy(book, fmt):
            return copy_link(book, fmt)
        """,
        """
        def send_inline_copy(book, fmt, headers):
            response = make_response(send_from_directory(book.folder, book.name + "." + fmt))
            for element in headers:
                response.headers[element[0]] = element[1]
            return response

        def inline_copy_link(book, fmt):
            headers = Headers()
            headers["Content-Disposition"] = "inline; filename={}.{}".format(book.title, fmt)
            return send_inline_copy(book, fmt, headers)

        @web.route("/copy/<book>/<fmt>")
        def copy(book, fmt):
            return inline_copy_link(book, fmt)
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
