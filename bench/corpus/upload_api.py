"""JSON API for document uploads."""

import os
import uuid

from flask import Flask, jsonify, request

app = Flask(__name__)
STORE = os.environ.get("STORE", "/var/lib/docs")


@app.post("/api/documents")
def create_document():
    document = request.files["document"]
    name = document.filename
    folder = os.path.join(STORE, str(uuid.uuid4()))
    os.makedirs(folder)
    document.save(os.path.join(folder, name))
    return jsonify(id=os.path.basename(folder), name=name), 201
