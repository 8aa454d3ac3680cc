"""The backup file: SM4-GCM encrypted, SM3-checksummed, checked completely before anything uses it (SEC-21).

Layout: ``MAGIC | header length (4 bytes) | header (JSON, clear) | ciphertext | GCM tag (16) | SM3 (32)``.
The clear header names the format, the database engine and the fingerprint of the backup key, so a file of
another engine or another installation is recognised with a precise message; the GCM tag (with the header as
associated data) proves the rest was written with this key and not altered; the SM3 digest over everything
before it catches a damaged or truncated file before any decryption is tried. The ciphertext is a tar stream
of ``manifest.json`` (row counts, audit digest, the personal-data keys) and ``database`` (the dump).
"""

from __future__ import annotations

import json
import os
import struct
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from django.conf import settings

from dangjian.core.crypto import derive_key, fingerprint, sm3_hasher, sm4_gcm
from dangjian.core.files import create_private

MAGIC = b"DANGJIAN-BACKUP\n"
FORMAT = 1
TAG_BYTES = 16
DIGEST_BYTES = 32
CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
DATABASE = "database"


class BackupRefused(Exception):
    """A backup file that must not be restored; the message says why, in words an operator can act on."""


def backup_key() -> bytes:
    return derive_key(settings.DANGJIAN_BACKUP_KEY, b"dangjian-backup-sm4")


class _EncryptingWriter:
    """A write-only file for tarfile: encrypts what it is given and feeds the checksum."""

    def __init__(self, out: BinaryIO, encryptor: Any, digest: Any) -> None:
        self.out, self.encryptor, self.digest = out, encryptor, digest

    def write(self, data: bytes) -> int:
        self.emit(self.encryptor.update(data))
        return len(data)

    def emit(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)


def write_archive(dest: Path, header: dict[str, Any], manifest: dict[str, Any], database: Path) -> None:
    """Write the encrypted file at `dest` (0600), through a temporary name so no half file carries a real one."""
    key = backup_key()
    nonce = os.urandom(12)
    header = {**header, "format": FORMAT, "key_id": fingerprint(key), "nonce": nonce.hex()}
    head = json.dumps(header, ensure_ascii=False).encode()
    prefix = MAGIC + struct.pack(">I", len(head)) + head
    partial = dest.with_name(dest.name + ".partial")
    digest = sm3_hasher()
    encryptor = sm4_gcm(key, nonce).encryptor()
    encryptor.authenticate_additional_data(prefix)
    try:
        with create_private(partial) as out:
            out.write(prefix)
            digest.update(prefix)
            writer = _EncryptingWriter(out, encryptor, digest)
            with tarfile.open(fileobj=writer, mode="w|") as tar:  # type: ignore[call-overload]
                body = json.dumps(manifest, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(body)
                tar.addfile(info, _BytesReader(body))
                tar.add(database, arcname=DATABASE)
            writer.emit(encryptor.finalize() + encryptor.tag)
            out.write(digest.finalize())
            out.flush()
            os.fsync(out.fileno())
        partial.replace(dest)
    finally:
        partial.unlink(missing_ok=True)


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.pos + size
        chunk, self.pos = self.data[self.pos:end], min(end, len(self.data))
        return chunk


def _chunks(f: BinaryIO, length: int) -> Iterator[bytes]:
    while length > 0:
        block = f.read(min(CHUNK, length))
        if not block:
            raise BackupRefused("备份文件不完整（长度不足），已拒绝恢复")
        length -= len(block)
        yield block


def _verify_checksum(path: Path) -> int:
    """Check the SM3 digest at the end of the file; return the length it covers."""
    size = path.stat().st_size
    if size < len(MAGIC) + 4 + TAG_BYTES + DIGEST_BYTES:
        raise BackupRefused("备份文件不完整（文件过短），已拒绝恢复")
    with path.open("rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            raise BackupRefused("该文件不是本系统的备份文件，已拒绝恢复")
        f.seek(0)
        digest = sm3_hasher()
        for block in _chunks(f, size - DIGEST_BYTES):
            digest.update(block)
        if digest.finalize() != f.read(DIGEST_BYTES):
            raise BackupRefused("备份文件已损坏或不完整（SM3 校验和不符），已拒绝恢复")
    return size - DIGEST_BYTES


def _read_header(f: BinaryIO) -> tuple[bytes, dict[str, Any]]:
    f.seek(len(MAGIC))
    (length,) = struct.unpack(">I", f.read(4))
    head = f.read(length)
    try:
        header = json.loads(head)
    except ValueError as exc:
        raise BackupRefused("备份文件头无法读取，已拒绝恢复") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupRefused(f"备份文件格式版本不受支持（{header.get('format') if isinstance(header, dict) else '?'}），已拒绝恢复")
    return MAGIC + struct.pack(">I", length) + head, header


ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class OpenedBackup:
    """A backup checked in full and decrypted into a private directory, valid inside `opened(...)`."""

    header: dict[str, Any]
    manifest: dict[str, Any]
    database: Path


@contextmanager
def opened(path: Path, engine: str, workdir: Path) -> Iterator[OpenedBackup]:
    """Check `path` completely and decrypt it into `workdir`, or raise BackupRefused naming the reason.

    The order matters: the checksum first (a damaged file never reaches the decryptor), then the engine and the
    key fingerprint from the header (clear messages for a file of another kind), then the GCM tag over the
    whole body (proof that this installation's key wrote it), and only then is anything extracted.
    """
    if not path.is_file():
        raise BackupRefused(f"找不到备份文件：{path}")
    covered = _verify_checksum(path)
    key = backup_key()
    plain = workdir / "payload.tar"
    with path.open("rb") as f:
        prefix, header = _read_header(f)
        if header.get("engine") != engine:
            theirs = ENGINE_NAMES.get(str(header.get("engine")), str(header.get("engine")))
            raise BackupRefused(
                f"该备份来自 {theirs} 数据库，本系统使用 {ENGINE_NAMES.get(engine, engine)}，不能恢复到这里"
            )
        if header.get("key_id") != fingerprint(key):
            raise BackupRefused(
                "该备份由另一套系统生成（备份密钥不同），本系统不能解密；"
                "请在配置 DANGJIAN_BACKUP_KEY 为原系统的备份密钥后再恢复"
            )
        body = covered - len(prefix) - TAG_BYTES
        if body < 0:
            raise BackupRefused("备份文件不完整（长度不足），已拒绝恢复")
        f.seek(len(prefix) + body)
        tag = f.read(TAG_BYTES)
        f.seek(len(prefix))
        try:
            decryptor = sm4_gcm(key, bytes.fromhex(str(header.get("nonce"))), tag).decryptor()
        except ValueError as exc:
            raise BackupRefused("备份文件头无效（缺少加密参数），已拒绝恢复") from exc
        decryptor.authenticate_additional_data(prefix)
        try:
            with create_private(plain) as out:
                for block in _chunks(f, body):
                    out.write(decryptor.update(block))
                out.write(decryptor.finalize())
        except InvalidTag as exc:
            raise BackupRefused("备份文件内容无法通过完整性验证（可能被篡改或密钥不符），已拒绝恢复") from exc
    manifest, database = _extract(plain, workdir)
    plain.unlink()
    yield OpenedBackup(header=header, manifest=manifest, database=database)


def _extract(plain: Path, workdir: Path) -> tuple[dict[str, Any], Path]:
    """Read the two known members only (never `extractall`: names in an archive are not trusted)."""
    database = workdir / DATABASE
    manifest: dict[str, Any] | None = None
    with tarfile.open(plain, mode="r:") as tar:
        for member in tar:
            source = tar.extractfile(member)
            if source is None:
                continue
            if member.name == MANIFEST:
                manifest = json.loads(source.read())
            elif member.name == DATABASE:
                with create_private(database) as out:
                    while block := source.read(CHUNK):
                        out.write(block)
    if manifest is None or not database.exists():
        raise BackupRefused("备份文件缺少清单或数据库内容，已拒绝恢复")
    return manifest, database
