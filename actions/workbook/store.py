"""Uploads kept between the dry run and the confirmation.

The file lives in a private temp directory under a random token; the
session holds the token, so the confirmation reads only a file this server
wrote for this user. A client-sent path is never used.
"""

import json
import re
import tempfile
import time
import uuid
from pathlib import Path

MAX_AGE_SECONDS = 24 * 3600
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


def directory():
    path = Path(tempfile.gettempdir()) / "nakai-dx-imports"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _path(token, suffix):
    if not TOKEN_RE.fullmatch(token or ""):
        raise FileNotFoundError(token)
    return directory() / f"{token}.{suffix}"


def save_upload(data):
    remove_stale()
    token = uuid.uuid4().hex
    _path(token, "upload").write_bytes(data)
    return token


def load_upload(token):
    return _path(token, "upload").read_bytes()


def save_result(token, result):
    _path(token, "result.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


def load_result(token):
    return json.loads(_path(token, "result.json").read_text(encoding="utf-8"))


def discard(token, suffix="upload"):
    try:
        _path(token, suffix).unlink(missing_ok=True)
    except FileNotFoundError:
        pass


def remove_stale():
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in directory().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
