# Rule tests for flask_injection.yaml (run by tests/analyzers/test_rules.py via semgrep --test).
import os
import re
import shlex
import sqlite3
import subprocess
import urllib.parse

import ldap3
import lxml.etree
import requests
from flask import Flask, abort, request
from sqlalchemy import select, text

app = Flask(__name__)
TABLES = {"users", "orders"}


@app.route("/users")
def users():
    name = request.args.get("name", "")
    cur = sqlite3.connect("db.sqlite").cursor()
    # ruleid: devsecbots.flask.sql-injection
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    # ruleid: devsecbots.flask.sql-injection
    cur.execute("SELECT * FROM users WHERE name = '%s'" % name)
    query = "SELECT * FROM users WHERE name = '" + name + "'"
    # ruleid: devsecbots.flask.sql-injection
    cur.execute(query)
    # ok: devsecbots.flask.sql-injection
    cur.execute("SELECT * FROM users WHERE name = ?", (name,))
    limit = int(request.args.get("limit", "10"))
    # ok: devsecbots.flask.sql-injection
    cur.execute(f"SELECT * FROM users LIMIT {limit}")
    return "ok"


@app.route("/topics")
def topics(session, Topic):
    ids = request.form.getlist("ids")
    # ok: devsecbots.flask.sql-injection
    session.execute(select(Topic).where(Topic.id.in_(ids)))
    stmt = select(Topic).filter_by(id=request.args["id"])
    # ok: devsecbots.flask.sql-injection
    session.execute(stmt)
    # ok: devsecbots.flask.sql-injection
    session.execute(Topic.query.filter(Topic.name == request.args["name"]).order_by(Topic.id))
    name = request.args["name"]
    # ruleid: devsecbots.flask.sql-injection
    session.execute(text(f"SELECT * FROM topic WHERE name = '{name}'"))
    # ruleid: devsecbots.flask.sql-injection
    session.execute(select(Topic).where(text("name = '" + name + "'")))
    # ruleid: devsecbots.flask.sql-injection
    session.execute("SELECT * FROM topic WHERE name = '%s'" % name)
    return "ok"


@app.route("/table")
def table():
    table = request.args["table"]
    if table not in TABLES:
        abort(400)
    cur = sqlite3.connect("db.sqlite").cursor()
    # ok: devsecbots.flask.sql-injection
    cur.execute(f"SELECT count(*) FROM {table}")
    return "ok"


@app.route("/quoted", methods=["POST"])
def quoted():
    word = request.form["word"]
    if "'" in word:
        return "quotes are not allowed", 400
    cur = sqlite3.connect("db.sqlite").cursor()
    # ok: devsecbots.flask.sql-injection
    cur.execute(f"SELECT * FROM words WHERE word = '{word}'")
    return "ok"


@app.route("/ping/<host>")
def ping(host):
    # ruleid: devsecbots.flask.command-injection
    os.system("ping -c 1 " + host)
    # ruleid: devsecbots.flask.command-injection
    subprocess.run(f"ping -c 1 {host}", shell=True)
    args = ["sh", "-c"]
    args.append(f"ping -c 1 {host}")
    # ruleid: devsecbots.flask.command-injection
    subprocess.run(args)
    # ruleid: devsecbots.flask.command-injection
    os.popen("nslookup " + host)
    # ok: devsecbots.flask.command-injection
    subprocess.run("ping -c 1 " + shlex.quote(host), shell=True)
    # ok: devsecbots.flask.command-injection
    subprocess.run(["ping", "-c", "1", "localhost"])
    return "ok"


@app.route("/calc")
def calc():
    expression = request.args["q"]
    # ruleid: devsecbots.flask.code-injection
    result = eval(expression)
    # ruleid: devsecbots.flask.code-injection
    exec("x = " + expression)
    # ok: devsecbots.flask.code-injection
    eval("1 + 1")
    return str(result)


@app.route("/calc-checked")
def calc_checked():
    expression = request.args["q"]
    if not re.fullmatch(r"[0-9+*/ -]+", expression):
        abort(400)
    # ok: devsecbots.flask.code-injection
    return str(eval(expression))


@app.route("/people")
def people(conn: ldap3.Connection):
    uid = request.args["uid"]
    # ruleid: devsecbots.flask.ldap-injection
    conn.search("ou=people,dc=example,dc=org", f"(uid={uid})")
    safe = ldap3.utils.conv.escape_filter_chars(uid)
    # ok: devsecbots.flask.ldap-injection
    conn.search("ou=people,dc=example,dc=org", f"(uid={safe})")
    # ok: devsecbots.flask.ldap-injection
    re.search(uid, "text")
    return "ok"


LDAP_DOMAINS = {"example": "uid={},ou=people,dc=example,dc=org"}


@app.route("/member")
def member(conn: ldap3.Connection):
    domain = request.args["domain"]
    safe = ldap3.utils.conv.escape_filter_chars(request.args["uid"])
    user_dn = LDAP_DOMAINS[domain].format(safe)
    # ok: devsecbots.flask.ldap-injection
    conn.search("ou=groups,dc=example,dc=org", f"(member={user_dn})")
    # ruleid: devsecbots.flask.ldap-injection
    conn.search("ou=groups,dc=example,dc=org", f"(member={domain})")
    parts = request.args["uid"].split(",")
    # ruleid: devsecbots.flask.ldap-injection
    conn.search("ou=groups,dc=example,dc=org", f"(uid={parts[0]})")
    return "ok"


@app.route("/employee")
def employee():
    emplid = request.cookies.get("emplid", "")
    root = lxml.etree.parse("employees.xml")
    # ruleid: devsecbots.flask.xpath-injection
    root.xpath(f"/Employees/Employee[@emplid='{emplid}']")
    # ok: devsecbots.flask.xpath-injection
    root.xpath("/Employees/Employee[@emplid=$id]", id=emplid)
    escaped = emplid.replace("'", "&apos;")
    # ok: devsecbots.flask.xpath-injection
    root.xpath(f"/Employees/Employee[@emplid='{escaped}']")
    return "ok"


@app.route("/fetch")
def fetch():
    url = request.args["url"]
    # ruleid: devsecbots.flask.ssrf
    requests.get(url, timeout=5)
    # ok: devsecbots.flask.ssrf
    requests.get("https://api.example.org/status", params={"q": url}, timeout=5)
    parsed = urllib.parse.urlparse(url)
    if parsed.hostname not in {"api.example.org"}:
        abort(400)
    # ok: devsecbots.flask.ssrf
    requests.get(url, timeout=5)
    return "ok"


@app.route("/fetch-inline")
def fetch_inline():
    url = request.args["url"]
    if urllib.parse.urlparse(url).hostname != "api.example.org":
        abort(400)
    # ok: devsecbots.flask.ssrf
    requests.get(url, timeout=5)
    return "ok"


@app.route("/fetch-logged")
def fetch_logged():
    url = request.args["url"]
    parsed = urllib.parse.urlparse(url)
    if parsed.hostname != "api.example.org":
        print("fetching a foreign host")
    # ruleid: devsecbots.flask.ssrf
    requests.get(url, timeout=5)
    return "ok"
