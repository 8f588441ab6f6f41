"""Backups that restore (issue 19, point 3), on PostgreSQL: `manage.py backup` of a database seeded
with the demo data, `manage.py restore` into a fresh database and an empty MEDIA_ROOT, and then,
from outside the commands: the site serves from the restored database (signed in too, with the
sessions the backup carried), the access audit's hash chain verifies with the same head, every
model's table holds the same rows (counted and hashed) and every media file the same bytes.
Restoring over a non-empty database, and a corrupt or truncated dump, are refused with a clear
error that leaves the target empty.

Seeded, backed up and restored once for the module, in databases of their own (made from this
run's migrated test database as a template, dropped at the end): the test database is never
touched. Every command runs as its own process, as an operator would run it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from agencies.backups import model_tables
from tests.live import ROOT, start_daphne

# django_db: so that pytest-django sets up this run's test database, the source's template.
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db]

SIGNED_IN = {
    "isva@lantern-isva.example.org": ["/dropins/", "/dropins/my-bookings/"],
    "host@dalesford-cps.example.org": ["/dropins/host/"],
    "coordinator@dalesford-cps.example.org": ["/scrutiny/"],
    "admin@operations.example.org": ["/cms/"],
}
SESSIONS_SCRIPT = """
import json
from agencies.models import User
from tests.conftest import signed_in_client
keys = {e: signed_in_client(User.objects.get(email=e)).session.session_key for e in %r}
print("SESSIONS=" + json.dumps(keys))
"""
# An image as an editor would upload it (binary, in a subdirectory): the archive keeps both.
IMAGE = bytes(range(256)) * 40


@dataclass
class Restored:
    source_url: str
    restored_url: str
    server_url: str
    source_media: Path
    restored_media: Path
    backup: Path
    manifest: dict[str, Any]
    sessions: dict[str, str]
    restore_output: str
    source_tables: dict[str, tuple[int, str]]
    restored_tables: dict[str, tuple[int, str]]
    env: dict[str, str]
    make_database: Any


def _admin(settings_dict: dict[str, Any]) -> psycopg.Connection:
    return psycopg.connect(
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def _url(settings_dict: dict[str, Any], name: str) -> str:
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{name}"


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if check:
        assert completed.returncode == 0, f"manage.py {' '.join(args)} failed:\n{completed.stderr[-4000:]}"
    return completed


def environment(base: dict[str, str], database_url: str, media: Path) -> dict[str, str]:
    return {**base, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media)}


def table_digests(url: str) -> dict[str, tuple[int, str]]:
    """Model label -> (rows, md5 of every row's text in order), read with psycopg, not Django."""
    digests = {}
    with psycopg.connect(url) as database, database.cursor() as cursor:
        for label, table in model_tables().items():
            cursor.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t"
                ).format(sql.Identifier(table))
            )
            row = cursor.fetchone()
            assert row is not None
            digests[label] = (row[0], row[1])
    return digests


def relations(url: str) -> int:
    with psycopg.connect(url) as database, database.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'S', 'v') AND n.nspname = 'public'"
        )
        row = cursor.fetchone()
        assert row is not None
        return int(row[0])


def file_digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def restored(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Restored]:
    with django_db_blocker.unblock():
        settings_dict = dict(connection.settings_dict)
        connection.close()  # a template database must have no connections
    template = settings_dict["NAME"]
    assert str(template).startswith("test_"), "no test database is set up: it is this module's template"
    names = {kind: f"{template}_bk_{kind}"[:63] for kind in ("source", "restored", "spare1", "spare2")}
    tmp = tmp_path_factory.mktemp("backups")
    made: list[str] = []

    def make_database(kind: str, *, from_template: bool = False) -> str:
        name = names[kind]
        migrated = False
        with _admin(settings_dict) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            made.append(name)
            if from_template:
                # A copy of the migrated test database: much faster than migrating. Not possible
                # while another process (a live daphne of this run) is connected to it.
                try:
                    admin.execute(
                        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                            sql.Identifier(name), sql.Identifier(template)
                        )
                    )
                    migrated = True
                except psycopg.errors.ObjectInUse:
                    pass
            if not migrated:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = _url(settings_dict, name)
        if from_template and not migrated:
            manage(environment(base, url, tmp / "unused"), "migrate", "--verbosity", "0")
        return url

    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"MIGRATION_DATABASE_URL", "DATABASE_URL"}
    }
    base.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        # Its own cache namespace: nothing cached for the test database leaks into these.
        SCRUTINY_TEST_RUN_ID=f"{os.environ.get('SCRUTINY_TEST_RUN_ID', 'default')}-backups",
        PYTHONUNBUFFERED="1",
    )
    server = None
    try:
        # A migrated database seeded with the demo data, some sessions and an uploaded image.
        source_url = make_database("source", from_template=True)
        source_media = tmp / "media-source"
        (source_media / "original_images").mkdir(parents=True)
        (source_media / "original_images" / "backup-check.png").write_bytes(IMAGE)
        source_env = environment(base, source_url, source_media)
        manage(source_env, "seed_demo", "--force")
        shell = manage(source_env, "shell", "-c", SESSIONS_SCRIPT % (list(SIGNED_IN),))
        line = next(line for line in shell.stdout.splitlines() if line.startswith("SESSIONS="))
        sessions = json.loads(line.removeprefix("SESSIONS="))

        backup = tmp / "backup"
        manage(source_env, "backup", str(backup))
        manifest = json.loads((backup / "manifest.json").read_text())

        restored_url = make_database("restored")
        restored_media = tmp / "media-restored"
        restored_env = environment(base, restored_url, restored_media)
        output = manage(restored_env, "restore", str(backup)).stdout
        # Before anything serves from it (a request updates its session's row).
        source_tables, restored_tables = table_digests(source_url), table_digests(restored_url)

        server = start_daphne(
            restored_url, extra_env={key: restored_env[key] for key in ("MEDIA_ROOT", "SCRUTINY_TEST_RUN_ID")}
        )
        yield Restored(
            source_url=source_url,
            restored_url=restored_url,
            server_url=server.url,
            source_media=source_media,
            restored_media=restored_media,
            backup=backup,
            manifest=manifest,
            sessions=sessions,
            restore_output=output,
            source_tables=source_tables,
            restored_tables=restored_tables,
            env=base,
            make_database=make_database,
        )
    finally:
        if server is not None:
            server.stop()
        with _admin(settings_dict) as admin:
            for name in made:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def get(restored: Restored, path: str, *, session: str | None = None) -> tuple[int, bytes]:
    """GET without following redirects: a lost session shows as a 302 to the sign-in page."""
    request = urllib.request.Request(restored.server_url + path)  # noqa: S310
    if session:
        request.add_header("Cookie", f"sessionid={session}")
    try:
        with _opener.open(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_restored_database_serves_the_site_signed_out_and_signed_in(restored: Restored) -> None:
    for path in ("/", "/account/sign-in/", "/search/?q=guidance"):
        status, _ = get(restored, path)
        assert status == 200, path
    for email, paths in SIGNED_IN.items():
        for path in paths:
            status, body = get(restored, path, session=restored.sessions[email])
            # 200, not a redirect to sign-in: the session (and its second factor) came back too.
            assert status == 200, (email, path, status)
            if not path.startswith("/cms/"):
                assert b"Signed in as" in body, (email, path)
    # The seeded board minutes, through Wagtail's document view, from the restored MEDIA_ROOT.
    with psycopg.connect(restored.restored_url) as database:
        row = database.execute(
            "SELECT id, file FROM wagtaildocs_document WHERE title = 'Board minutes (demo)'"
        ).fetchone()
    assert row is not None, "the demo's board minutes were not restored"
    document_id, name = row
    status, body = get(restored, f"/documents/{document_id}/{Path(name).name}")
    assert status == 200
    assert body == (restored.source_media / name).read_bytes()


def test_the_restored_audit_chain_verifies_with_the_backed_up_head(restored: Restored) -> None:
    source = manage(environment(restored.env, restored.source_url, restored.source_media), "verify_audit")
    copy = manage(environment(restored.env, restored.restored_url, restored.restored_media), "verify_audit")
    head = copy.stdout.strip().rsplit("head ", 1)[1]
    assert head == source.stdout.strip().rsplit("head ", 1)[1]
    audit = restored.manifest["audit"]
    assert audit["ok"] and audit["rows"] > 0
    assert head == f"{audit['head_id']} {audit['head_hash']}"
    assert "audit chain intact" in restored.restore_output


def test_every_model_and_media_file_is_restored_exactly(restored: Restored) -> None:
    source, copy = restored.source_tables, restored.restored_tables
    assert copy == source
    assert {label: rows for label, (rows, _) in source.items()} == restored.manifest["counts"]
    # The demo data is really there (an empty database would match an empty one).
    for label in ("agencies.user", "scrutiny.accessevent", "wagtailcore.page", "wagtaildocs.document"):
        assert source[label][0] > 0, label
    assert len(source) > 100  # every app's models, many-to-many tables included
    media = file_digests(restored.source_media)
    assert "original_images/backup-check.png" in media
    assert any(name.startswith("documents/") for name in media)
    assert file_digests(restored.restored_media) == media
    assert {name: entry["sha256"] for name, entry in restored.manifest["media"].items()} == media
    # Case data: the backup's files are readable by their owner only.
    for path in restored.backup.iterdir():
        assert path.stat().st_mode & 0o077 == 0, path


def test_restore_refuses_a_database_that_is_not_empty(restored: Restored, tmp_path: Path) -> None:
    before = {label: rows for label, (rows, _) in table_digests(restored.restored_url).items()}
    result = manage(
        environment(restored.env, restored.restored_url, tmp_path / "media"),
        "restore",
        str(restored.backup),
        check=False,
    )
    assert result.returncode == 1
    assert "is not empty" in result.stderr
    assert "Nothing was restored" in result.stderr
    assert "Traceback" not in result.stderr
    assert {label: rows for label, (rows, _) in table_digests(restored.restored_url).items()} == before
    assert not (tmp_path / "media").exists()


def test_restore_refuses_a_non_empty_media_root(restored: Restored, tmp_path: Path) -> None:
    url = restored.make_database("spare1")
    media = tmp_path / "media"
    media.mkdir()
    (media / "left-over.txt").write_text("not from this backup")
    result = manage(environment(restored.env, url, media), "restore", str(restored.backup), check=False)
    assert result.returncode == 1
    assert "MEDIA_ROOT" in result.stderr and "is not empty" in result.stderr
    assert relations(url) == 0


def test_a_corrupt_or_truncated_dump_is_refused_and_the_database_left_empty(
    restored: Restored, tmp_path: Path
) -> None:
    damaged = tmp_path / "backup"
    shutil.copytree(restored.backup, damaged)
    dump = damaged / "database.dump"
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    url = restored.make_database("spare2")
    env = environment(restored.env, url, tmp_path / "media")

    result = manage(env, "restore", str(damaged), check=False)
    assert result.returncode == 1
    assert "database.dump does not match its SHA-256" in result.stderr
    assert "Traceback" not in result.stderr
    assert relations(url) == 0

    # A dump damaged before its checksum was taken (a disk error during the backup): pg_restore
    # fails, and its one transaction leaves the database as empty as it was.
    manifest = json.loads((damaged / "manifest.json").read_text())
    manifest["files"]["database.dump"] = hashlib.sha256(dump.read_bytes()).hexdigest()
    (damaged / "manifest.json").write_text(json.dumps(manifest))
    result = manage(env, "restore", str(damaged), check=False)
    assert result.returncode == 1
    assert "pg_restore could not restore the dump" in result.stderr
    assert "Traceback" not in result.stderr
    assert relations(url) == 0
    assert not (tmp_path / "media").exists()
