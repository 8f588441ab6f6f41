"""Every write to drop-in data: keyword-only, typed, atomic; events and emails go out on commit.

Capacity is enforced by the database, not by Python arithmetic: see agencies.dropins.services.seats.
The package re-exports every public name, so `from agencies.dropins.services import X` and
`services.X` keep working."""

from agencies.dropins.services.bookings import (
    MAX_NEEDS,
    MAX_QUESTION,
    attendance_record,
    booking_cancel,
    booking_create,
    booking_rebook,
)
from agencies.dropins.services.feeds import (
    calendar_feed_ensure,
    calendar_feed_reset,
)
from agencies.dropins.services.schedules import (
    ScheduleChange,
    ScheduleSpec,
    schedule_create,
    schedule_update,
    session_cancel,
    spec_from_schedule,
)

__all__ = [
    "MAX_NEEDS",
    "MAX_QUESTION",
    "ScheduleChange",
    "ScheduleSpec",
    "attendance_record",
    "booking_cancel",
    "booking_create",
    "booking_rebook",
    "calendar_feed_ensure",
    "calendar_feed_reset",
    "schedule_create",
    "schedule_update",
    "session_cancel",
    "spec_from_schedule",
]
