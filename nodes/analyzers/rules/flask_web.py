# Rule tests for flask_web.yaml (run by tests/analyzers/test_rules.py via semgrep --test).
import io
import json
import os
import pathlib
import secrets
import urllib.parse

import flask
from flask import (Flask, Markup, abort, escape, make_response, redirect, render_template,
                   render_template_string, request, send_file, send_from_directory, session,
                   url_for)
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from werkzeug.utils import secure_filename

import validators

TIMEZONES = {"UTC", "Europe/Berlin"}
app = Flask(__name__)
BASE = pathlib.Path("/srv/files")


@app.route("/read")
def read():
    name = request.args["name"]
    # ruleid: devsecbots.flask.path-traversal
    with open(os.path.join("/srv/files", name)) as handle:
        data = handle.read()
    # ruleid: devsecbots.flask.path-traversal
    send_file("/srv/files/" + name)
    # ok: devsecbots.flask.path-traversal
    send_from_directory("/srv/files", name)
    # ok: devsecbots.flask.path-traversal
    open(os.path.join("/srv/files", secure_filename(name)))
    target = BASE / name
    # ruleid: devsecbots.flask.path-traversal
    target.read_text()
    return escape(data)


@app.route("/read-checked")
def read_checked():
    name = request.args["name"]
    path = (BASE / name).resolve()
    if not str(path).startswith(str(BASE)):
        abort(404)
    # ok: devsecbots.flask.path-traversal
    return escape(path.read_text())


@app.route("/read-dots")
def read_dots():
    name = request.args["name"]
    if ".." in name or name.startswith("/"):
        abort(400)
    # ok: devsecbots.flask.path-traversal
    return escape(open(f"/srv/files/{name}").read())


@app.route("/watch/<uuid>/files")
def watch_files(uuid):
    # the request value only selects an existing record: its own fields are the app's data
    watch = datastore.data["watching"].get(uuid)
    # ok: devsecbots.flask.path-traversal
    data = open(os.path.join(watch.data_dir, "watch.json")).read()
    watching = datastore.data["watching"]
    other = watching[request.args["other"]]
    # ok: devsecbots.flask.path-traversal
    data += open(os.path.join(other.data_dir, "watch.json")).read()
    book = Book.query.get(request.args["id"])
    # ok: devsecbots.flask.path-traversal
    data += open(os.path.join("/srv/books", book.path)).read()
    row = Book.query.filter_by(id=request.args["id"]).first()
    # ok: devsecbots.flask.path-traversal
    data += open(os.path.join("/srv/books", row.path)).read()
    # ruleid: devsecbots.flask.path-traversal
    data += open(os.path.join(watch.data_dir, uuid)).read()
    # ruleid: devsecbots.flask.path-traversal
    data += open(os.path.join("/srv", request.args.get("name"))).read()
    body = request.get_json()
    # ruleid: devsecbots.flask.path-traversal
    data += open(os.path.join("/srv", body["files"].get("name"))).read()
    name = request.args["name"]
    # ruleid: devsecbots.flask.path-traversal
    data += open(CONFIG["aliases"].get(name, name)).read()
    return escape(data)


@app.route("/books/<int:book_id>/<book_format>")
def serve_book(book_id, book_format):
    # records a project getter looks up by the request's key: their fields are stored values
    book = library.get_book(book_id)
    data = library.get_book_format(book_id, book_format.upper())
    text = ""
    if book_format.upper() == "TXT":
        # ok: devsecbots.flask.path-traversal
        text = open(os.path.join("/srv/books", book.path, data.name + "." + book_format)).read()
    # ruleid: devsecbots.flask.path-traversal
    text += open(os.path.join("/srv/books", book.path, data.name + "." + book_format)).read()
    if book_format == "txt":
        pass
    else:
        # ruleid: devsecbots.flask.path-traversal
        text += open(os.path.join("/srv/books", book_format)).read()
    path = library.get_path(request.args["name"])
    # ruleid: devsecbots.flask.path-traversal
    text += open(path).read()
    return escape(text)


@app.route("/books/merge", methods=["POST"])
def merge_books():
    ids = request.get_json().get("ids")
    merged = ""
    for book_id in ids:
        book = library.get_book(book_id)
        for entry in book.data:
            # ok: devsecbots.flask.path-traversal
            merged += open(os.path.join("/srv/books", book.path, entry.name + "." + entry.format)).read()
        # ruleid: devsecbots.flask.path-traversal
        merged += open(os.path.join("/srv/books", book_id)).read()
    return escape(merged)


@app.route("/upload", methods=["POST"])
def upload():
    upload = request.files["file"]
    # ruleid: devsecbots.flask.upload-unsanitised-filename
    upload.save(os.path.join("/srv/uploads", upload.filename))
    filename = secure_filename(upload.filename)
    # ok: devsecbots.flask.upload-unsanitised-filename
    upload.save(os.path.join("/srv/uploads", filename))
    return redirect(url_for("read", name=filename))


@app.route("/imports", methods=["POST"])
def import_timeline():
    upload = request.files["file"]
    extension = os.path.splitext(upload.filename or "")[1]
    path = os.path.join("/srv/tmp", "import-" + str(os.getpid()) + extension)
    # ok: devsecbots.flask.upload-unsanitised-filename
    upload.save(path)
    # ok: devsecbots.flask.path-traversal
    os.remove(path)
    stem = os.path.splitext(upload.filename)[0]
    # ruleid: devsecbots.flask.upload-unsanitised-filename
    upload.save(os.path.join("/srv/tmp", stem + extension))
    return "ok"


@app.route("/bills/<int:bill_id>", methods=["POST"])
def edit_bill(bill_id):
    form = BillForm()
    # ok: devsecbots.flask.upload-unsanitised-filename
    form.save(Bill.query.get(bill_id), request.form["project"])
    for photo in request.files.getlist("photos"):
        # ruleid: devsecbots.flask.upload-unsanitised-filename
        photo.save(os.path.join("/srv/uploads", photo.filename))
    return redirect(url_for("read", name=bill_id))


@app.route("/go")
def go():
    target = request.args.get("next", "/")
    if request.args.get("self"):
        # ok: devsecbots.flask.open-redirect
        return redirect(request.url)
    if request.args.get("home"):
        # ok: devsecbots.flask.open-redirect
        return redirect(url_for("read"))
    # ruleid: devsecbots.flask.open-redirect
    return redirect(target)


@app.route("/go-checked")
def go_checked():
    target = request.args.get("next", "/")
    parsed = urllib.parse.urlparse(target)
    if parsed.netloc not in ("", "example.org"):
        abort(400)
    # ok: devsecbots.flask.open-redirect
    return redirect(target)


def is_safe_url(target):
    return urllib.parse.urlsplit(target).netloc in ("", "example.org")


@app.route("/go-guarded")
def go_guarded():
    target = request.args.get("next")
    if target and is_safe_url(target):
        # ok: devsecbots.flask.open-redirect
        return redirect(target)
    return redirect(url_for("read"))


@app.route("/go-negated")
def go_negated():
    target = request.args.get("next")
    if not is_safe_url(target):
        print("unsafe target")
    # ruleid: devsecbots.flask.open-redirect
    return redirect(target)


@app.route("/go-inline")
def go_inline():
    if request.args.get("next") and validators.is_safe_url(request.args.get("next")):
        # ok: devsecbots.flask.open-redirect
        return redirect(request.args.get("next"))
    # ruleid: devsecbots.flask.open-redirect
    return redirect(request.args.get("next"))


@app.route("/go-else")
def go_else():
    target = request.args.get("next")
    if is_safe_url(target):
        print("safe")
    else:
        # ruleid: devsecbots.flask.open-redirect
        return redirect(target)
    return "ok"


@app.route("/saml/login")
def saml_login():
    auth = saml.init_saml_auth(saml.prepare_flask_request(request))
    if request.args.get("sso"):
        # ok: devsecbots.flask.open-redirect
        return redirect(auth.login(return_to=request.args.get("next")))
    if request.args.get("direct"):
        direct = OneLogin_Saml2_Auth(saml.prepare_flask_request(request))
        # ok: devsecbots.flask.open-redirect
        return redirect(direct.login())
    # ruleid: devsecbots.flask.open-redirect
    return redirect(auth.redirect_to(request.args.get("next")))


@app.route("/saml/sls")
def saml_sls():
    auth = saml.init_saml_auth(saml.prepare_flask_request(request))
    url = auth.process_slo()
    if url is not None:
        # ok: devsecbots.flask.open-redirect
        return redirect(url)
    if request.args.get("slo"):
        # ok: devsecbots.flask.open-redirect
        return redirect(auth.logout(name_id=session["name_id"], session_index=session["index"]))
    client = sso.Client(request.args.get("next"))
    # ruleid: devsecbots.flask.open-redirect
    return redirect(client.login(request.args.get("next")))


@app.route("/saml/metadata")
def saml_metadata():
    settings = saml.init_saml_auth(saml.prepare_flask_request(request)).get_settings()
    metadata = settings.get_sp_metadata()
    errors = settings.validate_metadata(metadata)
    if errors:
        # ok: devsecbots.flask.xss
        return make_response(", ".join(errors), 500)
    if request.args.get("echo"):
        # ruleid: devsecbots.flask.xss
        return make_response(metadata + request.args["echo"], 200)
    # ok: devsecbots.flask.xss
    resp = make_response(metadata, 200)
    resp.headers["Content-Type"] = "text/xml"
    return resp


@app.route("/go-exit")
def go_exit():
    target = request.args.get("next")
    if not is_safe_url(target):
        abort(400)
    # ok: devsecbots.flask.open-redirect
    return redirect(target)


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    style = request.args.get("style")
    if style == "plain":
        # ruleid: devsecbots.flask.xss
        return f"<h1>Hello {name}</h1>"
    if style == "markup":
        # ruleid: devsecbots.flask.xss
        return Markup("<b>" + name + "</b>")
    if style == "escaped":
        # ok: devsecbots.flask.xss
        return f"<h1>Hello {escape(name)}</h1>"
    if style == "template":
        # ok: devsecbots.flask.xss
        return render_template("hello.html", name=name)
    if style == "header":
        # ok: devsecbots.flask.xss
        return make_response(("saved", {"X-Name": name}))
    # ruleid: devsecbots.flask.xss
    return make_response("<p>" + name + "</p>")


@app.route("/greet")
def greet():
    name = request.args.get("name", "")
    # ruleid: devsecbots.flask.template-injection
    return render_template_string("<h1>Hello " + name + "</h1>")


@app.route("/greet-safe")
def greet_safe():
    name = request.args.get("name", "")
    # ok: devsecbots.flask.template-injection, devsecbots.flask.xss
    return render_template_string("<h1>Hello {{ name }}</h1>", name=name)


@app.route("/remember", methods=["POST"])
def remember():
    user = request.form["user"]
    # ruleid: devsecbots.flask.trust-boundary-violation
    session["user"] = user
    # ruleid: devsecbots.flask.trust-boundary-violation
    flask.session[user] = "1"
    # ok: devsecbots.flask.trust-boundary-violation
    session["visits"] = int(request.form["visits"])
    return "ok"


@app.route("/timezone", methods=["POST"])
def remember_timezone():
    zone = request.data.decode()
    if zone != "" and zone in TIMEZONES:
        # ok: devsecbots.flask.trust-boundary-violation
        session["timezone"] = zone
    else:
        session["timezone"] = "UTC"
    # ruleid: devsecbots.flask.trust-boundary-violation
    session["timezone_asked"] = zone
    if zone in TIMEZONES:
        session["zone"] = "checked"
    else:
        # ruleid: devsecbots.flask.trust-boundary-violation
        session["zone"] = zone
    return "ok"


@app.route("/tags")
def matching_tags():
    title = request.args.get("title", "")
    q = db.session.query(Book).filter(Book.title.ilike("%" + title + "%"))
    for tag in request.args.getlist("tag"):
        q = q.filter(Book.tags.any(Tag.id == tag))
    ids = [t.id for book in q for t in book.tags]
    if request.args.get("echo"):
        # ruleid: devsecbots.flask.xss
        return json.dumps({"ids": ids, "title": title})
    if request.args.get("censored"):
        # ruleid: devsecbots.flask.xss
        return censor.filter(title)
    # ok: devsecbots.flask.xss
    return json.dumps({"ids": ids, "first": Book.query.filter_by(title=title).first().name})


@app.route("/api/echo")
def api_echo():
    name = request.args.get("name", "")
    # ok: devsecbots.flask.xss
    return flask.Response(json.dumps({"name": name}), mimetype="application/json")


@app.route("/plain")
def plain():
    name = request.args.get("name", "")
    response = make_response(f"Hello {name}")
    response.mimetype = "text/plain"
    # ok: devsecbots.flask.xss
    return response


@app.route("/still-html")
def still_html():
    name = request.args.get("name", "")
    # ruleid: devsecbots.flask.xss
    response = make_response(f"Hello {name}")
    response.headers["X-Frame-Options"] = "DENY"
    return response


@app.route("/plugin/<plugin_name>")
def plugin(plugin_name):
    if plugin_name in os.listdir("/srv/plugins"):
        path = os.path.join("/srv/plugins", plugin_name, "config.html")
        # ok: devsecbots.flask.path-traversal
        source = open(path).read()
        # ok: devsecbots.flask.template-injection
        return render_template_string(source)
    abort(404)


@app.route("/plugin-nested/<plugin_name>", methods=["GET", "POST"])
def plugin_nested(plugin_name):
    if request.method == "GET":
        if plugin_name in os.listdir("/srv/plugins"):
            # ok: devsecbots.flask.template-injection
            return render_template_string(open(os.path.join("/srv/plugins", plugin_name)).read())
        abort(404)
    elif request.method == "POST":
        return "saved"
    return "ok"


@app.route("/plugin-else/<plugin_name>")
def plugin_else(plugin_name):
    if plugin_name in os.listdir("/srv/plugins"):
        return "known"
    else:
        # ruleid: devsecbots.flask.path-traversal
        return escape(open(os.path.join("/srv/uploads", plugin_name)).read())


@app.route("/plugin-any/<plugin_name>")
def plugin_any(plugin_name):
    if plugin_name in os.listdir("/srv/plugins") or plugin_name.endswith(".html"):
        # ruleid: devsecbots.flask.path-traversal
        source = open(os.path.join("/srv/plugins", plugin_name)).read()
        return escape(source)
    # ruleid: devsecbots.flask.path-traversal
    return escape(open(os.path.join("/srv/plugins", plugin_name)).read())


@app.route("/export/<table>")
def export(table):
    buffer = io.BytesIO()
    buffer.write(dump(table).encode())
    buffer.seek(0)
    # ok: devsecbots.flask.path-traversal
    send_file(buffer, mimetype="text/csv")
    # ok: devsecbots.flask.path-traversal
    return send_file(io.BytesIO(dump(table).encode()), mimetype="text/csv")


@app.route("/joined/<name>")
def joined(name):
    # ruleid: devsecbots.flask.path-traversal
    return send_file(os.path.join("/srv/uploads", name))


@app.before_request
def upgrade_to_https():
    if not request.is_secure:
        # ok: devsecbots.flask.open-redirect
        return redirect(request.url.replace("http://", "https://", 1), code=301)
    return None


def mail_reset_link(user, token):
    link = request.referrer + "reset/" + token
    # ruleid: devsecbots.flask.host-header-link-in-mail
    mailer.send_email(user.email, "Reset your password", body=f"Open {link}")


def mail_confirmation(user):
    token = secrets.token_urlsafe(32)
    url = f"{request.host_url}confirm?code={token}"
    text = "Confirm your address: {url}".format(url=url)
    # ruleid: devsecbots.flask.host-header-link-in-mail
    send_mail(user.email, text)


def mail_forwarded_host(user):
    host = request.headers.get("X-Forwarded-Host", "")
    # ruleid: devsecbots.flask.host-header-link-in-mail
    mail.send(Message("Reset", [user.email], body=f"https://{host}/reset/{user.reset_token}"))


def mail_configured_base(user, token):
    link = app.config["BASE_URL"] + "/reset/" + token
    # ok: devsecbots.flask.host-header-link-in-mail
    mailer.send_email(user.email, "Reset your password", body=f"Open {link}")


def mail_without_token(user):
    # ok: devsecbots.flask.host-header-link-in-mail
    mailer.send_email(user.email, "Welcome", body=f"Visit us at {request.host_url}")


def mail_checked_host(user, token):
    host = request.host
    if host not in app.config["ALLOWED_HOSTS"]:
        abort(400)
    # ok: devsecbots.flask.host-header-link-in-mail
    mailer.send_email(user.email, "Reset", body=f"https://{host}/reset/{token}")


def reply_with_token(token):
    # ok: devsecbots.flask.host-header-link-in-mail
    return send_file(io.BytesIO(f"{request.host_url}{token}".encode()), mimetype="text/plain")
