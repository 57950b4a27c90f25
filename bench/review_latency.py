"""Review latency on a 5-file Flask app: our analyze() cold and warm vs the tools run directly.

Baseline, measured in the same run on the same files (already on disk): Bandit in-process
(BanditManager over the directory) + one `semgrep scan` subprocess with the same rule files.
Ours: analyze(files) with an empty cache (cold), then again with the files unchanged (warm).
Rounds are interleaved and the median is reported, so load from other processes hits all alike.

    .venv/bin/python bench/review_latency.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bandit.core import config as b_config  # noqa: E402
from bandit.core import manager as b_manager  # noqa: E402
from devsecbots.nodes.analyzers.cache import AnalysisCache  # noqa: E402
from devsecbots.nodes.analyzers.engine import analyze  # noqa: E402
from devsecbots.nodes.analyzers.semgrep_runner import find_semgrep, offline_environment, rule_files  # noqa: E402

APP = {
    "shop/__init__.py": '''"""A small shop: app factory."""
import os

from flask import Flask

from shop import auth, views


def create_app():
    app = Flask(__name__)
    app.secret_key = os.environ.get("SECRET_KEY", "change-me")
    app.config["DATABASE"] = os.environ.get("DATABASE", "shop.sqlite")
    app.register_blueprint(views.bp)
    app.register_blueprint(auth.bp)
    return app


if __name__ == "__main__":
    create_app().run(host="0.0.0.0", debug=True)
''',
    "shop/db.py": '''"""SQLite helpers."""
import sqlite3

from flask import current_app, g


def connection():
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


def products(category):
    cur = connection().cursor()
    cur.execute("SELECT * FROM products WHERE category = '%s'" % category)
    return cur.fetchall()


def product(product_id):
    return connection().execute("SELECT * FROM products WHERE id = ?", (product_id,)).fetchone()


def add_order(user, product_id, quantity):
    db = connection()
    db.execute("INSERT INTO orders (user, product, quantity) VALUES (?, ?, ?)", '''
    """(user, product_id, quantity))
    db.commit()
""",
    "shop/views.py": '''"""Catalogue views."""
import os
import subprocess

from flask import Blueprint, abort, redirect, render_template, request, send_file, session

from shop import db

bp = Blueprint("views", __name__)


@bp.route("/")
def index():
    category = request.args.get("category", "all")
    return render_template("index.html", products=db.products(category))


@bp.route("/product/<int:product_id>")
def product(product_id):
    item = db.product(product_id)
    if item is None:
        abort(404)
    return render_template("product.html", product=item)


@bp.route("/search")
def search():
    term = request.args.get("q", "")
    return f"<h1>Results for {term}</h1>"


@bp.route("/order", methods=["POST"])
def order():
    db.add_order(session.get("user"), int(request.form["product"]), int(request.form["quantity"]))
    return redirect(request.args.get("next", "/"))


@bp.route("/invoice/<name>")
def invoice(name):
    return send_file(os.path.join("invoices", name))


@bp.route("/report")
def report():
    month = request.args.get("month", "01")
    subprocess.run("make-report " + month, shell=True, check=False)
    return "queued"
''',
    "shop/auth.py": '''"""Login and tokens."""
import hashlib
import random

from flask import Blueprint, make_response, request, session

bp = Blueprint("auth", __name__)
USERS = {"alice": "5f4dcc3b5aa765d61d8327deb882cf99"}


def password_hash(password):
    return hashlib.md5(password.encode()).hexdigest()


@bp.route("/login", methods=["POST"])
def login():
    user = request.form["user"]
    if USERS.get(user) != password_hash(request.form["password"]):
        return "no", 403
    session["user"] = user
    token = str(random.getrandbits(64))
    response = make_response("welcome")
    response.set_cookie("token", token)
    return response
''',
    "shop/utils.py": '''"""Small helpers."""
import json
import pickle


def load_cart(blob):
    return pickle.loads(blob)


def dump_cart(cart):
    return json.dumps(cart)


def money(cents):
    return f"{cents // 100}.{cents % 100:02d}"
''',
}


def baseline(directory: Path, home: Path) -> float:
    """Seconds for Bandit in-process + one semgrep process with the same rules, on files on disk."""
    started = time.perf_counter()
    manager = b_manager.BanditManager(b_config.BanditConfig(), "file", quiet=True)
    manager.discover_files([str(directory)], True)
    manager.run_tests()
    manager.get_issue_list()
    command = [
        find_semgrep(),
        "scan",
        "--json",
        "--metrics=off",
        "--disable-version-check",
        "--quiet",
    ]
    for path in rule_files():
        command += ["--config", str(path)]
    subprocess.run(
        [*command, str(directory)], env=offline_environment(home), capture_output=True, check=True
    )
    return time.perf_counter() - started


def ours(files: dict[str, str], cache: AnalysisCache) -> float:
    """Seconds for one analyze() call."""
    started = time.perf_counter()
    analyze(files, cache=cache)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Interleave the three measurements for a few rounds and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    logging.getLogger("bandit").setLevel(logging.ERROR)
    times: dict[str, list[float]] = {"baseline": [], "cold": [], "warm": []}
    with tempfile.TemporaryDirectory() as tmp:
        directory, home = Path(tmp, "app"), Path(tmp, "home")
        home.mkdir()
        for path, content in APP.items():
            (directory / path).parent.mkdir(parents=True, exist_ok=True)
            (directory / path).write_text(content)
        baseline(directory, home)  # warm the OS file cache and imports for everyone
        for _ in range(args.rounds):
            times["baseline"].append(baseline(directory, home))
            cache = AnalysisCache()
            times["cold"].append(ours(APP, cache))
            times["warm"].append(ours(APP, cache))
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"5-file Flask app, {args.rounds} interleaved rounds, medians:")
    print(f"  Bandit + semgrep directly : {median['baseline']:.3f} s")
    print(
        f"  analyze() cold            : {median['cold']:.3f} s"
        f"  ({median['cold'] / median['baseline']:.2f}x)"
    )
    print(
        f"  analyze() warm (cached)   : {median['warm']:.4f} s"
        f"  ({median['warm'] / median['baseline']:.4f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
