"""Pre-trial meeting URNs in the retention schedule (agencies/retention.py): a request's URN is
deleted RETENTION_DAYS["pretrial_urn"] days (RETENTION_DAYS_PRETRIAL_URN, default 30) after the
request ended (outcome recorded, or recorded as not needed). A request on legal hold keeps its URN
until the hold is cleared. The rest of the request stays: it names nobody, and the programme's
returns count meetings requested, held and declined."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from agencies import retention

RECORD_TYPE = "pretrial_urn"


def _due(today: dt.date) -> Any:
    from agencies.victims.meetings.models import MeetingRequest

    return MeetingRequest.objects.filter(
        closed_at__isnull=False, closed_at__lt=retention.cutoff_datetime(today, RECORD_TYPE)
    ).exclude(urn="")


def _select(today: dt.date) -> retention.Selection:
    rows = list(_due(today).order_by("pk").values_list("pk", "legal_hold"))
    return retention.Selection(
        due=[pk for pk, held in rows if not held], held=[pk for pk, held in rows if held]
    )


def _delete(today: dt.date, ids: Sequence[Any]) -> list[int]:
    """Blank the URN of those of `ids` still due and not held (a hold set since the selection wins)."""
    from agencies.audit import AccessChannel, AccessVerb, access

    with transaction.atomic():
        queryset = _due(today).filter(pk__in=list(ids), legal_hold=False)
        gone = list(queryset.select_for_update().values_list("pk", flat=True))
        if gone:
            _due(today).filter(pk__in=gone, legal_hold=False).update(urn="", urn_deleted_at=timezone.now())
            for pk in gone:
                access(
                    actor=None,
                    verb=AccessVerb.DELETE,
                    object_type="pretrial_request_urn",
                    object_id=pk,
                    audience="retention",
                    channel=AccessChannel.COMMAND,
                )
    return gone


def register_rules() -> None:
    retention.register(
        retention.RetentionRule(
            record_type=RECORD_TYPE,
            label="Pre-trial meeting URNs",
            anchor="when the request's outcome (or that no meeting was needed) was recorded",
            select=_select,
            delete=_delete,
        )
    )
