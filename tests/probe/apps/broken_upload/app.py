"""An upload service that loses what it is given (the functional probe must notice)."""

from flask import Flask, abort, redirect, render_template, request, url_for

app = Flask(__name__)


@app.route("/", methods=["GET", "POST"])
def upload_file():
    """Pretend to store the file."""
    if request.method == "POST":
        name = request.files["file"].filename
        return redirect(url_for("uploaded_file", name=name))
    return render_template("upload.html")


@app.route("/uploads/<name>")
def uploaded_file(name):
    """Nothing was stored, so nothing is found."""
    abort(404)
