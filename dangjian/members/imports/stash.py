"""The uploaded import file between preview and commit (issue 11 finding 5): kept under var/imports/, encrypted
with SM4-GCM under a key derived from the personal-data key, so the 身份证号 in it are never on disk in clear;
deleted on commit, when the uploader discards it, and an hour after the upload (on the next access, the next
upload, or `dangjian purge_imports` from the hourly job).

Each upload is one file `<token>.djimp`: nonce, then the encrypted JSON of the uploader, the file name, the
preview report and the workbook (base64), authenticated with the token as associated data so a file cannot be
swapped under another token."""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from django.conf import settings

from dangjian.core.crypto import derive_key, sm4_gcm
from dangjian.core.files import create_private

TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")
MAX_AGE_SECONDS = 3600
SUFFIX = ".djimp"


class Missing(Exception):
    """No such upload for this user: unknown, expired, foreign, or unreadable."""


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _key() -> bytes:
    return derive_key(str(settings.DANGJIAN_FIELD_KEY), b"dangjian-import-stash")


def _path(token: str) -> Path:
    return _folder() / f"{token}{SUFFIX}"


def purge(now: float | None = None) -> int:
    """Delete every kept upload older than an hour (and files of the old clear format); how many went."""
    cutoff = (now or time.time()) - MAX_AGE_SECONDS
    gone = 0
    for item in _folder().iterdir():
        old_format = item.suffix in (".xlsx", ".json")
        if old_format or (item.suffix == SUFFIX and item.stat().st_mtime < cutoff):
            item.unlink(missing_ok=True)
            gone += 1
    return gone


def _seal(token: str, record: dict[str, Any]) -> bytes:
    nonce = os.urandom(12)
    encryptor = sm4_gcm(_key(), nonce).encryptor()
    encryptor.authenticate_additional_data(token.encode())
    body = encryptor.update(json.dumps(record, ensure_ascii=False).encode()) + encryptor.finalize()
    return nonce + body + encryptor.tag


def _open(token: str, blob: bytes) -> dict[str, Any]:
    nonce, body, tag = blob[:12], blob[12:-16], blob[-16:]
    decryptor = sm4_gcm(_key(), nonce, tag).decryptor()
    decryptor.authenticate_additional_data(token.encode())
    try:
        data = decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise Missing from exc
    return dict(json.loads(data))


def _write(token: str, record: dict[str, Any]) -> None:
    path = _path(token)
    partial = path.with_suffix(".part")
    partial.unlink(missing_ok=True)
    with create_private(partial) as out:
        out.write(_seal(token, record))
    partial.replace(path)


def keep(content: bytes, *, user_id: int | None, file_name: str, report: dict[str, Any]) -> str:
    """Keep an accepted upload for its uploader; the token that names it."""
    purge()
    token = secrets.token_urlsafe(16)
    _write(token, {"user_id": user_id, "file_name": file_name, "report": report,
                   "content": base64.b64encode(content).decode()})
    return token


def load(token: str, user_id: int | None) -> dict[str, Any]:
    """The uploader's own kept upload ("content" as bytes); Missing for anything else. An expired one is deleted."""
    if not TOKEN.match(token):
        raise Missing
    path = _path(token)
    try:
        if time.time() - path.stat().st_mtime > MAX_AGE_SECONDS:
            path.unlink(missing_ok=True)
            raise Missing
        record = _open(token, path.read_bytes())
    except (OSError, ValueError) as exc:
        raise Missing from exc
    if record.get("user_id") != user_id:
        raise Missing
    record["content"] = base64.b64decode(record["content"])
    return record


def update_report(token: str, record: dict[str, Any], report: dict[str, Any]) -> None:
    """Replace the preview report of a kept upload (after a refused commit), keeping its age."""
    path = _path(token)
    mtime = path.stat().st_mtime
    _write(token, {**record, "report": report, "content": base64.b64encode(record["content"]).decode()})
    os.utime(path, (mtime, mtime))


def discard(token: str) -> None:
    if TOKEN.match(token):
        _path(token).unlink(missing_ok=True)
