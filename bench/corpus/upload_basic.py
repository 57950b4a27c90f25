"""Upload files to share with the team."""

import os

from flask import Flask, flash, redirect, render_template_string, request, url_for

UPLOAD_FOLDER = "/srv/share"

app = Flask(__name__)
app.config["UPLOAD_FOLDER"] = UPLOAD_FOLDER
app.secret_key = b"share-secret"

PAGE = """
<!doctype html>
<title>Share a file</title>
<form method=post enctype=multipart/form-data>
  <input type=file name=file>
  <input type=submit value=Upload>
</form>
"""


@app.route("/", methods=["GET", "POST"])
def upload():
    if request.method == "POST":
        file = request.files.get("file")
        if file is None or file.filename == "":
            flash("No file")
            return redirect(request.url)
        file.save(os.path.join(app.config["UPLOAD_FOLDER"], file.filename))
        return redirect(url_for("upload", saved=file.filename))
    return render_template_string(PAGE)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000, debug=True)
