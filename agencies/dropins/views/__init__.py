"""Drop-in pages. Views parse input, call one selector or service, and render; every form works
without JavaScript and shows errors through the GOV.UK error summary. The package re-exports every
view, so `agencies.dropins.views.X` (the URLconf) keeps working."""

from agencies.dropins.views.bookings import (
    booking_cancel,
    booking_ics,
    booking_rebook,
    calendar_feed,
    calendar_feed_reset,
    my_bookings,
)
from agencies.dropins.views.common import (
    PAGE_SIZE,
    session_when,
)
from agencies.dropins.views.hosting import (
    attendance,
    host_session,
    schedule_create,
    schedule_detail,
    schedule_edit,
    schedule_list,
    session_cancel,
)
from agencies.dropins.views.sessions import (
    session_detail,
    session_list,
)

__all__ = [
    "PAGE_SIZE",
    "attendance",
    "booking_cancel",
    "booking_ics",
    "booking_rebook",
    "calendar_feed",
    "calendar_feed_reset",
    "host_session",
    "my_bookings",
    "schedule_create",
    "schedule_detail",
    "schedule_edit",
    "schedule_list",
    "session_cancel",
    "session_detail",
    "session_list",
    "session_when",
]
