"""Report downloads (FastAPI). Deliberately insecure: part of the hardening corpus."""

import hashlib
import os
import subprocess

import yaml
from fastapi import FastAPI, File, UploadFile
from fastapi.responses import FileResponse, RedirectResponse

REPORTS = os.environ.get("REPORTS_DIR", "reports")

app = FastAPI()


@app.get("/reports/{name:path}/size")
def report_size(name: str):
    path = os.path.join(REPORTS, name)
    with open(path, "rb") as handle:
        return {"bytes": len(handle.read())}


@app.get("/reports/{name:path}")
def report(name: str):
    return FileResponse(os.path.join(REPORTS, name))


@app.post("/reports")
async def add_report(file: UploadFile = File(...)):
    os.makedirs(REPORTS, exist_ok=True)
    data = await file.read()
    with open(os.path.join(REPORTS, file.filename), "wb") as out:
        out.write(data)
    return {"checksum": hashlib.md5(data).hexdigest()}


@app.post("/config")
async def load_config(file: UploadFile = File(...)):
    return yaml.load(await file.read(), Loader=yaml.Loader)


@app.get("/disk")
def disk(folder: str = "."):
    out = subprocess.check_output("du -sh " + folder, shell=True)
    return {"usage": out.decode().split()[0]}


@app.get("/back")
def back(to: str = "/"):
    return RedirectResponse(to)
