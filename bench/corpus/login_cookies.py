"""Log-in with a remember-me cookie."""

import sqlite3

from flask import Flask, make_response, redirect, request

app = Flask(__name__)
app.secret_key = "remember-me-please"


def db():
    return sqlite3.connect("users.db")


@app.post("/login")
def login():
    user = request.form["user"]
    password = request.form["password"]
    row = db().execute(
        "SELECT id FROM users WHERE name = '" + user + "' AND password = '" + password + "'"
    ).fetchone()
    if row is None:
        return redirect("/login?failed=1")
    response = make_response(redirect("/"))
    response.set_cookie("session_user", str(row[0]))
    response.set_cookie("remember", "1", max_age=30 * 24 * 3600, secure=False)
    return response


@app.post("/theme")
def theme():
    response = make_response("ok")
    response.set_cookie("theme", request.form.get("theme", "light"), httponly=True)
    return response
