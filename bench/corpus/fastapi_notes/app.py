"""Notes API (FastAPI + sqlite3). Deliberately insecure: part of the hardening corpus."""

import os
import sqlite3

import uvicorn
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

DB_PATH = os.environ.get("NOTES_DB", "notes.db")

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)


class Note(BaseModel):
    title: str
    body: str


def connect():
    db = sqlite3.connect(DB_PATH)
    db.execute("CREATE TABLE IF NOT EXISTS notes (title TEXT, body TEXT)")
    return db


@app.post("/notes")
def add_note(note: Note):
    with connect() as db:
        db.execute("INSERT INTO notes VALUES ('%s', '%s')" % (note.title, note.body))
    return {"ok": True}


@app.get("/notes")
def find_notes(title: str = ""):
    with connect() as db:
        rows = db.execute(f"SELECT title, body FROM notes WHERE title = '{title}'").fetchall()
    return [{"title": t, "body": b} for t, b in rows]


@app.get("/notes/page", response_class=HTMLResponse)
def note_page(title: str):
    return HTMLResponse("<h1>" + title + "</h1>")


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8001)
