"""Drop-in bookings in the retention schedule (agencies/retention.py): a booking carries the
ISVA's question and accessibility needs, so it goes a period after its session ended. Sessions and
schedules themselves hold no personal data and stay (they carry the aggregate counts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from agencies import retention


def _bookings(today: dt.date) -> Any:
    from agencies.dropins.models import Booking

    return Booking.objects.filter(session__ends_at__lt=retention.cutoff_datetime(today, "booking"))


def _select(today: dt.date) -> retention.Selection:
    return retention.Selection(due=list(_bookings(today).order_by("pk").values_list("pk", flat=True)))


def _delete(today: dt.date, ids: Any) -> list[int]:
    gone = list(_bookings(today).filter(pk__in=list(ids)).values_list("pk", flat=True))
    if gone:
        _bookings(today).filter(pk__in=gone).delete()
    return gone


def register_rules() -> None:
    retention.register(
        retention.RetentionRule(
            record_type="booking",
            label="Drop-in bookings",
            anchor="when the booked session ended",
            select=_select,
            delete=_delete,
        )
    )
