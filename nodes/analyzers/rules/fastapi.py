# Tests for fastapi.yaml (semgrep --test). Not meant to run.
import html
import os
import re
import shlex
import shutil
from enum import Enum
from pathlib import Path
import subprocess
from urllib.parse import urlparse

import httpx
import requests

import uvicorn
from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, Response, UploadFile
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from pydantic import UUID4
from app.settings import Settings, check_callback_url, get_settings, settings
from app.tenants import Item, Tenant, current_tenant, database, oauth_clients
from sqlalchemy import select

BASE = "/srv/files"
PREVIEW_HOSTS = {"example.com"}
REVIEWS_URL = "https://reviews.example.com"
app = FastAPI()

# ruleid: devsecbots.fastapi.cors-any-origin-with-credentials
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
# ok: devsecbots.fastapi.cors-any-origin-with-credentials
app.add_middleware(CORSMiddleware, allow_origins=["https://shop.example.com"], allow_credentials=True)
# ok: devsecbots.fastapi.cors-any-origin-with-credentials
app.add_middleware(CORSMiddleware, allow_origins=["*"])


def _safe_filename(name):
    return re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(name)).strip("._") or "upload"


def _contained_path(base, *parts):
    root = os.path.realpath(base)
    path = os.path.realpath(os.path.join(root, *parts))
    if os.path.commonpath([root, path]) != root:
        raise HTTPException(status_code=404)
    return path


@app.get("/files/{name}")
def download(name: str):
    # ruleid: devsecbots.fastapi.path-traversal
    return FileResponse(os.path.join(BASE, name))


@app.get("/safe-files/{name}")
def safe_download(name: str):
    # ok: devsecbots.fastapi.path-traversal
    return FileResponse(_contained_path(BASE, name))


@app.get("/read")
async def read(path: str):
    # ruleid: devsecbots.fastapi.path-traversal
    with open(path) as handle:
        return {"text": handle.read()}


@app.get("/read-checked")
async def read_checked(path: str):
    if ".." in path:
        raise HTTPException(status_code=400)
    # ok: devsecbots.fastapi.path-traversal
    with open(os.path.join(BASE, path)) as handle:
        return {"text": handle.read()}


@app.post("/upload")
async def upload(file: UploadFile = File(...)):
    # ruleid: devsecbots.fastapi.upload-unsanitised-filename
    target = os.path.join(BASE, file.filename)
    with open(target, "wb") as out:
        out.write(await file.read())
    return {"stored": file.filename}


@app.post("/upload-here")
async def upload_here(file: UploadFile = File(...)):
    # ruleid: devsecbots.fastapi.upload-unsanitised-filename
    with open(file.filename, "wb") as out:
        out.write(await file.read())


@app.post("/upload-safe")
async def upload_safe(file: UploadFile = File(...)):
    # ok: devsecbots.fastapi.upload-unsanitised-filename, devsecbots.fastapi.path-traversal
    target = _contained_path(BASE, _safe_filename(file.filename))
    # ok: devsecbots.fastapi.upload-unsanitised-filename, devsecbots.fastapi.path-traversal
    with open(target, "wb") as out:
        out.write(await file.read())
    return {"stored": os.path.basename(target)}


@app.post("/upload-imported")
async def upload_imported(file: UploadFile = File(...)):
    suffix = Path(file.filename).suffix
    # ok: devsecbots.fastapi.upload-unsanitised-filename
    target = os.path.join(BASE, "import-" + str(os.getpid()) + suffix)
    # ok: devsecbots.fastapi.path-traversal
    with open(target, "wb") as out:
        out.write(await file.read())
    # ruleid: devsecbots.fastapi.upload-unsanitised-filename
    return os.path.join(BASE, Path(file.filename).stem + suffix)


@app.get("/go")
def go(next: str = "/"):
    # ruleid: devsecbots.fastapi.open-redirect
    return RedirectResponse(next)


@app.get("/go-checked")
def go_checked(next: str = "/"):
    if next not in {"/", "/files"}:
        return RedirectResponse("/")
    # ok: devsecbots.fastapi.open-redirect
    return RedirectResponse(next)


@app.get("/login")
def login(request: Request, tenant: Tenant = Depends(current_tenant), screen: str = "login"):
    if screen == "register":
        # ok: devsecbots.fastapi.open-redirect
        return RedirectResponse(tenant.url_path_for(request, "register:register"))
    # ok: devsecbots.fastapi.open-redirect
    return RedirectResponse(str(request.url_for("auth:login")))


@app.get("/oauth/authorize")
async def authorize(request: Request, provider: str, state: str):
    client = oauth_clients[provider]
    url = await client.get_authorization_url(str(request.url_for("callback")), state=state)
    # ok: devsecbots.fastapi.open-redirect
    return RedirectResponse(url)


@app.get("/saml/login")
async def saml_login(request: Request, next: str = "/"):
    auth = init_saml_auth(await prepare_request(request))
    if request.query_params.get("sso"):
        # ok: devsecbots.fastapi.open-redirect
        return RedirectResponse(auth.login(return_to=next))
    # ruleid: devsecbots.fastapi.open-redirect
    return RedirectResponse(auth.redirect_to(next))


@app.get("/dashboard/login")
async def dashboard_login(request: Request, screen: str = "login", fief=Depends(get_fief)):
    url = await fief.auth_url(
        redirect_uri=str(request.url_for("callback")), extras_params={"screen": screen}
    )
    if screen == "back":
        # ruleid: devsecbots.fastapi.open-redirect
        return RedirectResponse(request.query_params["next"])
    # ok: devsecbots.fastapi.open-redirect
    return RedirectResponse(url=url)


@app.get("/continue")
def continue_to(request: Request, tenant: Tenant = Depends(current_tenant), next: str = "/"):
    # ruleid: devsecbots.fastapi.open-redirect
    return RedirectResponse(tenant.absolute_url(request, next))


@app.get("/search")
async def search(q: str, sort: str, limit: int, db=Depends(database)):
    # ruleid: devsecbots.fastapi.sql-injection
    await db.execute(f"SELECT * FROM items WHERE name = '{q}'")
    # ruleid: devsecbots.fastapi.sql-injection
    await db.fetch_all("SELECT * FROM items ORDER BY " + sort)
    # ok: devsecbots.fastapi.sql-injection
    await db.execute("SELECT * FROM items WHERE name = :q", {"q": q})
    # ok: devsecbots.fastapi.sql-injection
    await db.execute(f"SELECT * FROM items LIMIT {int(limit)}")
    # ok: devsecbots.fastapi.sql-injection
    await db.execute(select(Item).where(Item.name == q).order_by(Item.id))
    if sort not in {"name", "price"}:
        raise HTTPException(400)
    # ok: devsecbots.fastapi.sql-injection
    return await db.fetch_all(f"SELECT * FROM items ORDER BY {sort}")


def purge_table(db, table: str):
    # ok: devsecbots.fastapi.sql-injection
    return db.execute(f"DELETE FROM {table}")


@app.get("/hello")
def hello(name: str = "world"):
    # ruleid: devsecbots.fastapi.xss
    return HTMLResponse("<h1>Hello " + name + "</h1>")


@app.get("/hello-safe")
def hello_safe(name: str = "world"):
    # ok: devsecbots.fastapi.xss
    return HTMLResponse("<h1>Hello " + html.escape(name) + "</h1>")


@app.get("/remember")
def remember(theme: str, response: Response):
    # ruleid: devsecbots.fastapi.insecure-cookie
    response.set_cookie("theme", theme)
    # ok: devsecbots.fastapi.insecure-cookie
    response.set_cookie("sid", "x", secure=True, httponly=True, samesite="lax")
    # ok: devsecbots.fastapi.insecure-cookie
    response.set_cookie("sid", "x", secure=os.getenv("COOKIE_SECURE", "1") != "0", httponly=True)
    # ruleid: devsecbots.fastapi.insecure-cookie
    response.set_cookie("sid", "x", secure=os.getenv("COOKIE_SECURE", "0") == "1", httponly=True)
    # ok: devsecbots.fastapi.insecure-cookie
    response.set_cookie("sid", "x", secure=settings.cookie_secure, httponly=True)
    return {"ok": True}


if __name__ == "__main__":
    # ruleid: devsecbots.fastapi.bind-all-interfaces
    uvicorn.run(app, host="0.0.0.0", port=8000)
    # ok: devsecbots.fastapi.bind-all-interfaces
    uvicorn.run(app, host=os.environ.get("BIND_HOST", "127.0.0.1"), port=8000)


# --- command, code and URL injection -------------------------------------------------------------


@app.get("/ping")
def ping(host: str):
    # ruleid: devsecbots.fastapi.command-injection
    return subprocess.check_output("ping -c1 " + host, shell=True)


@app.get("/ping-quoted")
def ping_quoted(host: str):
    # ok: devsecbots.fastapi.command-injection
    return subprocess.check_output("ping -c1 " + shlex.quote(host), shell=True)


@app.get("/ping-count")
async def ping_count(count: int, settings: Settings = Depends(get_settings)):
    # ok: devsecbots.fastapi.command-injection
    return subprocess.check_output(f"ping -c{count} {settings.gateway}", shell=True)


@app.post("/calc")
async def calc(expr: str = Form(...)):
    # ruleid: devsecbots.fastapi.code-injection
    return {"value": eval(expr)}


@app.post("/calc-checked")
async def calc_checked(expr: str = Form(...)):
    if not re.fullmatch(r"[0-9+*/ -]+", expr):
        raise HTTPException(status_code=400)
    # ok: devsecbots.fastapi.code-injection
    return {"value": eval(expr)}


@app.get("/preview")
def preview(url: str):
    # ruleid: devsecbots.fastapi.ssrf
    return {"body": requests.get(url, timeout=5).text}


@app.get("/preview-checked")
async def preview_checked(url: str):
    if urlparse(url).hostname not in PREVIEW_HOSTS:
        raise HTTPException(status_code=400)
    async with httpx.AsyncClient() as client:
        # ok: devsecbots.fastapi.ssrf
        return {"body": (await client.get(url)).text}


@app.get("/users/{name}")
def github_user(name: str):
    # ok: devsecbots.fastapi.ssrf
    return requests.get(f"https://api.github.com/users/{name}", timeout=5).json()


@app.get("/reviews/{ext_id}")
async def reviews(ext_id: str, request: Request):
    async with httpx.AsyncClient() as client:
        # ok: devsecbots.fastapi.ssrf
        await client.get(settings.reviews_url + f"/reviews/{ext_id}?{request.query_params}")
        # ok: devsecbots.fastapi.ssrf
        await client.get(f"{REVIEWS_URL}/reviews/{ext_id}")
        # ruleid: devsecbots.fastapi.ssrf
        await client.get(settings.reviews_url + ext_id)


@app.get("/lnurl")
async def lnurl(url: str):
    check_callback_url(url)
    # ok: devsecbots.fastapi.ssrf
    return requests.get(url, timeout=2).json()


FRONTEND = Path("frontend-dist")
SHIPPED = {"frontend-dist/index.html", "frontend-dist/app.js"}


@app.get("/ui/{full_path:path}")
async def frontend(full_path: str):
    # ok: devsecbots.fastapi.path-traversal
    path = FRONTEND / Path(full_path)
    if path.is_file() and str(path) in SHIPPED:
        # ok: devsecbots.fastapi.path-traversal
        return FileResponse(path)
    if path.is_file() or str(path) in SHIPPED:
        # ruleid: devsecbots.fastapi.path-traversal
        return FileResponse(path)
    # ruleid: devsecbots.fastapi.path-traversal
    return FileResponse(path)


@app.get("/notes/{name}")
async def note(name: str):
    # ruleid: devsecbots.fastapi.path-traversal
    return (Path(BASE) / name).read_text()


@app.get("/disk")
def disk(folder: str = "."):
    # ok: devsecbots.fastapi.command-injection
    subprocess.check_output(["du", "-sh", str(folder)])
    # ruleid: devsecbots.fastapi.command-injection
    subprocess.check_output(["sh", "-c", "du -sh " + folder])
    # ruleid: devsecbots.fastapi.command-injection
    return subprocess.check_output([folder, "-sh"])


class ImageSize(str, Enum):
    original = "original.webp"
    small = "small.webp"


class LooseSize(str, Enum):
    original = "original.webp"
    parent = "../original.webp"


@app.delete("/events/{item_id}")
def delete_event(item_id: UUID4):
    # ok: devsecbots.fastapi.path-traversal
    shutil.rmtree(Path(BASE) / str(item_id))


@app.delete("/events/by-name/{name}")
def delete_event_by_name(name: str):
    # ruleid: devsecbots.fastapi.path-traversal
    shutil.rmtree(Path(BASE) / str(name))


@app.get("/covers/{size}")
async def cover(size: ImageSize = ImageSize.original):
    # ok: devsecbots.fastapi.path-traversal
    return FileResponse(os.path.join(BASE, size.value))


@app.get("/loose-covers/{size}")
async def loose_cover(size: LooseSize = LooseSize.original):
    # ruleid: devsecbots.fastapi.path-traversal
    return FileResponse(os.path.join(BASE, size.value))


@app.get("/pages/{page}")
def page_file(page: int = Depends(get_settings)):
    # ruleid: devsecbots.fastapi.path-traversal
    return FileResponse(os.path.join(BASE, f"{page}.html"))


class TimelineViews:
    @app.delete("/timeline/{item_id}")
    def delete_one(self, item_id: UUID4):
        event = self.repo.delete_one(item_id)
        # ok: devsecbots.fastapi.path-traversal
        shutil.rmtree(event.image_dir)

    @app.delete("/timeline/by-slug/{slug}")
    def delete_by_slug(self, slug: str):
        event = self.repo.delete_by_slug(slug)
        # ruleid: devsecbots.fastapi.path-traversal
        shutil.rmtree(event.image_dir)
