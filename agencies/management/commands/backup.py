"""Back up the database and MEDIA_ROOT into a new directory (docs/operations.md, "Backing up")."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write DIRECTORY (new): the database (pg_dump --format=custom on PostgreSQL, SQLite's online "
        "backup otherwise), MEDIA_ROOT as media.tar.gz and manifest.json (row counts per model, media "
        "checksums, the audit chain's head, checksums of both files), all from one snapshot."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Where to write the backup; must not exist.")
        parser.add_argument("--database", default="default")
        parser.add_argument("--no-media", action="store_true", help="Leave MEDIA_ROOT out.")

    def handle(
        self, *args: object, directory: Path, database: str, no_media: bool, **options: object
    ) -> None:
        try:
            manifest = backup(directory, using=database, include_media=not no_media)
        except BackupError as error:
            raise CommandError(f"Backup failed: {error}") from None
        audit = manifest["audit"]
        media = "no media" if manifest["media"] is None else f"{len(manifest['media'])} media files"
        self.stdout.write(
            f"Backed up {sum(manifest['counts'].values())} rows in {len(manifest['counts'])} tables and "
            f"{media} to {directory}; audit head {audit['head_id']}:{audit['head_hash']}"
            + ("" if audit["ok"] else " (the audit chain did NOT verify when backed up)")
        )
