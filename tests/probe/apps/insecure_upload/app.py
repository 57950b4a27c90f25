"""The upload service with none of the protections the probes look for (the insecure twin)."""

import os

from flask import Flask, redirect, render_template, request, send_file, url_for

UPLOAD_FOLDER = os.path.join(os.path.dirname(__file__), "uploads")

app = Flask(__name__)
app.secret_key = "insecure-twin-secret"
app.debug = True


@app.route("/", methods=["GET", "POST"])
def upload_file():
    """Store the file under the client's name."""
    if request.method == "POST":
        f = request.files["file"]
        os.makedirs(UPLOAD_FOLDER, exist_ok=True)
        f.save(os.path.join(UPLOAD_FOLDER, f.filename))
        return redirect(url_for("uploaded_file", name=f.filename))
    return render_template("upload.html")


@app.route("/uploads/<path:name>")
def uploaded_file(name):
    """Serve a stored file by joining the name onto the folder."""
    return send_file(os.path.join(UPLOAD_FOLDER, name))
