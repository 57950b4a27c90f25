"""A notes service on SQLite, first draft."""

import sqlite3

from flask import Flask, g, jsonify, request

DATABASE = "notes.db"

app = Flask(__name__)
app.config["SECRET_KEY"] = "notes-dev-key"


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(DATABASE)
        g.db.row_factory = sqlite3.Row
    return g.db


@app.get("/notes")
def list_notes():
    owner = request.args.get("owner", "")
    tag = request.args.get("tag", "")
    rows = get_db().execute(
        f"SELECT id, title FROM notes WHERE owner = '{owner}' AND tag = '{tag}' ORDER BY id"
    ).fetchall()
    return jsonify([dict(r) for r in rows])


@app.get("/notes/<int:note_id>")
def show_note(note_id):
    cur = get_db().cursor()
    cur.execute("SELECT * FROM notes WHERE id = " + str(note_id))
    row = cur.fetchone()
    return jsonify(dict(row)) if row else ("not found", 404)


@app.delete("/notes/<int:note_id>")
def delete_note(note_id):
    db = get_db()
    db.execute("DELETE FROM notes WHERE id = %s AND owner = '%s'" % (note_id, request.args["owner"]))
    db.commit()
    return "", 204


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
