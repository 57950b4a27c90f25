"""False-positive patterns seen on real projects, each as a twin: the safe code must not block,
its unsafe sibling must (the engine's findings under the run's default policy)."""

from __future__ import annotations

import textwrap

import pytest
from devsecbots.graphs.context import Context
from devsecbots.nodes.analyzers import analyze
from devsecbots.nodes.analyzers.dedup import weakness_key
from devsecbots.nodes.policy import apply_run_policy, is_blocking

FLASK = """\
import hashlib, io, os, random, subprocess, urllib.request
from flask import (Flask, abort, make_response, redirect, render_template,
                   render_template_string, request, send_file, url_for)
from markupsafe import Markup, escape
from sqlalchemy import select, text
app = Flask(__name__)
"""

# A decorator authenticating the request by a token header and logging its user in. The views
# of these gates take form posts: a JSON-only or DELETE-only view is out of a forger's reach
# whatever authenticates it (preflighted_views.py).
TOKEN_GATE = """
        from functools import wraps
        from flask import Blueprint, g
        from flask_login import current_user, login_user
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)
        device = Blueprint("device", __name__)

        def requires_device_token(f):
            @wraps(f)
            def inner(*args, **kwargs):
                token = request.headers.get("X-Device-Token")
                if token is not None:
                    user = User.query.filter(User.device_token == token).first()
                    if user is not None:
                        login_user(user)
                        return f(*args, **kwargs)
                return abort(401)
            return inner

        @csrf.exempt
        @device.route("/v1/shelves", methods=["POST"])
        @requires_device_token
        def create_shelf():
            db.session.add(Shelf(user_id=current_user.id, name=request.form["name"]))
            return "", 201
"""

API_KEY_GATE = """
        import base64
        from functools import wraps
        from flask import g, make_response
        from flask_login import current_user
        from flask_seasurf import SeaSurf
        csrf = SeaSurf(app)

        def key_auth(f):
            @wraps(f)
            def decorated_function(*args, **kwargs):
                auth_header = request.headers.get("X-API-KEY")
                if auth_header:
                    try:
                        g.apikey = ApiKey(key=base64.b64decode(auth_header)).validate()
                    except Exception:
                        abort(401)
                else:
                    abort(401)
                return f(*args, **kwargs)
            return decorated_function

        @app.before_request
        def maintenance():
            # only turns logged-in users away: the cookie cannot let a request through here
            if current_user.is_authenticated and Setting.get("maintenance"):
                return make_response("maintenance", 503)

        @csrf.exempt
        @app.route("/api/v1/zones/<zone>", methods=["POST", "DELETE"])
        @key_auth
        def delete_zone(zone):
            Zone.delete(zone, by=g.apikey)
            return "", 204
"""

# name -> (safe body, unsafe body, the weakness (CWE) that must block in the unsafe one)
TWINS: dict[str, tuple[str, str, str]] = {
    "sqlalchemy-expression": (
        """
        @app.route("/topics", methods=["POST"])
        def topics():
            ids = request.form.getlist("ids")
            return str(db.session.execute(select(Topic).where(Topic.id.in_(ids))).all())
        """,
        """
        @app.route("/topics", methods=["POST"])
        def topics():
            ids = request.form["ids"]
            return str(db.session.execute(text(f"SELECT * FROM topic WHERE id IN ({ids})")).all())
        """,
        "CWE-89",
    ),
    "redirect-property-configured-host": (
        """
        from django.conf import settings
        from django.http import HttpResponseRedirect

        class MailFlow:
            def __init__(self, state):
                self.state = state

            @property
            def done_url(self):
                return f"{'http://localhost:4200/' if settings.DEBUG else settings.BASE_URL}mail"

        def finish(request):
            flow = MailFlow(state=request.GET.get("state"))
            return HttpResponseRedirect(f"{flow.done_url}?ok=1&id={request.GET['id']}")
        """,
        """
        from django.conf import settings
        from django.http import HttpResponseRedirect

        class NextFlow:
            def __init__(self, state):
                self.state = state

            @property
            def done_url(self):
                return f"{self.state}mail"

        def finish(request):
            flow = NextFlow(state=request.GET.get("state"))
            return HttpResponseRedirect(f"{flow.done_url}?ok=1&id={request.GET['id']}")
        """,
        "CWE-601",
    ),
    "debug-under-the-operators-switch": (
        """
        DEBUG = os.environ.get("APP_DEBUG", "") == "1"

        def run_server(settings):
            if DEBUG or settings.get("server.debug"):
                app.debug = True
                app.run(debug=True, host="0.0.0.0", port=8888)
            else:
                app.run(host="0.0.0.0", port=8888)
        """,
        """
        DEBUG = os.environ.get("APP_DEBUG", "") == "1"

        def run_server(settings):
            if not DEBUG:
                app.run(debug=True, host="0.0.0.0", port=8888)
            if __name__ == "__main__":
                app.debug = True
        """,
        "CWE-489",
    ),
    "sql-catalog-table-names": (
        """
        import sqlite3

        def dump(path):
            cursor = sqlite3.connect(path).cursor()
            tables = cursor.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
            for table in tables:
                name = table[0]
                print(cursor.execute(f"SELECT * FROM {name};").fetchall())
        """,
        """
        import sqlite3

        @app.route("/dump")
        def dump():
            cursor = sqlite3.connect("app.db").cursor()
            name = request.args["table"]
            return str(cursor.execute(f"SELECT * FROM {name};").fetchall())
        """,
        "CWE-89",
    ),
    "sql-model-table-name": (
        """
        from django.db import connection

        def approximate_count(queryset):
            table = queryset.model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples FROM pg_class WHERE relname = '%s';"
                    % queryset.model._meta.db_table
                )
                cursor.execute(f"ANALYZE {table}")
                return int(cursor.fetchone()[0])
        """,
        """
        from django.db import connection

        def approximate_count(request, queryset):
            where = request.GET["where"]
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM %s WHERE %s;" % (queryset.model._meta.db_table, where)
                )
                return int(cursor.fetchone()[0])
        """,
        "CWE-89",
    ),
    "session-store-allow-listed": (
        """
        from flask import current_app, flash, session

        @app.route("/lang/<lang>")
        def change_lang(lang):
            if lang in current_app.config["SUPPORTED_LANGUAGES"]:
                session["lang"] = lang
            else:
                flash("unsupported language")
            return redirect(url_for("index"))

        @app.route("/role/<role>")
        def change_role(role):
            if role in current_app.config["SELF_SERVICE_ROLES"]:
                session["role"] = role
            return redirect(url_for("index"))

        @app.route("/theme")
        def change_theme():
            theme = request.args.get("theme", "light")
            if theme not in ("light", "dark"):
                abort(400)
            session["theme"] = theme
            return redirect(url_for("index"))
        """,
        """
        from flask import current_app, flash, session

        @app.route("/role/<role>")
        def change_role(role):
            if role in current_app.config["SELF_SERVICE_ROLES"]:
                flash("role changed")
            session["role"] = role
            return redirect(url_for("index"))
        """,
        "CWE-501",
    ),
    "session-store-untrusted-key": (
        """
        import json
        from flask import session
        from flask import session as flask_session

        @app.route("/search")
        def search():
            session["search_terms"] = request.args.get("q", "")
            session.setdefault("next", request.path)
            flask_session["query"] = json.dumps(dict(request.form))
            return redirect(url_for("results"))
        """,
        """
        from flask import session
        from flask import session as flask_session

        @app.route("/search")
        def search():
            session["search_terms"] = request.args.get("q", "")
            flask_session["user_id"] = request.args.get("as", "")
            return redirect(url_for("results"))
        """,
        "CWE-501",
    ),
    "redirect-safe-url-check": (
        """
        @app.route("/login")
        def login():
            target = request.args.get("next")
            if target and is_safe_url(target):
                return redirect(target)
            return redirect("/")
        """,
        """
        @app.route("/login")
        def login():
            target = request.args.get("next")
            if target:
                return redirect(target)
            return redirect("/")
        """,
        "CWE-601",
    ),
    "redirect-helper-returns-checked-url": (
        """
        def redirect_url(target):
            if target and is_safe_url(target):
                return target
            return None

        @app.route("/back")
        def back():
            return redirect(redirect_url(request.args.get("next")) or url_for("index"))

        @app.route("/login")
        def login():
            next_path = redirect_url(request.args.get("next"))
            return redirect(next_path or url_for("index"))
        """,
        """
        def next_url(target):
            return target or None

        @app.route("/back")
        def back():
            return redirect(next_url(request.args.get("next")) or url_for("index"))
        """,
        "CWE-601",
    ),
    "xss-helper-renders-template": (
        """
        def render_page(name):
            return render_template("page.html", name=name), 200

        @app.route("/page")
        def page():
            return render_page(request.args["name"])
        """,
        """
        def render_banner(name):
            return "<h1>" + name + "</h1>", 200

        @app.route("/page")
        def page():
            return render_banner(request.args["name"])
        """,
        "CWE-79",
    ),
    "xss-helper-returns-json-data": (
        """
        def to_dict(name):
            data = {"name": name, "links": []}
            return data

        @app.route("/api/user")
        def user():
            return to_dict(request.args["name"])
        """,
        """
        def to_html(name):
            html = "<p>" + name + "</p>"
            return html

        @app.route("/api/user")
        def user():
            return to_html(request.args["name"])
        """,
        "CWE-79",
    ),
    "template-from-allow-list": (
        """
        @app.route("/plugin/<name>/config")
        def plugin_config(name):
            if name in os.listdir("/srv/plugins"):
                return render_template_string(open(f"/srv/plugins/{name}/config.html").read())
            abort(404)
        """,
        """
        @app.route("/plugin/<name>/config")
        def plugin_config(name):
            return render_template_string(open(f"/srv/plugins/{name}/config.html").read())
        """,
        "CWE-1336",
    ),
    "dead-branch": (
        """
        @app.route("/echo", methods=["POST"])
        def echo():
            param = request.form["value"]
            num = 86
            if 7 * 42 - num > 200:
                bar = "constant"
            else:
                bar = param
            return subprocess.run(f"echo {bar}", shell=True, capture_output=True).stdout
        """,
        """
        @app.route("/echo", methods=["POST"])
        def echo():
            param = request.form["value"]
            num = int(request.form["num"])
            if 7 * 42 - num > 200:
                bar = "constant"
            else:
                bar = param
            return subprocess.run(f"echo {bar}", shell=True, capture_output=True).stdout
        """,
        "CWE-78",
    ),
    "send-file-in-memory": (
        """
        @app.route("/export/<name>")
        def export(name):
            buffer = io.BytesIO()
            buffer.write(dump(name).encode())
            buffer.seek(0)
            return send_file(buffer, mimetype="text/csv")
        """,
        """
        @app.route("/export/<path:name>")
        def export(name):
            return send_file(os.path.join("/srv/exports", name), mimetype="text/csv")
        """,
        "CWE-22",
    ),
    "xss-abstract-helper-is-neutral": (
        """
        class FileStore:
            def serve(self, name):
                \"\"\"A response that downloads the stored file.\"\"\"
                raise NotImplementedError

        class DiskFileStore(FileStore):
            def serve(self, name):
                return send_file(
                    os.path.join("/srv/files", os.path.basename(name)), as_attachment=True
                )

        class CloudFileStore(FileStore):
            def serve(self, name):
                return redirect(signed_url(name))

        @app.route("/files")
        def files():
            return current_store().serve(request.args["name"])
        """,
        """
        class Banner:
            def show(self, text):
                raise NotImplementedError

        class PlainBanner(Banner):
            def show(self, text):
                return render_template("banner.html", text=text)

        class RawBanner(Banner):
            def show(self, text):
                return "<div>" + text + "</div>"

        @app.route("/banner")
        def banner():
            return current_banner().show(request.args["text"])
        """,
        "CWE-79",
    ),
    "xss-helper-sends-from-directory": (
        """
        from flask import send_from_directory

        def badge_image(name):
            return send_from_directory("/srv/badges", name + ".png")

        @app.route("/badge")
        def badge():
            return badge_image(request.args["name"])
        """,
        """
        from flask import send_from_directory

        def badge_or_caption(name):
            if name.endswith(".png"):
                return send_from_directory("/srv/badges", name)
            return "<p>No badge: " + name + "</p>"

        @app.route("/badge")
        def badge():
            return badge_or_caption(request.args["name"])
        """,
        "CWE-79",
    ),
    "xss-property-renders": (
        """
        class SolveCard:
            def __init__(self, who):
                self.who = who

            @property
            def page(self):
                return render_template("card.html", who=self.who)

        CARD_KINDS = {"solve": SolveCard}

        def card_kind(kind):
            return CARD_KINDS.get(kind)

        @app.route("/card/<kind>")
        def card(kind):
            Card = card_kind(kind)
            if Card is None:
                abort(404)
            shown = Card(request.args["who"])
            return shown.page
        """,
        """
        class NoteCard:
            def __init__(self, text):
                self.text = text

            @property
            def html(self):
                return "<div>" + self.text + "</div>"

        @app.route("/note")
        def note():
            return NoteCard(request.args["text"]).html
        """,
        "CWE-79",
    ),
    "xss-property-of-the-receivers-class": (
        """
        class BaseTile:
            @property
            def markup(self):
                return render_template("tile.html", tile=self)

        class ScoreTile(BaseTile):
            def __init__(self, score):
                self.score = score

        @app.route("/tile")
        def tile():
            item = ScoreTile(request.args["score"])
            body = item.markup
            return body
        """,
        """
        class StoredTile:
            markup = ""  # a plain attribute (a model column) named as another class's property

            def __init__(self, markup):
                self.markup = markup

        @app.route("/stored-tile")
        def stored_tile():
            item = StoredTile(request.args["markup"])
            return item.markup
        """,
        "CWE-79",
    ),
    "send-file-helper-buffer": (
        """
        def export_scores():
            rows = io.StringIO()
            rows.write("name,score\\n")
            out = io.BytesIO(rows.getvalue().encode())
            return out

        def export_table(table):
            return io.BytesIO(dump(table).encode())

        EXPORTS = {"scores": export_scores, "scores-admin": lambda: export_scores()}

        def export_named(name):
            exporter = EXPORTS.get(name)
            if exporter:
                return exporter()
            return export_table(name)

        @app.route("/export")
        def export_csv():
            output = export_named(request.args["table"])
            return send_file(output, as_attachment=True, download_name="export.csv")
        """,
        """
        def export_rows():
            return io.BytesIO(b"name,score\\n")

        def export_path(name):
            return os.path.join("/srv/exports", name + ".csv")

        ROW_EXPORTS = {"rows": export_rows}

        def export_any(name):
            exporter = ROW_EXPORTS.get(name)
            if exporter:
                return exporter()
            return export_path(name)

        @app.route("/export")
        def export_csv():
            return send_file(export_any(request.args["table"]), as_attachment=True)
        """,
        "CWE-22",
    ),
    "send-file-helper-opens-a-file": (
        """
        def report_buffer(name):
            return io.BytesIO(render_report(name).encode())

        @app.route("/report")
        def report():
            return send_file(report_buffer(request.args["name"]), download_name="report.txt")
        """,
        """
        def report_file(name):
            return open(os.path.join("/srv/reports", name), "rb")

        @app.route("/report")
        def report():
            return send_file(report_file(request.args["name"]), download_name="report.txt")
        """,
        "CWE-22",
    ),
    "send-file-helper-buffers-a-file": (
        """
        def chart_png(name):
            image = io.BytesIO()
            draw_chart(name, image)
            image.seek(0)
            return image

        @app.route("/chart")
        def chart():
            return send_file(chart_png(request.args["name"]), mimetype="image/png")
        """,
        """
        def cached_png(name):
            with open(os.path.join("/srv/charts", name), "rb") as f:
                return io.BytesIO(f.read())

        @app.route("/chart")
        def chart():
            return send_file(cached_png(request.args["name"]), mimetype="image/png")
        """,
        "CWE-22",
    ),
    "path-allow-list": (
        """
        @app.route("/plugin/<name>")
        def plugin(name):
            if name in os.listdir("/srv/plugins"):
                return send_file(os.path.join("/srv/plugins", name, "logo.png"))
            abort(404)
        """,
        """
        @app.route("/plugin/<name>")
        def plugin(name):
            if name:
                return send_file(os.path.join("/srv/plugins", name, "logo.png"))
            abort(404)
        """,
        "CWE-22",
    ),
    "weak-random-identifier": (
        """
        def fake_user():
            oauth_id = random.randint(1000, 9999)
            return {"name": "demo", "oauth_id": oauth_id}
        """,
        """
        def fake_user():
            reset_token = str(random.getrandbits(64))
            return {"name": "demo", "reset_token": reset_token}
        """,
        "CWE-330",
    ),
    "weak-random-labelled-placeholder": (
        """
        import string

        class Context(dict):
            def fill_for_validation(self):
                for key in self.keys():
                    self[key] = "RANDOM-PLACEHOLDER-" + "".join(
                        random.choices(string.ascii_letters, k=12)
                    )
        """,
        """
        import string

        class Context(dict):
            def fill_for_validation(self):
                for key in self.keys():
                    self[key] = "reset-" + "".join(random.choices(string.ascii_letters, k=12))
        """,
        "CWE-330",
    ),
    "weak-random-purpose": (
        """
        ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

        def new_image_cache_key(length=4):
            return "".join(random.choices(ALPHABET, k=length))

        def refresh_avatar(user):
            user.cache_key = "".join(random.choices(ALPHABET, k=4))
        """,
        """
        ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

        def new_api_key(length=32):
            return "".join(random.choices(ALPHABET, k=length))

        def refresh_cache(user):
            user.session_key = "".join(random.choices(ALPHABET, k=32))
        """,
        "CWE-330",
    ),
    "weak-random-sent-to-another-site": (
        """
        import requests

        def search(query):
            client_nonce = "".join(random.choices("abcdef0123456789", k=32))
            return requests.get(
                "https://api.example.com/search",
                params={"q": query},
                headers={"X-Client-Nonce": client_nonce},
            ).json()
        """,
        """
        import requests

        @app.route("/search")
        def search():
            client_nonce = "".join(random.choices("abcdef0123456789", k=32))
            requests.get("https://api.example.com/search", headers={"X-Client-Nonce": client_nonce})
            return render_template("search.html", client_nonce=client_nonce)
        """,
        "CWE-330",
    ),
    "weak-hash-fingerprint": (
        """
        def cache_key(args):
            return hashlib.md5(str(sorted(args)).encode()).hexdigest()

        def hash_file(fp):
            digest = hashlib.sha1()
            while chunk := fp.read(65536):
                digest.update(chunk)
            return digest.hexdigest()
        """,
        """
        def store_password(user, password):
            user.password_hash = hashlib.md5(password.encode()).hexdigest()
        """,
        "CWE-328",
    ),
    "weak-hash-not-for-security": (
        """
        def etag(body):
            return hashlib.md5(body, usedforsecurity=False).hexdigest()
        """,
        """
        def sign(body, secret):
            return hashlib.md5(secret + body).hexdigest()
        """,
        "CWE-328",
    ),
    "weak-hash-no-security-use": (
        """
        def remember_screenshot(watch, image):
            h = hashlib.md5()
            h.update(image)
            previous = h.hexdigest()
            with open(os.path.join(watch.data_dir, "last-checksum.txt"), "w") as out:
                out.write(previous)
        """,
        """
        def remember_login(user, password):
            h = hashlib.md5()
            h.update(password.encode())
            stored = h.hexdigest()
            with open(os.path.join(user.home, "passwords.txt"), "a") as out:
                out.write(f"{user.name}:{stored}")
        """,
        "CWE-328",
    ),
    "weak-hash-keyed-name": (
        """
        def allow_login(email):
            hashed = hashlib.sha1((email + SECRET_KEY).encode()).hexdigest()
            return TokenBucket.authorize(f"em-{hashed}", 10, 3600)
        """,
        """
        def sign(message):
            return hashlib.sha1((message + SECRET_KEY).encode()).hexdigest()
        """,
        "CWE-328",
    ),
    "listen-on-every-interface": (
        """
        def add_arguments(parser):
            parser.add_argument("--host", help="address to listen on", default="0.0.0.0")
        """,
        """
        if __name__ == "__main__":
            app.run(host="0.0.0.0", port=5000)
        """,
        "CWE-1327",
    ),
    "debug-server-on-loopback": (
        """
        if __name__ == "__main__":
            app.run(debug=True, threaded=True, host="127.0.0.1", port=4000)
        """,
        """
        if __name__ == "__main__":
            app.run(debug=True, threaded=True, port=4000)
        """,
        "CWE-489",
    ),
    "markup-parameter-every-caller-fills": (
        """
        class CaptchaWidget:
            def captcha_html(self, site_key):
                attrs = {"sitekey": site_key}
                data = " ".join('data-%s="%s"' % (k, attrs[k]) for k in attrs)
                return Markup('<div class="captcha" %s></div>' % data)

            def __call__(self, field):
                return self.captcha_html(app.config["CAPTCHA_SITE_KEY"])
        """,
        """
        class BannerWidget:
            def banner_html(self, text):
                return Markup('<div class="banner">%s</div>' % text)

            def __call__(self, field):
                return self.banner_html(app.config["BANNER"])

        @app.route("/preview")
        def preview():
            return BannerWidget().banner_html(request.args.get("text", ""))
        """,
        "CWE-79",
    ),
    "xss-text-plain": (
        """
        @app.route("/debug")
        def debug():
            r = make_response(f"User-Agent: {request.headers.get('User-Agent')}")
            r.mimetype = "text/plain"
            return r
        """,
        """
        @app.route("/debug")
        def debug():
            r = make_response(f"User-Agent: {request.headers.get('User-Agent')}")
            r.headers["X-Frame-Options"] = "DENY"
            return r
        """,
        "CWE-79",
    ),
    "markup-undone-at-once": (
        """
        def plain_comment(value):
            return Markup(value).unescape()
        """,
        """
        def marked_comment(value):
            return Markup(value)
        """,
        "CWE-79",
    ),
    "markup-of-escaped": (
        """
        def bold(value):
            return Markup(escape(value))
        """,
        """
        def bold(value):
            return Markup("<b>" + value + "</b>")
        """,
        "CWE-79",
    ),
    "markup-of-constants-and-encoded-values": (
        """
        from django import template
        from django.utils.html import escape
        from django.utils.safestring import mark_safe
        register = template.Library()

        @register.filter
        def mangle_link(s):
            return mark_safe(escape(s).replace(".", "<span>.</span>"))

        @register.filter
        def bool_icon(value):
            if value:
                classes = "icon-true"
            else:
                classes = "icon-false"
            return mark_safe('<i class="{}"></i>'.format(classes))

        @register.simple_tag(takes_context=True)
        def sort_url(context, sort):
            q = context["request"].GET.copy()
            q["sort"] = sort
            return mark_safe("?" + q.urlencode())
        """,
        """
        from django import template
        from django.utils.safestring import mark_safe
        register = template.Library()

        @register.filter
        def hl(s):
            return mark_safe("<b>%s</b>" % s)
        """,
        "CWE-79",
    ),
    "markup-of-application-data": (
        """
        def make_renderer(renderer):
            markdown = create_markdown(renderer=renderer, escape=True)
            return lambda text: Markup(markdown(text))

        def recaptcha_html():
            html = app.config.get("RECAPTCHA_HTML")
            return Markup(html)
        """,
        """
        @app.route("/greet")
        def greet():
            return Markup("<b>" + request.args["name"] + "</b>")

        def recaptcha_html(public_key):
            attrs = app.config.get("RECAPTCHA_DATA_ATTRS", {})
            attrs["sitekey"] = public_key
            return Markup(" ".join(f'data-{k}="{attrs[k]}"' for k in attrs))
        """,
        "CWE-79",
    ),
    "markup-in-a-wtforms-widget": (
        """
        from wtforms import Field

        class TernaryWidget:
            def __call__(self, field, **kwargs):
                field_id = kwargs.pop("id", field.id)
                checked = " checked" if field.data is True else ""
                return Markup(
                    f'<input type="radio" name="{field.name}" id="{field_id}"{checked}>'
                    + "".join(f"<td>{sub}</td><th>{sub.label}</th>" for sub in field)
                )
        """,
        """
        from wtforms import Field

        class TernaryWidget:
            def __call__(self, field, **kwargs):
                field_id = kwargs.pop("id", field.id)
                return Markup(f'<input name="{field.name}" id="{field_id}" value="{field.data}">')
        """,
        "CWE-79",
    ),
    "mark-safe-in-a-django-widget": (
        """
        from django import forms
        from django.utils.html import escape
        from django.utils.safestring import mark_safe

        class TagAutocomplete(forms.TextInput):
            def render(self, name, value, attrs=None, renderer=None):
                final_attrs = self.build_attrs(self.attrs, attrs)
                shown = escape(value) if value else ""
                return mark_safe(
                    f'<ld-tags input-id="{final_attrs.get("id")}" input-name="{name}" '
                    f'input-value="{shown}"></ld-tags>'
                )
        """,
        """
        from django import forms
        from django.utils.safestring import mark_safe

        class TagAutocomplete(forms.TextInput):
            def render(self, name, value, attrs=None, renderer=None):
                final_attrs = self.build_attrs(self.attrs, attrs)
                return mark_safe(
                    f'<ld-tags input-id="{final_attrs.get("id")}" input-name="{name}" '
                    f'input-value="{value}"></ld-tags>'
                )
        """,
        "CWE-79",
    ),
    "markup-under-the-script-root": (
        """
        @app.template_filter("status_icon")
        def status_icon(icon):
            root = request.script_root if hasattr(request, "script_root") else ""
            return Markup(f'<img src="{root}/static/{url_for("icons", name=icon)}">')
        """,
        """
        @app.template_filter("status_icon")
        def status_icon(icon):
            root = request.path
            return Markup(f'<img src="{root}/static/{url_for("icons", name=icon)}">')
        """,
        "CWE-79",
    ),
    "template-source-written-by-the-code": (
        """
        from jinja2 import Environment
        from wtforms import Form

        class PanelForm(Form):
            def panel_source(self):
                out = ""
                if self.data.get("tags"):
                    out = "<p>Overridden by a group</p>"
                out += "{{ form.price() }}"
                return out

        @app.route("/edit", methods=["GET", "POST"])
        def edit_panel():
            form = PanelForm(request.form)
            return Environment(autoescape=True).from_string(form.panel_source()).render(form=form)
        """,
        """
        from jinja2 import Environment
        from wtforms import Form, StringField

        class PanelForm(Form):
            tpl = StringField()

            def panel_text(self):
                return "<p>Panel</p>" + self.tpl.data

        @app.route("/edit", methods=["GET", "POST"])
        def edit_panel():
            form = PanelForm(request.form)
            return Environment(autoescape=True).from_string(form.panel_text()).render(form=form)
        """,
        "CWE-1336",
    ),
    "django-rendered-templates-spliced": (
        """
        from django.http import HttpResponse
        from django.template import loader

        def frame(request, template_name, context):
            html = loader.render_to_string("shared/top_frame.html", context, request)
            content = loader.render_to_string(template_name, context, request)
            return HttpResponse(html.replace("<!--content-->", content))
        """,
        """
        from django.http import HttpResponse
        from django.template import loader

        def frame(request, template_name, context):
            html = loader.render_to_string("shared/top_frame.html", context, request)
            return HttpResponse(html.replace("<!--content-->", request.GET["content"]))
        """,
        "CWE-79",
    ),
    "markup-allow-listed-parameter": (
        """
        def time_tag(when, what):
            if what == "date":
                content = format_date(when)
            elif what in ("time", "datetime"):
                content = format_time(when)
            else:
                raise ValueError("what must be date, time or datetime")
            return Markup('<time data-what="{}">{}</time>'.format(what, content))
        """,
        """
        def time_tag(when, what):
            if what == "date":
                content = format_date(when)
            elif what in ("time", "datetime"):
                content = format_time(when)
            else:
                content = ""
            return Markup('<time data-what="{}">{}</time>'.format(what, content))
        """,
        "CWE-79",
    ),
    "jinja-environment-for-a-config-file": (
        """
        from jinja2 import Environment, FileSystemLoader

        def generate_config(root, values):
            env = Environment(loader=FileSystemLoader(root))
            return env.get_template("config.cfg.template").render(**values)
        """,
        """
        from jinja2 import Environment, FileSystemLoader

        def render_page(root, values):
            env = Environment(loader=FileSystemLoader(root))
            return env.get_template("page.html.j2").render(**values)
        """,
        "CWE-94",
    ),
    "jinja-environment-generating-source": (
        """
        from jinja2 import Environment, FileSystemLoader

        def _code_env(root):
            return Environment(
                loader=FileSystemLoader(root),
                variable_start_string="<<",
                variable_end_string=">>",
                autoescape=False,
            )

        def _render(path, data):
            template = _code_env(os.path.dirname(path)).get_template(os.path.basename(path))
            return template.render(**data)

        def generate(stub, data):
            for name in ("views.py", "static/index.vue"):
                text = _render(os.path.join(stub, name), data)
                with open(os.path.join(stub, name), "w") as f:
                    f.write(text)
        """,
        """
        from jinja2 import Environment, FileSystemLoader

        def _code_env(root):
            return Environment(
                loader=FileSystemLoader(root),
                variable_start_string="<<",
                variable_end_string=">>",
                autoescape=False,
            )

        def _render(path, data):
            template = _code_env(os.path.dirname(path)).get_template(os.path.basename(path))
            return template.render(**data)

        @app.route("/preview/<name>")
        def preview(name):
            return _render(os.path.join("/srv/stub", "index.vue"), dict(request.args))
        """,
        "CWE-94",
    ),
    "urlopen-constant-https": (
        """
        VERIFY_URL = "https://www.google.com/recaptcha/api/siteverify"

        def verify(data):
            return urllib.request.urlopen(VERIFY_URL, data).read()
        """,
        """
        def fetch(url):
            return urllib.request.urlopen(url).read()
        """,
        "CWE-22",
    ),
    "shell-command-not-from-request": (
        """
        BACKUP_DIR = os.environ.get("BACKUP_DIR", "/var/backups")

        def backup():
            subprocess.run(f"tar czf {BACKUP_DIR}/site.tgz /srv/site", shell=True, check=True)
        """,
        """
        @app.route("/ping")
        def ping():
            subprocess.run("ping -c 1 " + request.args["host"], shell=True, check=True)
            return "ok"
        """,
        "CWE-78",
    ),
    "eval-of-own-startup-file": (
        """
        def shell_context():
            startup = os.environ.get("PYTHONSTARTUP")
            if startup and os.path.isfile(startup):
                with open(startup) as f:
                    eval(compile(f.read(), startup, "exec"))
        """,
        """
        @app.route("/calc")
        def calc():
            return str(eval(request.args["expression"]))
        """,
        "CWE-94",
    ),
    "tmp-path-as-setting": (
        """
        class Config:
            UPLOAD_FOLDER = "/tmp/uploads"
        """,
        """
        def write_report(text):
            with open("/tmp/report.txt", "w") as f:
                f.write(text)
        """,
        "CWE-377",
    ),
    "form-save-stores-no-file": (
        """
        @app.route("/bills/<int:bill_id>", methods=["POST"])
        def edit_bill(bill_id):
            bill = Bill.query.get(bill_id)
            form = BillForm()
            if form.validate():
                form.save(bill, request.form["project"])
            return redirect(url_for("bills"))
        """,
        """
        @app.route("/upload", methods=["POST"])
        def upload():
            request.files["f"].save(os.path.join("/srv/uploads", request.files["f"].filename))
            return redirect(url_for("bills"))
        """,
        "CWE-22",
    ),
    "csrf-exempt-token-gate": (
        TOKEN_GATE,
        TOKEN_GATE.replace(  # the gate falls back to the session cookie
            "\n                return abort(401)",
            "\n                if current_user.is_authenticated:"
            "\n                    return f(*args, **kwargs)"
            "\n                return abort(401)",
        ).replace("requires_device_token", "requires_device_token_or_login"),
        "CWE-352",
    ),
    "csrf-exempt-api-key-header-gate": (
        API_KEY_GATE,
        API_KEY_GATE.replace(  # the "key" now comes from a cookie the browser attaches itself
            'request.headers.get("X-API-KEY")', 'request.cookies.get("api_key")'
        ).replace("key_auth", "cookie_key_auth"),
        "CWE-352",
    ),
    "csrf-exempt-header-webhook": (
        """
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)
        HOOK_TOKEN = os.environ["HOOK_TOKEN"]

        @csrf.exempt
        @app.route("/hooks/drive", methods=["POST"])
        def drive_changed():
            if not request.data:
                return ""
            if request.headers.get("X-Goog-Channel-Token") != HOOK_TOKEN:
                return "", 403
            Library.reload()
            return ""
        """,
        """
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)

        @csrf.exempt
        @app.route("/settings/email", methods=["POST"])
        def change_email():
            Settings.set("email", request.form["email"])
            return ""
        """,
        "CWE-352",
    ),
    "csrf-exempt-hmac-webhook": (
        """
        import hmac
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)

        @csrf.exempt
        @app.route("/api/pull/<string:hook_hash>", methods=["POST"])
        def pull_hook(hook_hash):
            \"\"\"Pull the configured remote; the path carries an HMAC of its URL.\"\"\"
            from app.repos import pull_remote

            remote = app.config.get("REMOTE_URL")
            if app.config.get("REMOTE_URL_SECURE"):
                expected = hmac.new(app.config["SECRET_KEY"].encode(), remote.encode(), "sha256")
            else:
                expected = hmac.new(app.config["SECRET_KEY"].encode(), b"", "sha256")
            if hook_hash != expected.hexdigest():
                abort(404)
            pull_remote()
            return ""
        """,
        """
        import hashlib
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)

        @csrf.exempt
        @app.route("/api/pull/<string:hook_hash>", methods=["POST"])
        def pull_hook(hook_hash):
            from app.repos import pull_remote

            remote = app.config.get("REMOTE_URL")
            expected = hashlib.sha256(remote.encode()).hexdigest()  # no secret: no credential shown
            if hook_hash != expected:
                abort(404)
            pull_remote()
            return ""
        """,
        "CWE-352",
    ),
    "cookie-remembers-query-choice": (
        """
        @app.route("/watches")
        def watches():
            resp = make_response(render_template("watches.html"))
            if request.args.get("sort"):
                resp.set_cookie("sort", request.args.get("sort"))
            if request.args.get("order"):
                resp.set_cookie("order", request.args["order"])
            return resp
        """,
        """
        @app.route("/watches")
        def watches():
            resp = make_response(render_template("watches.html"))
            if request.args.get("token"):
                resp.set_cookie("remember", request.args.get("token"))
            return resp
        """,
        "CWE-614",
    ),
    "csrf-exempt-url-token": (
        """
        from flask import Blueprint
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)
        device = Blueprint("device", __name__, url_prefix="/device/<auth_token>")

        @csrf.exempt
        @device.route("/v1/analytics", methods=["POST"])
        def analytics(auth_token):
            Stats.record(request.form.to_dict())
            return ""
        """,
        """
        from flask import Blueprint, session
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)
        device = Blueprint("device", __name__, url_prefix="/device/<auth_token>")

        @csrf.exempt
        @device.route("/v1/analytics", methods=["POST"])
        def analytics(auth_token):
            Stats.record(session["user_id"], request.form.to_dict())
            return ""
        """,
        "CWE-352",
    ),
    "csrf-exempt-login-required": (
        """
        from flask_login import login_required
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)

        @app.route("/profile", methods=["POST"])
        @login_required
        def profile():
            Profile.update(request.form["bio"])
            return ""
        """,
        """
        from flask_login import login_required
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)

        @csrf.exempt
        @app.route("/profile/<api_token>", methods=["POST"])
        @login_required
        def profile(api_token):
            Profile.update(request.form["bio"])
            return ""
        """,
        "CWE-352",
    ),
    # Only a CORS-preflighted request reaches these (a JSON body read first, DELETE only);
    # HTTP Basic authentication alone would not stop a forged form post.
    "csrf-exempt-json-body": (
        """
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)

        @app.route("/api/keys", methods=["POST"])
        @basic_auth
        @csrf.exempt
        def create_key():
            data = request.get_json()
            ApiKey.create(data["role"])
            return "", 201
        """,
        """
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)

        @app.route("/api/keys", methods=["POST"])
        @basic_auth
        @csrf.exempt
        def create_key():
            data = request.get_json(force=True)
            ApiKey.create(data["role"])
            return "", 201
        """,
        "CWE-352",
    ),
    "csrf-exempt-delete-only": (
        """
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)

        @app.route("/api/keys/<int:key_id>", methods=["DELETE"])
        @basic_auth
        @csrf.exempt
        def delete_key(key_id):
            ApiKey.delete(key_id)
            return "", 204
        """,
        """
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)

        @app.route("/api/keys/<int:key_id>", methods=["POST", "DELETE"])
        @basic_auth
        @csrf.exempt
        def delete_key(key_id):
            ApiKey.delete(key_id)
            return "", 204
        """,
        "CWE-352",
    ),
    "csrf-exempt-read-only-view": (
        """
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)

        @app.route("/nic/checkip", methods=["GET", "POST"])
        @csrf.exempt
        def checkip():
            return render_template("ip.html", ip=request.environ.get("HTTP_X_REAL_IP"))
        """,
        """
        from flask import session
        from flask_wtf.csrf import CSRFProtect
        csrf = CSRFProtect(app)

        @app.route("/nic/checkip", methods=["GET", "POST"])
        @csrf.exempt
        def checkip():
            session["ip"] = request.environ.get("HTTP_X_REAL_IP")
            return render_template("ip.html", ip=session["ip"])
        """,
        "CWE-352",
    ),
    "chmod-group-only": (
        """
        def serve_on_socket(socket_file):
            os.chmod(socket_file, 0o660)  # the proxy's group reads and writes, nobody else
        """,
        """
        def serve_on_socket(socket_file):
            os.chmod(socket_file, 0o666)
        """,
        "CWE-732",
    ),
    "markup-only-unescaped": (
        """
        def save_comment(book, value):
            text = Markup(value).unescape()
            book.comment = text
        """,
        """
        def show_comment(value):
            return Markup(value)
        """,
        "CWE-79",
    ),
    "weak-hash-compared-with-checksum": (
        """
        def sync_database(remote, data):
            if remote["file"]["md5Checksum"] != hashlib.md5(data).hexdigest():
                download_database()
        """,
        """
        def check_key(stored, given):
            if stored["api_token_digest"] != hashlib.md5(given.encode()).hexdigest():
                raise PermissionError()
        """,
        "CWE-328",
    ),
    # A request value that only selects an existing record (a key of a dict of records, a row
    # found by id) does not make the record's own fields request data; the key itself does.
    "record-found-by-key-path": (
        """
        @app.route("/watch/<uuid>/json")
        def watch_json(uuid):
            watch = datastore.data["watching"].get(uuid)
            return open(os.path.join(watch.data_dir, "watch.json")).read()
        """,
        """
        @app.route("/watch/<uuid>/json")
        def watch_json(uuid):
            watch = datastore.data["watching"].get(uuid)
            return open(os.path.join(watch.data_dir, uuid)).read()
        """,
        "CWE-22",
    ),
    "record-indexed-by-key-path": (
        """
        @app.route("/watch/json")
        def watch_json():
            watch = datastore.data["watching"][request.args["uuid"]]
            return open(os.path.join(watch.data_dir, "watch.json")).read()
        """,
        """
        @app.route("/watch/json")
        def watch_json():
            name = request.args["uuid"]
            return open(os.path.join("/srv", CONFIG["aliases"].get(name, name))).read()
        """,
        "CWE-22",
    ),
    "row-found-by-id-path": (
        """
        @app.route("/book/file")
        def book_file():
            book = Book.query.filter_by(id=request.args["id"]).first()
            return send_file(os.path.join("/srv/books", book.path))
        """,
        """
        @app.route("/book/file")
        def book_file():
            book = request.args.get("path")
            return send_file(os.path.join("/srv/books", book))
        """,
        "CWE-22",
    ),
    # One URL segment (no "/") as the last component: at most ".." names a directory, which
    # isfile / send_file refuse. The path converter, or more components after it, escape.
    "url-segment-last-path": (
        """
        @app.route("/plugin/<string:filename>")
        def plugin_file(filename):
            filename = filename
            import os as os_alias
            path = os_alias.path.join(plugin_static_path(), filename)
            if os_alias.path.isfile(path):
                return send_file(path)
            abort(404)
        """,
        """
        @app.route("/plugin/<path:filename>")
        def plugin_file(filename):
            filename = filename
            import os as os_alias
            path = os_alias.path.join(plugin_static_path(), filename)
            if os_alias.path.isfile(path):
                return send_file(path)
            abort(404)
        """,
        "CWE-22",
    ),
    "url-segment-then-name-path": (
        """
        @app.route("/watch/<name>")
        def watch_file(name):
            return send_file(os.path.join("/srv/watches", f"{name}.json"))
        """,
        """
        @app.route("/watch/<name>")
        def watch_file(name):
            return send_file(os.path.join("/srv/watches", name, "elements.json"))
        """,
        "CWE-22",
    ),
}


@pytest.fixture(scope="module")
def blocking_by_file():
    # Helpers are read across files and each twin names its own, as one project would.
    files = {
        f"app/{name.replace('-', '_')}_{kind}.py": FLASK + textwrap.dedent(body)
        for name, (safe, unsafe, _) in TWINS.items()
        for kind, body in (("safe", safe), ("unsafe", unsafe))
    }
    ctx = Context()
    findings = apply_run_policy(analyze(files, cache=None).findings, files, ctx)
    blocking: dict[str, list] = {path: [] for path in files}
    for finding in findings:
        if is_blocking(finding, ctx.blocking_severity):
            blocking[finding["file"]].append(finding)
    return blocking


def weakness(cwe: str) -> str:
    """The weakness a CWE names, equal across the tools' spellings (see dedup.py)."""
    return weakness_key({"cwe": cwe, "source": "", "rule_id": "", "title": ""})  # type: ignore[typeddict-item]


def blocked_weaknesses(findings) -> dict[str, list[tuple[str, int]]]:
    """Weakness -> (rule, line) of the blocking findings (Bandit's B307 eval counts as CWE-94)."""
    found: dict[str, list[tuple[str, int]]] = {}
    for f in findings:
        found.setdefault(weakness_key(f), []).append((f["rule_id"], f["line"]))
    return found


@pytest.mark.parametrize("name", TWINS)
def test_the_safe_twin_does_not_block(blocking_by_file, name):
    found = blocked_weaknesses(blocking_by_file[f"app/{name.replace('-', '_')}_safe.py"])
    assert weakness(TWINS[name][2]) not in found, found


@pytest.mark.parametrize("name", TWINS)
def test_the_unsafe_twin_blocks(blocking_by_file, name):
    found = blocked_weaknesses(blocking_by_file[f"app/{name.replace('-', '_')}_unsafe.py"])
    assert weakness(TWINS[name][2]) in found, found
