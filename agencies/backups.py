"""Backups that restore: the database and MEDIA_ROOT in one directory, with a manifest that says what
a restore must find (docs/operations.md, "Backing up and restoring").

A backup directory holds:

- `database.dump`: `pg_dump --format=custom` (PostgreSQL), or `database.sqlite3`, a copy made with
  SQLite's online backup API;
- `media.tar.gz`: every file under MEDIA_ROOT (uploaded documents, images and their renditions);
- `manifest.json`: the row count of every model's table and every media file's SHA-256 (taken from
  the same snapshot the dump is), the audit chain's head, and the SHA-256 of the two files above.

`restore` checks the two files against the manifest before it touches anything, restores only into
an empty database and an empty MEDIA_ROOT, and afterwards checks the counts, the media checksums and
the audit chain against the manifest. The backup commands shell out to pg_dump and pg_restore, which
must be the server's major version or newer."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media.tar.gz"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what was left as it was."""


@dataclass
class RestoreResult:
    tables: int
    rows: int
    media_files: int
    audit_rows: int
    audit_head: str


# Helpers ----------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def model_tables() -> dict[str, str]:
    """Model label -> table, for every concrete model the database holds (many-to-many tables too)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        tables[meta.label_lower] = meta.db_table
    return dict(sorted(tables.items()))


def count_rows(cursor: Any, quote: Any) -> dict[str, int]:
    counts = {}
    for label, table in model_tables().items():
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 - table names from models
        counts[label] = cursor.fetchone()[0]
    return counts


def media_files(root: Path) -> Iterator[Path]:
    """Regular files under root, in a stable order (symbolic links are not followed or kept)."""
    if not root.is_dir():
        return
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path


def media_manifest(root: Path) -> dict[str, dict[str, Any]]:
    return {
        path.relative_to(root).as_posix(): {"sha256": sha256_file(path), "bytes": path.stat().st_size}
        for path in media_files(root)
    }


class _Hashing:
    """A file read through SHA-256: what goes into the archive is what the manifest describes."""

    def __init__(self, handle: Any) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def archive_media(root: Path, archive_path: Path) -> dict[str, dict[str, Any]]:
    """Write every media file into a gzipped tar; return name -> SHA-256 and size of what it holds.
    A file deleted while the archive is written is left out (its row is gone or going too)."""
    entries: dict[str, dict[str, Any]] = {}
    with tarfile.open(archive_path, "w:gz") as archive:
        for path in media_files(root):
            name = path.relative_to(root).as_posix()
            try:
                handle = path.open("rb")
            except FileNotFoundError:
                continue
            with handle:
                info = archive.gettarinfo(fileobj=handle, arcname=name)
                reader = _Hashing(handle)
                archive.addfile(info, reader)
            entries[name] = {"sha256": reader.digest.hexdigest(), "bytes": info.size}
    return entries


def pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for a Django database (the password never goes on a command line)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        pairs[variable] = options.get(option)
    environment.update({key: str(value) for key, value in pairs.items() if value not in (None, "")})
    return environment


def _run(command: list[str], environment: dict[str, str], what: str) -> str:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client).")
    completed = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode != 0:
        detail = " ".join(completed.stderr.strip().splitlines()[-3:]) or f"exit status {completed.returncode}"
        raise BackupError(f"{what}: {detail}")
    return completed.stdout


# The access audit's chain check, registered by the app that keeps the audit (scrutiny's ready()),
# so this app never imports scrutiny. It returns ok, rows, head_id and head_hash for a database.
AuditCheck = Callable[[str], dict[str, Any]]
_audit_check: list[AuditCheck] = []


def set_audit_check(check: AuditCheck) -> None:
    """Register the audit chain check the backup and restore commands run (idempotent)."""
    _audit_check[:] = [check]


def _audit_state(using: str) -> dict[str, Any]:
    if not _audit_check:
        raise BackupError("No audit chain check is registered: a backup must prove its audit chain.")
    return _audit_check[0](using)


def _migrations(cursor: Any) -> list[list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [list(row) for row in cursor.fetchall()]


def require_local_media() -> None:
    """The media commands archive MEDIA_ROOT: with the files in a bucket that would be a backup
    of nothing, taken for one of everything."""
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend != "django.core.files.storage.FileSystemStorage":
        raise BackupError(
            f"media are not on the local disk (the storage is {backend}): back the bucket up as "
            'docs/operations.md says ("Media storage") and run this with --no-media.'
        )


# Backup -----------------------------------------------------------------------------------------


def backup(destination: Path, *, using: str = "default", include_media: bool = True) -> dict[str, Any]:
    """Write a backup directory (which must not exist yet); return its manifest."""
    if destination.exists():
        raise BackupError(f"{destination} already exists: give a new directory for each backup.")
    if include_media:
        require_local_media()
    connection = connections[using]
    if connection.vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"backup supports PostgreSQL and SQLite, not {connection.vendor}.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{destination.name}-", dir=destination.parent))
    try:
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "vendor": connection.vendor,
        }
        if connection.vendor == "postgresql":
            manifest.update(_backup_postgresql(work, using))
        else:
            manifest.update(_backup_sqlite(work, using))
        # Media after the database: a document's row is saved after its file, so every file the
        # dump names is already on disk (files added since are extra, never missing).
        manifest["media"] = None
        if include_media:
            manifest["media"] = archive_media(Path(settings.MEDIA_ROOT), work / MEDIA)
            manifest["files"][MEDIA] = sha256_file(work / MEDIA)
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        for path in work.iterdir():  # case data: readable by the backup's owner only
            path.chmod(0o600)
        work.rename(destination)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def _backup_postgresql(work: Path, using: str) -> dict[str, Any]:
    connection = connections[using]
    version = _run(["pg_dump", "--version"], os.environ.copy(), "pg_dump --version").strip()
    # One snapshot for the dump and for the counts and audit head the manifest records: pg_dump
    # reads the snapshot this transaction exports while the transaction stays open.
    connection.ensure_connection()
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        counts = count_rows(cursor, connection.ops.quote_name)
        migrations = _migrations(cursor)
        audit = _audit_state(using)
        _run(
            [
                "pg_dump",
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-password",
                f"--file={work / PG_DUMP}",
            ],
            pg_environment(connection.settings_dict),
            "pg_dump failed",
        )
    return {
        "database": {"file": PG_DUMP, "server_version": server_version, "pg_dump": version},
        "counts": counts,
        "migrations": migrations,
        "audit": audit,
        "files": {PG_DUMP: sha256_file(work / PG_DUMP)},
    }


def _backup_sqlite(work: Path, using: str) -> dict[str, Any]:
    connection = connections[using]
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("an in-memory SQLite database cannot be backed up.")
    connection.ensure_connection()
    target = sqlite3.connect(work / SQLITE_COPY)
    try:
        connection.connection.backup(target)  # a consistent copy while others write
        counts = count_rows(target.cursor(), connection.ops.quote_name)
        migrations = _migrations(target.cursor())
    finally:
        target.close()
    # The audit head of the copy, not of the live database (which may have moved on since).
    alias = f"{using}-backup-copy"
    connections.settings[alias] = {**connection.settings_dict, "NAME": str(work / SQLITE_COPY)}
    try:
        audit = _audit_state(alias)
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]
    return {
        "database": {"file": SQLITE_COPY, "sqlite": sqlite3.sqlite_version},
        "counts": counts,
        "migrations": migrations,
        "audit": audit,
        "files": {SQLITE_COPY: sha256_file(work / SQLITE_COPY)},
    }


# Restore ----------------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} is not a backup: it has no {MANIFEST}.")
    try:
        manifest = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} is not valid JSON ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a format-{FORMAT} backup manifest.")
    return manifest


def check_files(source: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest names is there with its recorded SHA-256."""
    for name, expected in sorted(manifest.get("files", {}).items()):
        path = source / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from {source}. Nothing was restored.")
        if sha256_file(path) != expected:
            raise BackupError(
                f"{name} does not match its SHA-256 in {MANIFEST}: the backup is corrupt or truncated. "
                "Nothing was restored."
            )


def database_objects(using: str) -> int:
    """Tables, views and sequences in the database's own schemas (0: empty)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
            )
        return cursor.fetchone()[0]


def restore(source: Path, *, using: str = "default", include_media: bool = True) -> RestoreResult:
    """Restore a backup directory into the (empty) database `using` names and into MEDIA_ROOT."""
    manifest = read_manifest(source)
    connection = connections[using]
    if manifest.get("vendor") != connection.vendor:
        raise BackupError(
            f"this backup is of a {manifest.get('vendor')} database; the target is {connection.vendor}."
        )
    if include_media:
        require_local_media()
    database_file = PG_DUMP if connection.vendor == "postgresql" else SQLITE_COPY
    if database_file not in manifest.get("files", {}):
        raise BackupError(f"{MANIFEST} does not list {database_file}. Nothing was restored.")
    check_files(source, manifest)
    objects = database_objects(using)
    if objects:
        raise BackupError(
            f"the database {connection.settings_dict['NAME']} is not empty ({objects} tables, views or "
            "sequences): restore only into a new, empty database (createdb). Nothing was restored."
        )
    root = Path(settings.MEDIA_ROOT)
    media = manifest.get("media") if include_media else None
    if include_media and media is None:
        raise BackupError("this backup has no media archive: restore it with --no-media.")
    if media is not None and root.is_dir() and any(root.iterdir()):
        raise BackupError(
            f"MEDIA_ROOT ({root}) is not empty: restore media only into an empty directory. "
            "Nothing was restored."
        )
    if connection.vendor == "postgresql":
        _restore_postgresql(source / PG_DUMP, using)
    else:
        _restore_sqlite(source / SQLITE_COPY, using)
    connection.close()
    if media is not None:
        _restore_media(source / MEDIA, root, media)
    return _check_restored(manifest, using, root if media is not None else None)


def _restore_postgresql(dump: Path, using: str) -> None:
    # One transaction: a dump that fails part-way leaves the database as empty as it was. Objects
    # are owned by the role restoring (the owner); grant the runtime role afterwards.
    _run(
        [
            "pg_restore",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-acl",
            "--no-password",
            f"--dbname={connections[using].settings_dict['NAME']}",
            str(dump),
        ],  # fmt: skip
        pg_environment(connections[using].settings_dict),
        "pg_restore could not restore the dump (the database was left empty)",
    )


def _restore_sqlite(copy: Path, using: str) -> None:
    connection = connections[using]
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        source.execute("PRAGMA quick_check").fetchone()
        source.backup(connection.connection)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"the SQLite copy could not be restored: {error}.") from None
    finally:
        source.close()


def _restore_media(archive_path: Path, root: Path, expected: dict[str, dict[str, Any]]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            members = archive.getmembers()
            unexpected = [
                member.name for member in members if member.name not in expected or not member.isfile()
            ]
            if unexpected:
                raise BackupError(f"{MEDIA} holds entries its manifest does not list: {unexpected[:3]}.")
            archive.extractall(root, members=members, filter="data")
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{MEDIA} could not be unpacked ({error}); the database was restored.") from None


def _check_restored(manifest: dict[str, Any], using: str, media_root: Path | None) -> RestoreResult:
    connection = connections[using]
    with connection.cursor() as cursor:
        counts = count_rows(cursor, connection.ops.quote_name)
    expected = manifest["counts"]
    differing = [
        f"{label} ({counts.get(label)} restored, {expected.get(label)} backed up)"
        for label in sorted(set(counts) | set(expected))
        if counts.get(label) != expected.get(label)
    ]
    if differing:
        raise BackupError("restored row counts differ from the manifest: " + "; ".join(differing[:5]))
    media_count = 0
    if media_root is not None:
        restored = media_manifest(media_root)
        if restored != manifest["media"]:
            changed = [
                name
                for name in sorted(set(restored) | set(manifest["media"]))
                if restored.get(name) != manifest["media"].get(name)
            ]
            raise BackupError(f"restored media differ from the manifest: {changed[:5]}")
        media_count = len(restored)
    audit = _audit_state(using)
    recorded = manifest["audit"]
    if recorded["ok"] and not audit["ok"]:
        raise BackupError("the restored access audit does not verify (manage.py verify_audit says where).")
    if (audit["head_id"], audit["head_hash"]) != (recorded["head_id"], recorded["head_hash"]):
        raise BackupError("the restored access audit's head differs from the one the backup recorded.")
    return RestoreResult(
        tables=len(counts),
        rows=sum(counts.values()),
        media_files=media_count,
        audit_rows=audit["rows"],
        audit_head=f"{audit['head_id']}:{audit['head_hash']}",
    )
