"""Retention per record type, with legal hold. Periods are in days from the record's anchor date;
`SCRUTINY_RETENTION_DAYS` in settings overrides any of them. A case on legal hold is never
deleted, and neither is a meeting with a held case on its agenda. Every deletion writes an
AccessEvent (verb delete, channel command). Access events themselves are kept: the log is
append-only, so its retention is a database-administration decision outside the application."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef

from scrutiny.models import AccessChannel, AccessVerb, AgendaItem, Case, Meeting, MeetingStatus

DEFAULT_RETENTION_DAYS = {
    # Cases: six years after the case was finalised (CPS case-file practice; longer holds via legal_hold).
    "case": 6 * 365,
    # Closed meetings: seven years after the meeting, once none of its cases is held.
    "meeting": 7 * 365,
}


def retention_days() -> dict[str, int]:
    return {**DEFAULT_RETENTION_DAYS, **getattr(settings, "SCRUTINY_RETENTION_DAYS", {})}


@dataclass(frozen=True)
class RetentionResult:
    record_type: str
    deleted_ids: tuple[int, ...]
    held: int


def due_cases(today: dt.date) -> tuple[list[Case], int]:
    cutoff = today - dt.timedelta(days=retention_days()["case"])
    due = Case.objects.filter(finalised_month__lt=cutoff)
    return list(due.filter(legal_hold=False).order_by("pk")), due.filter(legal_hold=True).count()


def due_meetings(today: dt.date) -> tuple[list[Meeting], int]:
    cutoff = today - dt.timedelta(days=retention_days()["meeting"])
    held_case = AgendaItem.objects.filter(meeting=OuterRef("pk"), case__legal_hold=True)
    due = Meeting.objects.filter(status=MeetingStatus.CLOSED, held_on__lt=cutoff).annotate(
        held=Exists(held_case)
    )
    return list(due.filter(held=False).order_by("pk")), due.filter(held=True).count()


@transaction.atomic
def apply_retention(*, today: dt.date, dry_run: bool = False) -> list[RetentionResult]:
    from scrutiny.services import access_record

    results = []
    for record_type, finder in (("case", due_cases), ("meeting", due_meetings)):
        records, held = finder(today)
        ids = tuple(record.pk for record in records)
        if not dry_run:
            for record in records:
                panel_id = record.panel_id
                record.delete()
                access_record(
                    actor=None,
                    verb=AccessVerb.DELETE,
                    object_type=record_type,
                    object_id=ids[records.index(record)],
                    audience="retention",
                    channel=AccessChannel.COMMAND,
                    panel_id=panel_id,
                )
        results.append(RetentionResult(record_type=record_type, deleted_ids=ids, held=held))
    return results
