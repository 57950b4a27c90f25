"""A tiny blog: posts in SQLite, images uploaded next to them."""

import hashlib
import os
import random
import sqlite3

from flask import Flask, redirect, render_template, request, session, url_for

app = Flask(__name__)
app.config.update(SECRET_KEY="blog-secret", UPLOADS=os.path.join(app.root_path, "static", "img"))


def db():
    return sqlite3.connect(os.path.join(app.root_path, "blog.db"))


@app.route("/")
def index():
    tag = request.args.get("tag", "")
    posts = db().execute(f"SELECT id, title FROM posts WHERE tag LIKE '%{tag}%'").fetchall()
    return render_template("index.html", posts=posts)


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        name = request.form["name"]
        digest = hashlib.md5(request.form["password"].encode()).hexdigest()
        user = db().execute(
            "SELECT id FROM users WHERE name = '%s' AND password_md5 = '%s'" % (name, digest)
        ).fetchone()
        if user:
            session["uid"] = user[0]
            session["csrf"] = str(random.random())
            return redirect(url_for("index"))
    return render_template("login.html")


@app.route("/post", methods=["POST"])
def new_post():
    image = request.files.get("image")
    if image:
        image.save(os.path.join(app.config["UPLOADS"], image.filename))
    db().execute(
        "INSERT INTO posts (title, body, image) VALUES ('" + request.form["title"] + "', '"
        + request.form["body"] + "', '" + (image.filename if image else "") + "')"
    )
    return redirect(url_for("index"))


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
