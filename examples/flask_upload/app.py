"""A small Flask file-upload service, written the way a first draft often is.

It works, and it is insecure on purpose: devsecbots' demo hardens it.
"""

import os

from flask import Flask, flash, redirect, render_template, request, send_from_directory, url_for

UPLOAD_FOLDER = os.path.join(os.path.dirname(__file__), "uploads")

app = Flask(__name__)
app.config["UPLOAD_FOLDER"] = UPLOAD_FOLDER
app.secret_key = "dev-secret-key-123"


@app.route("/", methods=["GET", "POST"])
def upload_file():
    """Accept one file from a form and store it under its original name."""
    if request.method == "POST":
        if "file" not in request.files:
            flash("No file part")
            return redirect(request.url)
        f = request.files["file"]
        if f.filename == "":
            flash("No selected file")
            return redirect(request.url)
        os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)
        f.save(os.path.join(app.config["UPLOAD_FOLDER"], f.filename))
        return redirect(url_for("uploaded_file", name=f.filename))
    return render_template("upload.html")


@app.route("/uploads/<name>")
def uploaded_file(name):
    """Serve a previously uploaded file."""
    return send_from_directory(app.config["UPLOAD_FOLDER"], name)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000, debug=True)
