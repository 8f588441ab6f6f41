"""Check the access audit's hash chain and guards; exit non-zero at the first broken row."""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError

from scrutiny.audit import verify_chain
from scrutiny.models import AccessEvent, AuditCheckpoint

ANCHOR = re.compile(r"^(\d{1,19}):([0-9a-f]{64})$")


class Command(BaseCommand):
    help = (
        "Verify the access audit: every row's hash, its link to the row before, the pruning "
        "checkpoints and the database guards. Prints the head (id and hash) to record elsewhere; "
        "--anchor ID:HASH checks a head recorded earlier is still there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            help="ID:HASH of a head printed by an earlier run (repeatable); fails if that row is gone "
            "or changed, unless a pruning checkpoint covers it.",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: object, anchor: list[str], database: str, **options: object) -> None:
        anchors = []
        for value in anchor:
            match = ANCHOR.match(value.strip())
            if match is None:
                raise CommandError("--anchor must be ID:HASH (the id, a colon, 64 hex digits).")
            anchors.append((int(match[1]), match[2]))
        result = verify_chain(using=database)
        if not result.ok:
            where = f"access event {result.broken_id} " if result.broken_id is not None else ""
            raise CommandError(
                f"Audit chain broken: {where}{result.problem} ({result.checked} rows verified before it)."
            )
        for row_id, row_hash in anchors:
            covered = AuditCheckpoint.objects.using(database).filter(through_id__gte=row_id).exists()
            stored = (
                AccessEvent.objects.using(database)
                .filter(pk=row_id)
                .values_list("row_hash", flat=True)
                .first()
            )
            if stored != row_hash and not covered:
                state = "is missing" if stored is None else "has a different hash"
                raise CommandError(f"Audit chain broken: anchor {row_id} {state}.")
        self.stdout.write(
            f"Audit chain intact: {result.checked} rows verified; head {result.head_id} {result.head_hash}"
        )
