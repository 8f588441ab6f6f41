"""Restore a backup directory into an empty database and MEDIA_ROOT (docs/operations.md, "Restoring")."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from agencies.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore DIRECTORY (written by manage.py backup) into the database --database names, which "
        "must be empty, and into MEDIA_ROOT, which must be empty. Checks the files' checksums first and "
        "afterwards the row counts, media checksums and audit chain against the manifest. On "
        "PostgreSQL run it as the owner; --grant-runtime-role then grants the runtime role."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--database", default="default")
        parser.add_argument("--no-media", action="store_true", help="Restore the database only.")
        parser.add_argument(
            "--grant-runtime-role", metavar="ROLE", help="Then run grant_runtime_role ROLE (PostgreSQL)."
        )

    def handle(
        self,
        *args: object,
        directory: Path,
        database: str,
        no_media: bool,
        grant_runtime_role: str | None,
        **options: object,
    ) -> None:
        try:
            result = restore(directory, using=database, include_media=not no_media)
        except BackupError as error:
            raise CommandError(f"Restore failed: {error}") from None
        self.stdout.write(
            f"Restored {result.rows} rows in {result.tables} tables and {result.media_files} media files; "
            f"counts and media match the manifest; audit chain intact ({result.audit_rows} rows, "
            f"head {result.audit_head})."
        )
        if grant_runtime_role:
            call_command("grant_runtime_role", grant_runtime_role, database=database, stdout=self.stdout)
