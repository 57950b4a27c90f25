"""Server-side sessions stored in a cookie (pickled)."""

import base64
import hashlib
import pickle

from flask import Flask, request

app = Flask(__name__)
app.secret_key = "pickle-jar"


def load_session():
    raw = request.cookies.get("state")
    if not raw:
        return {}
    return pickle.loads(base64.b64decode(raw))


def sign(data: bytes) -> str:
    return hashlib.md5(app.secret_key.encode() + data).hexdigest()


@app.route("/")
def index():
    state = load_session()
    return f"hello {state.get('name', 'stranger')}"
