"""The media archive of `manage.py backup` (agencies.backups): what it holds is what the manifest
says, and unpacking refuses an archive that would write anything else, or anywhere else."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from agencies.backups import BackupError, _restore_media, archive_media, backup, media_manifest, restore


def _tar(path: Path, members: dict[str, bytes], *, link: str | None = None) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        if link:
            info = tarfile.TarInfo(link)
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            archive.addfile(info)


def test_the_archive_holds_exactly_what_the_manifest_lists(tmp_path: Path) -> None:
    root = tmp_path / "media"
    (root / "original_images").mkdir(parents=True)
    (root / "original_images" / "a.png").write_bytes(bytes(range(256)) * 10)
    (root / "documents").mkdir()
    (root / "documents" / "minutes.txt").write_text("minutes\n")
    (root / "documents" / "link.txt").symlink_to(root / "documents" / "minutes.txt")  # not kept
    entries = archive_media(root, tmp_path / "media.tar.gz")
    assert entries == media_manifest(root)
    assert sorted(entries) == ["documents/minutes.txt", "original_images/a.png"]

    restored = tmp_path / "restored"
    _restore_media(tmp_path / "media.tar.gz", restored, entries)
    assert media_manifest(restored) == entries


@pytest.mark.parametrize(
    ("members", "link", "message"),
    [
        ({"../escape.txt": b"x"}, None, "could not be unpacked"),  # listed, but outside MEDIA_ROOT
        ({"documents/extra.txt": b"x"}, None, "does not list"),  # not in the manifest
        ({}, "documents/link.txt", "does not list"),  # a symbolic link, even if listed
    ],
    ids=["outside", "unlisted", "symlink"],
)
def test_unpacking_refuses_an_archive_that_writes_anything_else(
    tmp_path: Path, members: dict[str, bytes], link: str | None, message: str
) -> None:
    archive = tmp_path / "media.tar.gz"
    _tar(archive, members, link=link)
    listed = {name: {"sha256": "0" * 64, "bytes": 1} for name in [*members, *([link] if link else [])]}
    if "documents/extra.txt" in members:
        listed = {}
    root = tmp_path / "root" / "media"
    with pytest.raises(BackupError, match=message):
        _restore_media(archive, root, listed)
    assert not (tmp_path / "root" / "escape.txt").exists()
    assert not any(path.is_file() or path.is_symlink() for path in root.rglob("*"))


S3 = {
    "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": "hub"}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def test_with_media_in_a_bucket_both_commands_require_no_media(tmp_path: Path) -> None:
    """An archive of an unused MEDIA_ROOT would pass for a backup of the media: refused."""
    source = tmp_path / "backup"
    source.mkdir()
    (source / "manifest.json").write_text(
        json.dumps({"format": 1, "vendor": connection.vendor, "media": {}, "files": {}})
    )
    with override_settings(STORAGES=S3):
        with pytest.raises(BackupError, match="--no-media"):
            backup(tmp_path / "new")
        with pytest.raises(BackupError, match="--no-media"):
            restore(source)
    assert not (tmp_path / "new").exists()
