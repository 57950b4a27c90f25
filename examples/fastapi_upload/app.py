"""A small FastAPI upload service. Insecure on purpose: the input of `devsecbots harden`."""

import os

import uvicorn
from fastapi import FastAPI, File, UploadFile
from fastapi.responses import FileResponse

UPLOAD_DIR = os.environ.get("UPLOAD_DIR", "uploads")

app = FastAPI(title="upload service")


@app.post("/upload")
async def upload(file: UploadFile = File(...)):
    os.makedirs(UPLOAD_DIR, exist_ok=True)
    path = os.path.join(UPLOAD_DIR, file.filename)
    with open(path, "wb") as out:
        out.write(await file.read())
    return {"stored": os.path.basename(path)}


@app.get("/files/{name:path}")
def download(name: str):
    return FileResponse(os.path.join(UPLOAD_DIR, name))


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000)
