"""Photo gallery with EXIF extraction."""

import os
import subprocess

import requests
import yaml
from flask import Flask, abort, jsonify, request
from werkzeug.utils import secure_filename

GALLERY = os.path.join(os.path.dirname(__file__), "photos")

app = Flask(__name__)
app.secret_key = "gallery"
with open(os.path.join(os.path.dirname(__file__), "gallery.yaml")) as fh:
    SETTINGS = yaml.load(fh)


@app.post("/photos")
def add_photo():
    photo = request.files["photo"]
    filename = secure_filename(photo.filename)
    path = os.path.join(GALLERY, filename)
    photo.save(path)
    exif = subprocess.check_output(f"exiftool -json {path}", shell=True)
    return jsonify(name=filename, exif=exif.decode())


@app.get("/import")
def import_photo():
    url = request.args.get("url")
    if not url:
        abort(400)
    data = requests.get(url).content
    with open(os.path.join(GALLERY, "imported.jpg"), "wb") as out:
        out.write(data)
    return "ok"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
