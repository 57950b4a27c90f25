"""Thumbnail service: upload an image, get a thumbnail back."""

import os
import subprocess

from flask import Flask, request, send_file

UPLOADS = "/tmp/images"

app = Flask(__name__)


@app.post("/thumbnail")
def thumbnail():
    image = request.files["image"]
    source = os.path.join(UPLOADS, image.filename)
    image.save(source)
    target = source + ".thumb.png"
    subprocess.run(f"convert {source} -resize 128x128 {target}", shell=True, check=True)
    return send_file(target)


if __name__ == "__main__":
    os.makedirs(UPLOADS, exist_ok=True)
    app.run(host="0.0.0.0")
