"""Drop-in endpoints under /api/v1/dropins/: the same selectors, services, permissions and
validation as the pages. Bad input answers with a JSON 4xx and changes nothing: a service's
refusal (agencies.errors) becomes its status and an ErrorOut in config.api's one handler."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Query, Router, Schema

from agencies.api import MAX_ID, ErrorOut, PageQuery, PlainText
from agencies.dropins import permissions, selectors, services
from agencies.dropins.models import Booking, DropInSession, Mode, Topic
from agencies.dropins.services import MAX_NEEDS, MAX_QUESTION
from agencies.http import AuthenticatedHttpRequest

router = Router(tags=["drop-ins"])


class SessionOut(Schema):
    id: int
    schedule_id: int
    title: str
    host_agency: str
    mode: Mode
    starts_at: datetime
    ends_at: datetime
    capacity: int
    remaining: int
    waitlisted: int
    my_booking_status: str | None = Field(None, description="confirmed / waitlisted, or null")


class SessionPageOut(Schema):
    count: int
    items: list[SessionOut]


class BookingIn(Schema):
    topic: Topic
    question: PlainText = Field("", max_length=MAX_QUESTION)
    accessibility_needs: PlainText = Field("", max_length=MAX_NEEDS)


class RebookIn(Schema):
    session_id: int = Field(..., ge=1, le=MAX_ID)


class BookingOut(Schema):
    id: int
    session_id: int
    status: str
    topic: str
    starts_at: datetime
    ends_at: datetime
    title: str


def _session_out(session: DropInSession) -> SessionOut:
    return SessionOut(
        id=session.pk,
        schedule_id=session.schedule_id,
        title=session.schedule.title,
        host_agency=session.schedule.host_agency.name,
        mode=session.schedule.mode,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        capacity=session.capacity,
        remaining=session.remaining if session.status == "scheduled" else 0,
        waitlisted=session.waitlist_count,
        my_booking_status=getattr(session, "my_booking_status", None),
    )


def _booking_out(booking: Booking) -> BookingOut:
    return BookingOut(
        id=booking.pk,
        session_id=booking.session_id,
        status=booking.status,
        topic=booking.topic,
        starts_at=booking.session.starts_at,
        ends_at=booking.session.ends_at,
        title=booking.session.schedule.title,
    )


FORBIDDEN = (403, ErrorOut(detail="You do not have access to drop-ins.", code="forbidden"))


class SessionQuery(PageQuery):
    area_id: int | None = Field(None, ge=1)
    mode: Mode | None = None
    from_date: date | None = None
    to_date: date | None = None


@router.get(
    "/sessions",
    response={200: SessionPageOut, 403: ErrorOut},
    url_name="dropins_sessions",
    summary="Upcoming sessions open to me, soonest first, with live seat counts",
)
def list_sessions(request: AuthenticatedHttpRequest, query: Query[SessionQuery]):
    if not permissions.can_view_dropins(request.user):
        return FORBIDDEN
    sessions = selectors.session_list(
        viewer=request.user,
        filters=selectors.SessionFilters(
            area_id=query.area_id, mode=query.mode, on_or_after=query.from_date, on_or_before=query.to_date
        ),
    )
    items = [_session_out(s) for s in sessions[query.offset : query.offset + query.limit]]
    return 200, {"count": sessions.count(), "items": items}


@router.get(
    "/sessions/{session_id}",
    response={200: SessionOut, 403: ErrorOut, 404: ErrorOut},
    url_name="dropins_session",
    summary="One session with its seat counts",
)
def get_session(request: AuthenticatedHttpRequest, session_id: int):
    if not permissions.can_view_dropins(request.user):
        return FORBIDDEN
    session = selectors.session_get(viewer=request.user, session_id=session_id)
    if session is None:
        return 404, ErrorOut(detail="Session not found.", code="not_found")
    return 200, _session_out(session)


@router.post(
    "/sessions/{session_id}/book",
    response={201: BookingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    url_name="dropins_book",
    summary="Book a seat (or join the waitlist when the session is full)",
)
def book(request: AuthenticatedHttpRequest, session_id: int, payload: BookingIn):
    if not permissions.can_book_any(request.user):
        return FORBIDDEN
    booking = services.booking_create(
        actor=request.user,
        session_id=session_id,
        topic=payload.topic,
        question=payload.question,
        accessibility_needs=payload.accessibility_needs,
    )
    return 201, _booking_out(selectors.booking_get(viewer=request.user, booking_id=booking.pk))


@router.get(
    "/bookings",
    response={200: list[BookingOut], 403: ErrorOut},
    url_name="dropins_my_bookings",
    summary="My bookings (upcoming and the last 90 days)",
)
def my_bookings(request: AuthenticatedHttpRequest):
    if not permissions.can_book_any(request.user):
        return FORBIDDEN
    return 200, [_booking_out(b) for b in selectors.my_bookings(viewer=request.user)]


@router.post(
    "/bookings/{booking_id}/cancel",
    response={200: BookingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    url_name="dropins_cancel",
    summary="Cancel my booking (before the cut-off); the first waitlisted ISVA is promoted",
)
def cancel(request: AuthenticatedHttpRequest, booking_id: int):
    if not permissions.can_book_any(request.user):
        return FORBIDDEN
    booking = services.booking_cancel(actor=request.user, booking_id=booking_id)
    return 200, _booking_out(selectors.booking_get(viewer=request.user, booking_id=booking.pk))


@router.post(
    "/bookings/{booking_id}/rebook",
    response={200: BookingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    url_name="dropins_rebook",
    summary="Move my booking to another session; nothing changes if that session is full",
)
def rebook(request: AuthenticatedHttpRequest, booking_id: int, payload: RebookIn):
    if not permissions.can_book_any(request.user):
        return FORBIDDEN
    moved = services.booking_rebook(actor=request.user, booking_id=booking_id, session_id=payload.session_id)
    return 200, _booking_out(selectors.booking_get(viewer=request.user, booking_id=moved.pk))
