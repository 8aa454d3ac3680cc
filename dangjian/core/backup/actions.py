"""Backup, restore and the restore drill (SEC-19..21), each audited. The management commands call these.

A backup carries the personal-data keys, because without them the encrypted 身份证号 and phone numbers of a
restored database cannot be read; the backup key that protects the file is kept apart (docs/operations.md).
"""

from __future__ import annotations

import getpass
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.utils import timezone

from dangjian.core import audit
from dangjian.core.backup import engines
from dangjian.core.backup.archive import BackupRefused, OpenedBackup, create_private, opened, write_archive
from dangjian.core.models import AuditResult

# The settings a restored database needs to be readable, and the file each comes from when not in the environment.
KEYS = {"DANGJIAN_FIELD_KEY": "field_key", "DANGJIAN_INDEX_KEY": "index_key", "DANGJIAN_AUDIT_KEY": "audit_key"}
# Keys that backups made before they existed do not carry (the audit chain's key came with issue 11).
LATER_KEYS = {"DANGJIAN_AUDIT_KEY"}
PATTERN = "dangjian-*.djbak"


def operator() -> str:
    """Who ran a command, for the audit log (commands run outside any web session)."""
    try:
        return f"命令行:{getpass.getuser()}"[:150]
    except (KeyError, OSError):
        return "命令行"


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


@contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(dir=_private_dir(Path(settings.DANGJIAN_BACKUP_DIR)), prefix=".work-") as tmp:
        yield Path(tmp)


def _dump(dest: Path) -> dict[str, Any]:
    return engines.sqlite_dump(dest) if connection.vendor == "sqlite" else engines.pg_dump(dest)


@dataclass
class BackupResult:
    path: Path
    contents: dict[str, Any]
    pruned: list[Path] = field(default_factory=list)


def make_backup(directory: Path | None = None, keep: int | None = None, actor_name: str = "") -> BackupResult:
    """Write one encrypted backup of the live database with its keys, then keep only the newest `keep` files."""
    directory = _private_dir(Path(directory or settings.DANGJIAN_BACKUP_DIR))
    keep = settings.DANGJIAN_BACKUP_KEEP if keep is None else keep
    if keep < 1:
        raise ValueError("至少保留 1 份备份")
    now = timezone.now()
    path = directory / f"dangjian-{now:%Y%m%d-%H%M%S-%f}.djbak"
    with _workdir() as tmp:
        contents = _dump(tmp / "database")
        manifest = {
            **contents, "engine": connection.vendor, "created": now.isoformat(),
            "keys": {name: getattr(settings, name) for name in KEYS},
        }
        write_archive(path, {"app": "dangjian", "engine": connection.vendor, "created": now.isoformat()},
                      manifest, tmp / "database")
    pruned = sorted(directory.glob(PATTERN))[:-keep]
    for old in pruned:
        old.unlink()
    audit.record("core.backup", actor=None, actor_name=actor_name or operator(), reason=path.name,
                 changes={"表数": len(contents["tables"]), "行数": sum(contents["tables"].values()),
                          "删除旧备份": [p.name for p in pruned]})
    return BackupResult(path, contents, pruned)


def _check_keys(backup: OpenedBackup, write_keys: bool) -> list[str]:
    """The keys in the backup (personal data, audit chain) must be the ones this installation reads with, or be
    written."""
    bundled = backup.manifest.get("keys") or {}
    differing = [name for name in KEYS if (name in bundled or name not in LATER_KEYS)
                 and bundled.get(name) != getattr(settings, name)]
    if differing and not write_keys:
        raise BackupRefused(
            f"备份中的密钥（{'、'.join(differing)}）与本系统当前的不同，恢复后加密的身份证号和电话将无法读取、"
            "审计日志将无法校验；如确认要换用备份中的密钥，请加 --write-keys"
        )
    in_environment = [name for name in differing if os.environ.get(name)]
    if in_environment:
        raise BackupRefused(
            f"{'、'.join(in_environment)} 由环境变量设定，与备份中的不同；请改为备份中的值或取消该变量后再恢复"
        )
    return differing


def _write_keys(backup: OpenedBackup, names: list[str]) -> None:
    keys = _private_dir(Path(settings.VAR_DIR) / "keys")
    for name in names:
        partial = keys / f".{KEYS[name]}.new"
        partial.unlink(missing_ok=True)
        with create_private(partial) as out:
            out.write(backup.manifest["keys"][name].encode())
        partial.replace(keys / KEYS[name])


def _refused(action: str, path: Path, actor_name: str, exc: Exception) -> None:
    """Audit a refused restore or drill; a database too broken to take the entry must not hide the reason."""
    with suppress(DatabaseError):
        audit.record(action, actor=None, actor_name=actor_name or operator(), result=AuditResult.FAILURE,
                     reason=f"{path.name}：{exc}")


def restore_backup(path: Path, *, write_keys: bool = False, actor_name: str = "") -> dict[str, Any]:
    """Replace the live database with a backup, after the whole file has been checked (stop the app first).

    Nothing in the database changes unless the checksum, the engine, the backup key, the GCM tag and the
    personal-data keys all pass; PostgreSQL restores in one transaction, SQLite through the backup API.
    """
    try:
        with _workdir() as tmp, opened(path, connection.vendor, tmp) as backup:
            new_keys = _check_keys(backup, write_keys)
            connections.close_all()
            if connection.vendor == "sqlite":
                engines.sqlite_restore(backup.database, Path(connection.settings_dict["NAME"]))
            else:
                engines.pg_restore(backup.database, clean=True)
            _write_keys(backup, new_keys)
    except (BackupRefused, engines.RestoreFailed) as exc:
        _refused("core.restore", path, actor_name, exc)
        raise
    # Written into the restored database, so its log shows where it came from.
    audit.record("core.restore", actor=None, actor_name=actor_name or operator(), reason=path.name,
                 changes={"备份时间": backup.header.get("created", ""), "写入密钥": new_keys})
    return backup.manifest


@dataclass
class DrillResult:
    expected: dict[str, Any]
    restored: dict[str, Any]

    @property
    def mismatches(self) -> list[str]:
        tables = sorted(set(self.expected["tables"]) | set(self.restored["tables"]))
        found = [
            f"{t}：备份 {self.expected['tables'].get(t)} 行，恢复 {self.restored['tables'].get(t)} 行"
            for t in tables if self.expected["tables"].get(t) != self.restored["tables"].get(t)
        ]
        if self.expected["audit"] != self.restored["audit"]:
            found.append("审计日志内容与备份时不一致")
        return found


def restore_drill(path: Path, actor_name: str = "") -> DrillResult:
    """Restore a backup into a scratch database and compare every table's rows and the audit log with what the
    backup recorded at dump time (the quarterly drill of SEC-21; the live database is not touched)."""
    try:
        with _workdir() as tmp, opened(path, connection.vendor, tmp) as backup:
            if connection.vendor == "sqlite":
                engines.sqlite_restore(backup.database, tmp / "drill.sqlite3")
                restored = engines.sqlite_contents(tmp / "drill.sqlite3")
            else:
                with engines.pg_scratch_database() as name:
                    engines.pg_restore(backup.database, name, clean=False)
                    restored = engines.pg_contents(name)
    except (BackupRefused, engines.RestoreFailed) as exc:
        _refused("core.restore_drill", path, actor_name, exc)
        raise
    result = DrillResult({"tables": backup.manifest["tables"], "audit": backup.manifest["audit"]}, restored)
    audit.record(
        "core.restore_drill", actor=None, actor_name=actor_name or operator(), reason=path.name,
        result=AuditResult.FAILURE if result.mismatches else AuditResult.SUCCESS,
        changes={"表数": len(restored["tables"]), "行数": sum(restored["tables"].values()),
                 "审计日志行数": restored["audit"]["rows"], "不一致": result.mismatches[:20]},
    )
    return result
