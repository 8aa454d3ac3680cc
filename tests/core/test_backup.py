"""Backup and restore (SEC-19..21): the restore drill on the persona world, restore into an empty database, and
every kind of bad file refused before the database changes. Runs on SQLite in the normal suite and on
PostgreSQL in the PostgreSQL pass of .ci/run (the same tests: the engine is whatever DATABASE_URL names).

The backup reads committed data through a second process or the backup API, which the usual test transaction
would hide, so these tests work on their own committed copy of the migrated test database (the `db` fixture below).
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection

from dangjian.core import crypto
from dangjian.core.backup import archive, engines
from dangjian.core.backup.actions import make_backup, restore_backup, restore_drill
from dangjian.core.backup.archive import BackupRefused
from dangjian.core.models import AuditEvent, AuditResult
from dangjian.members.actions import create_member
from dangjian.members.models import Member
from dangjian.members.pii import read_id_card
from tests.world import World, build_world, member_data

pytestmark = pytest.mark.xdist_group("backup")


class Databases:
    """Committed copies of the migrated (empty) test database, each made the default connection in turn."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.template = connection.settings_dict["NAME"]
        self.made: list[str] = []
        connection.ensure_connection()
        self.memory = connection.connection if connection.vendor == "sqlite" else None

    def _admin(self):  # type: ignore[no-untyped-def]
        import psycopg
        from psycopg.conninfo import make_conninfo

        s = connection.settings_dict
        params = {k: s[K] for k, K in (("host", "HOST"), ("port", "PORT"), ("user", "USER"),
                                       ("password", "PASSWORD")) if s.get(K)}
        return psycopg.connect(make_conninfo(dbname="postgres", **params), autocommit=True)

    def fresh(self, label: str) -> None:
        """Point the default connection at a new copy of the migrated database, committed and empty of data."""
        self._detach()
        if connection.vendor == "sqlite":
            name = str(self.tmp_path / f"{label}.sqlite3")
            with sqlite3.connect(name) as target:
                self.memory.backup(target)  # type: ignore[union-attr]
        else:
            name = f"{self.template}_{label}"
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.made.append(name)
        connection.settings_dict["NAME"] = name

    def _detach(self) -> None:
        if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == self.template:
            connection.connection = None  # the in-memory database stays open in self.memory
        else:
            connection.close()

    def close(self) -> None:
        self._detach()
        connection.settings_dict["NAME"] = self.template
        if connection.vendor == "sqlite":
            connection.connection = self.memory
            return
        with self._admin() as admin:
            for name in self.made:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db(django_db_setup, django_db_blocker, tmp_path, settings) -> Iterator[Databases]:  # type: ignore[no-untyped-def]
    """Replaces pytest-django's `db` in this module (so the test database is still set up): no transaction
    around the test, the default connection on a committed copy instead, dropped afterwards."""
    settings.DANGJIAN_BACKUP_DIR = tmp_path / "backups"
    settings.VAR_DIR = tmp_path / "var"
    with django_db_blocker.unblock():
        databases = Databases(tmp_path)
        databases.fresh("source")
        try:
            yield databases
        finally:
            databases.close()
            cache.clear()
            crypto.provider.cache_clear()


@pytest.fixture
def populated(db: Databases) -> World:
    """The persona world plus some rows, committed."""
    world = build_world()
    for name in ("甲新增", "乙新增", "丙新增"):
        create_member(actor=world.admin, data=member_data(world.a2, name=name))
    return world


def live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def test_a_restore_drill_of_the_populated_world_finds_every_table_and_the_audit_log_as_backed_up(populated):
    before = live_counts()
    backup = make_backup()
    drill = restore_drill(backup.path)
    assert drill.mismatches == []
    # Independently of the manifest: the restored copy holds exactly what the live database held.
    assert drill.restored["tables"] == {t: n for t, n in before.items() if t in drill.restored["tables"]}
    assert set(before) <= set(drill.restored["tables"])
    assert drill.restored["tables"]["members_member"] == 6
    assert drill.restored["audit"]["rows"] == before["core_auditevent"] > 0
    entry = AuditEvent.objects.filter(action="core.restore_drill").get()
    assert entry.result == AuditResult.SUCCESS
    assert entry.changes["行数"] == sum(drill.restored["tables"].values())


def test_restoring_into_an_empty_database_brings_back_every_row_and_the_personal_data_reads(populated, db):
    before = live_counts()
    id_card = read_id_card(populated.member)
    backup = make_backup()
    db.fresh("empty")
    assert not Member.objects.exists()

    restore_backup(backup.path)

    after = live_counts()
    # Only the restore's own audit entry is new; the backup's entry was written after the dump.
    assert after == {**before, "core_auditevent": before["core_auditevent"] + 1}
    assert read_id_card(Member.objects.get(pk=populated.member.pk)) == id_card
    assert AuditEvent.objects.latest("id").action == "core.restore"


def test_a_backup_is_private_encrypted_and_only_the_newest_are_kept(populated):
    paths = [make_backup(keep=2).path for _ in range(3)]
    directory = Path(django_settings.DANGJIAN_BACKUP_DIR)
    assert sorted(directory.glob("*.djbak")) == paths[1:]
    assert directory.stat().st_mode & 0o777 == 0o700
    data = paths[-1].read_bytes()
    assert paths[-1].stat().st_mode & 0o777 == 0o600
    assert data.startswith(archive.MAGIC)
    for clear in (b"SQLite format", b"PGDMP", "李党员".encode(), django_settings.DANGJIAN_FIELD_KEY.encode()):
        assert clear not in data
    entries = AuditEvent.objects.filter(action="core.backup").order_by("id")
    assert [e.reason for e in entries] == [p.name for p in paths]
    assert entries.last().changes["删除旧备份"] == [paths[0].name]  # type: ignore[union-attr]
    assert not list(directory.glob(".work-*")) and not list(directory.glob("*.partial"))


def _reseal(data: bytes, header_change: dict[str, str]) -> bytes:
    """Change the clear header and write a valid checksum again (only the key-protected tag still holds)."""
    import json

    (length,) = struct.unpack(">I", data[len(archive.MAGIC):len(archive.MAGIC) + 4])
    start = len(archive.MAGIC) + 4
    header = {**json.loads(data[start:start + length]), **header_change}
    head = json.dumps(header).encode()
    body = archive.MAGIC + struct.pack(">I", len(head)) + head + data[start + length:-archive.DIGEST_BYTES]
    digest = crypto.sm3_hasher()
    digest.update(body)
    return body + digest.finalize()


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def _retag(data: bytes) -> bytes:
    """Alter one byte of the ciphertext and recompute the checksum: only the GCM tag can tell."""
    body = _flip(data[:-archive.DIGEST_BYTES], len(data) // 2)
    digest = crypto.sm3_hasher()
    digest.update(body)
    return body + digest.finalize()


BAD_FILES = {
    "corrupted": (lambda d: _flip(d, len(d) // 2), "已损坏或不完整"),
    "truncated": (lambda d: d[: len(d) - 1000], "已损坏或不完整"),
    "cut to a stub": (lambda d: d[:20], "不完整"),
    "not a backup": (lambda d: b"PK\x03\x04" + d[4:], "不是本系统的备份文件"),
    "tampered with a fresh checksum": (_retag, "无法通过完整性验证"),
    "with a broken header and a fresh checksum": (lambda d: _reseal(d, {"nonce": ""}), "备份文件头无效"),
    "of another engine": (
        lambda d: _reseal(d, {"engine": "postgresql" if connection.vendor == "sqlite" else "sqlite"}),
        "不能恢复到这里",
    ),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_backup_file_is_refused_before_the_database_changes(populated, kind):
    backup = make_backup()
    spoil, message = BAD_FILES[kind]
    backup.path.write_bytes(spoil(backup.path.read_bytes()))
    before = live_counts()

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(backup.path), "--yes")

    assert live_counts() == {**before, "core_auditevent": before["core_auditevent"] + 1}
    refusal = AuditEvent.objects.latest("id")
    assert (refusal.action, refusal.result) == ("core.restore", AuditResult.FAILURE)
    assert message in refusal.reason


def test_a_backup_of_another_installation_is_refused_as_foreign(populated, settings):
    backup = make_backup()
    settings.DANGJIAN_BACKUP_KEY = "another installation's backup secret"
    before = live_counts()
    with pytest.raises(BackupRefused, match="另一套系统"):
        restore_backup(backup.path)
    with pytest.raises(BackupRefused, match="另一套系统"):
        restore_drill(backup.path)
    assert live_counts() == {**before, "core_auditevent": before["core_auditevent"] + 2}


def test_a_backup_under_other_personal_data_keys_is_restored_only_with_write_keys(populated, db, settings):
    backup = make_backup()
    id_card = read_id_card(populated.member)
    bundled = settings.DANGJIAN_FIELD_KEY
    db.fresh("empty")
    settings.DANGJIAN_FIELD_KEY = "this installation's own field secret"
    with pytest.raises(BackupRefused, match="--write-keys"):
        restore_backup(backup.path)
    assert not Member.objects.exists()

    restore_backup(backup.path, write_keys=True)

    key_file = Path(settings.VAR_DIR) / "keys" / "field_key"
    assert key_file.read_text() == bundled
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert not (Path(settings.VAR_DIR) / "keys" / "index_key").exists()  # unchanged keys are not written
    settings.DANGJIAN_FIELD_KEY = key_file.read_text()
    crypto.provider.cache_clear()
    assert read_id_card(Member.objects.get(pk=populated.member.pk)) == id_card


def test_restore_asks_for_confirmation_and_the_drill_command_reports_counts(populated, capsys):
    backup = make_backup()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(backup.path))
    call_command("restore", str(backup.path), "--drill")
    out = capsys.readouterr().out
    assert "恢复演练通过" in out
    assert "members_member\t6" in out


def test_the_backup_command_names_the_file_its_size_and_the_old_files_it_removed(populated, capsys, tmp_path):
    call_command("backup", "--dir", str(tmp_path / "elsewhere"), "--keep", "1")
    first = capsys.readouterr().out
    call_command("backup", "--dir", str(tmp_path / "elsewhere"), "--keep", "1")
    second = capsys.readouterr().out
    (kept,) = (tmp_path / "elsewhere").glob("*.djbak")
    assert f"已备份：{kept}" in second and "张表" in second
    assert f"已删除旧备份：{Path(first.split('：')[1].split('（')[0]).name}" in second


def test_backup_refuses_a_retention_count_below_one(populated):
    with pytest.raises(CommandError, match="至少为 1"):
        call_command("backup", "--keep", "0")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_on_sqlite_a_database_restored_to_a_new_file_is_private(populated, tmp_path):
    backup = make_backup()
    with archive.opened(backup.path, "sqlite", tmp_path) as opened:
        assert opened.database.read_bytes()[:15] == b"SQLite format 3"
        engines.sqlite_restore(opened.database, tmp_path / "new.sqlite3")
    assert (tmp_path / "new.sqlite3").stat().st_mode & 0o777 == 0o600
    assert engines.sqlite_contents(tmp_path / "new.sqlite3")["tables"]["members_member"] == 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (DATABASE_URL)")
def test_on_postgresql_the_backup_holds_a_pg_dump_custom_format_file(populated, tmp_path):
    backup = make_backup()
    with archive.opened(backup.path, "postgresql", tmp_path) as opened:
        assert opened.database.read_bytes()[:5] == b"PGDMP"
        live = engines.pg_contents(connection.settings_dict["NAME"])["tables"]
        # The backup's own audit entry came after the dump.
        assert {**live, "core_auditevent": live["core_auditevent"] - 1} == opened.manifest["tables"]


@pytest.mark.django_db
def test_a_new_sqlite_database_file_and_its_wal_are_private(tmp_path):
    """Issue 11 finding 5: the database file was created 0644 (world-readable)."""
    import os

    from dangjian.core.sqlite.base import DatabaseWrapper

    old = os.umask(0o022)
    try:
        path = tmp_path / "fresh.sqlite3"
        wrapper = DatabaseWrapper({
            "NAME": str(path), "ENGINE": "dangjian.core.sqlite", "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
            "TIME_ZONE": None, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False, "TEST": {}, "USER": "", "PASSWORD": "", "HOST": "", "PORT": "",
        })
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x integer)")
            cursor.execute("INSERT INTO t VALUES (1)")
        files = [p for p in tmp_path.iterdir() if p.name.startswith("fresh.sqlite3")]
        assert files and all(p.stat().st_mode & 0o777 == 0o600 for p in files), [
            (p.name, oct(p.stat().st_mode)) for p in files]
        wrapper.close()
    finally:
        os.umask(old)
