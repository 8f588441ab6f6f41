"""Backups on the embedded default (SQLite): `manage.py backup` copies the database with SQLite's
online backup API, and `manage.py restore` puts it into a new database file that then holds the
same rows, verifies its audit chain and keeps its guards; a database that is not empty is refused.
The PostgreSQL path, with the site served from the restored database, is tests/agencies/test_backups.py."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from wagtail.documents import get_document_model

from agencies.backups import model_tables
from scrutiny import services
from scrutiny.models import AccessChannel, AccessEvent, AccessVerb
from tests.live import ROOT

pytestmark = pytest.mark.django_db(transaction=True)


def manage(database: Path, media: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **{key: value for key, value in os.environ.items() if key != "MIGRATION_DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(media),
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as copy:
        return {
            label: copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for label, table in model_tables().items()
        }


def test_a_sqlite_backup_restores_into_a_new_database(isva, tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path (this run is on PostgreSQL: test_backups.py covers it)")
    for object_id in (1, 2, 3):
        services.access_record(
            actor=isva,
            verb=AccessVerb.VIEW,
            object_type="case",
            object_id=object_id,
            audience="panel",
            channel=AccessChannel.PAGE,
            panel_id=7,
        )
    get_document_model().objects.create(title="Minutes", file=ContentFile(b"minutes\n", name="minutes.txt"))
    backup = tmp_path / "backup"
    # As an operator would, from another process, while this one keeps the database open.
    live = Path(connection.settings_dict["NAME"])
    result = manage(live, Path(settings.MEDIA_ROOT), "backup", str(backup))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((backup / "manifest.json").read_text())
    assert sorted(path.name for path in backup.iterdir()) == [
        "database.sqlite3",
        "manifest.json",
        "media.tar.gz",
    ]
    assert manifest["counts"]["scrutiny.accessevent"] == AccessEvent.objects.count() == 3
    assert manifest["counts"]["agencies.user"] == 1

    restored, media = tmp_path / "restored.sqlite3", tmp_path / "media"
    result = manage(restored, media, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    assert "audit chain intact (3 rows" in result.stdout
    assert counts(restored) == manifest["counts"]
    document = get_document_model().objects.get(title="Minutes")
    assert (media / document.file.name).read_bytes() == b"minutes\n"
    assert (Path(settings.MEDIA_ROOT) / document.file.name).read_bytes() == b"minutes\n"
    verify = manage(restored, media, "verify_audit")
    assert verify.returncode == 0, verify.stderr
    assert f"head {manifest['audit']['head_id']} {manifest['audit']['head_hash']}" in verify.stdout

    # The guards came back with the tables: the restored audit is still append-only.
    with sqlite3.connect(restored) as copy, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        copy.execute("DELETE FROM scrutiny_accessevent")

    again = manage(restored, tmp_path / "media-2", "restore", str(backup))
    assert again.returncode == 1
    assert "is not empty" in again.stderr and "Traceback" not in again.stderr
