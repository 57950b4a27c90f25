"""A FastAPI upload service with none of the protections the probes look for."""

import os

from fastapi import FastAPI, UploadFile
from fastapi.responses import FileResponse
from starlette.middleware.sessions import SessionMiddleware

UPLOADS = os.path.join(os.path.dirname(__file__), "uploads")

app = FastAPI(debug=True)
app.add_middleware(SessionMiddleware, secret_key="fastapi-insecure-secret")


@app.get("/")
def index():
    """A landing page."""
    return {"service": "uploads"}


@app.post("/upload")
async def upload(file: UploadFile):
    """Store the file under the client's name."""
    os.makedirs(UPLOADS, exist_ok=True)
    with open(os.path.join(UPLOADS, file.filename), "wb") as out:
        out.write(await file.read())
    return {"stored": file.filename}


@app.get("/files/{name:path}")
def download(name: str):
    """Serve a stored file by joining the name onto the folder."""
    return FileResponse(os.path.join(UPLOADS, name))
