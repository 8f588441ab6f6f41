"""The drop-in URLs covered by tests/dropins/test_permission_matrix.py (each tested per role:
anonymous, ISVA in the session's area, ISVA of another area, host of the session's agency, host of
another agency, coordinator, panel member, governance, editor, admin)."""

COVERED_URL_NAMES: set[str] = {
    "dropins:session-list",
    "dropins:session-detail",
    "dropins:my-bookings",
    "dropins:calendar-feed-reset",
    "dropins:booking-cancel",
    "dropins:booking-rebook",
    "dropins:booking-ics",
    "dropins:calendar-feed",
    "dropins:schedule-list",
    "dropins:schedule-create",
    "dropins:schedule-detail",
    "dropins:schedule-edit",
    "dropins:host-session",
    "dropins:attendance",
    "dropins:session-cancel",
    "api-v1:dropins_sessions",
    "api-v1:dropins_session",
    "api-v1:dropins_book",
    "api-v1:dropins_my_bookings",
    "api-v1:dropins_cancel",
    "api-v1:dropins_rebook",
}
