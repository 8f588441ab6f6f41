"""Bookings: booking, cancelling and moving a seat; the host's attendance record."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from agencies.dropins import permissions, signals
from agencies.dropins.events import DropinStatsChanged
from agencies.dropins.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    DropInSession,
    Outcome,
    SessionStatus,
    Topic,
)
from agencies.dropins.services.seats import (
    lock_session,
    publish_figures,
    publish_seats,
    release,
    take_seat,
)
from agencies.dropins.tasks import EmailKind, email_on_commit, schedule_reminder_on_commit
from agencies.errors import Conflict, NotFound, ServiceError
from agencies.models import User
from agencies.privacy.identifiers import CONTACT_AND_DATES, describe, find_identifiers

MAX_QUESTION = 500
MAX_NEEDS = 300


def _check_text(*, topic: str, question: str, accessibility_needs: str) -> None:
    if topic not in Topic.values:
        raise ServiceError("Choose a topic from the list.", field="topic")
    if len(question) > MAX_QUESTION:
        raise ServiceError(f"Your question must be {MAX_QUESTION} characters or fewer.", field="question")
    if len(accessibility_needs) > MAX_NEEDS:
        raise ServiceError(
            f"Accessibility needs must be {MAX_NEEDS} characters or fewer.", field="accessibility_needs"
        )
    for name, text in (("question", question), ("accessibility_needs", accessibility_needs)):
        hits = find_identifiers(text, kinds=CONTACT_AND_DATES)
        if hits:
            raise ServiceError(describe(hits), field=name)


def _check_bookable(session: DropInSession, *, now: datetime) -> None:
    schedule = session.schedule
    if session.status != SessionStatus.SCHEDULED:
        raise ServiceError("This session has been cancelled.", code="closed")
    if session.starts_at <= now:
        raise ServiceError("This session has already started.", code="closed")
    opens = session.starts_at - timedelta(days=schedule.booking_window_days)
    if now < opens:
        local = timezone.localtime(opens)
        raise ServiceError(f"Booking for this session opens on {local:%-d %B %Y at %H:%M}.", code="closed")
    if now > session.starts_at - timedelta(hours=schedule.min_notice_hours):
        raise ServiceError(
            f"Booking closed {schedule.min_notice_hours} hours before the session starts.", code="closed"
        )


def booking_create(
    *,
    actor: User,
    session_id: int,
    topic: str,
    question: str = "",
    accessibility_needs: str = "",
    now: datetime | None = None,
) -> Booking:
    """Book a seat, or join the waitlist when the session is full (or others are already queuing).
    Every attempt sends `signals.booking_attempted` once: a booking when it commits, a refusal as
    it is raised."""
    try:
        booking = _booking_create(
            actor=actor,
            session_id=session_id,
            topic=topic,
            question=question,
            accessibility_needs=accessibility_needs,
            now=now,
        )
    except ValidationError as refusal:  # a ServiceError, or a form-level check's ValidationError
        code = getattr(refusal, "code", None) or "invalid"
        signals.booking_attempted.send(sender=Booking, outcome="refused", code=code)
        raise
    outcome = "booked" if booking.status == BookingStatus.CONFIRMED else "waitlisted"
    transaction.on_commit(lambda: signals.booking_attempted.send(sender=Booking, outcome=outcome, code=""))
    return booking


@transaction.atomic
def _booking_create(
    *,
    actor: User,
    session_id: int,
    topic: str,
    question: str,
    accessibility_needs: str,
    now: datetime | None,
) -> Booking:
    now = now or timezone.now()
    question, accessibility_needs = question.strip(), accessibility_needs.strip()
    _check_text(topic=topic, question=question, accessibility_needs=accessibility_needs)
    session = lock_session(session_id)
    if session is None or not permissions.can_book_schedule(actor, session.schedule):
        raise NotFound("Session not found.")
    _check_bookable(session, now=now)
    if Booking.objects.filter(session=session, isva=actor, status__in=ACTIVE_STATUSES).exists():
        raise Conflict("You already have a booking for this session.", code="duplicate")
    confirmed = take_seat(session.pk, respect_queue=True)
    if not confirmed:
        DropInSession.objects.filter(pk=session.pk).update(waitlist_count=F("waitlist_count") + 1)
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                session=session,
                isva=actor,
                status=BookingStatus.CONFIRMED if confirmed else BookingStatus.WAITLISTED,
                topic=topic,
                question=question,
                accessibility_needs=accessibility_needs,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError as exc:  # the partial unique index: a racing duplicate
        raise Conflict("You already have a booking for this session.", code="duplicate") from exc
    publish_seats(session)
    email_on_commit(booking.pk, EmailKind.CONFIRMED if confirmed else EmailKind.WAITLISTED)
    if confirmed:
        schedule_reminder_on_commit(booking.pk, session.starts_at)
    return booking


def _own_booking(actor: User, booking_id: int) -> Booking:
    booking = Booking.objects.filter(pk=booking_id).only("pk", "isva_id", "session_id").first()
    if booking is None or not permissions.can_manage_booking(actor, booking):
        raise NotFound("Booking not found.")
    return booking


@transaction.atomic
def booking_cancel(*, actor: User, booking_id: int, now: datetime | None = None) -> Booking:
    now = now or timezone.now()
    owned = _own_booking(actor, booking_id)
    session = lock_session(owned.session_id)
    assert session is not None  # noqa: S101 - the booking's session exists (FK, cascade)
    booking = Booking.objects.get(pk=owned.pk)  # re-read under the lock
    if booking.status not in ACTIVE_STATUSES:
        raise ServiceError("This booking is not active, so it cannot be cancelled.", code="closed")
    if session.starts_at <= now:
        raise ServiceError("This session has already started.", code="closed")
    cutoff = session.starts_at - timedelta(hours=session.schedule.cancellation_cutoff_hours)
    if booking.status == BookingStatus.CONFIRMED and now > cutoff:
        raise ServiceError(
            f"Bookings can only be cancelled up to {session.schedule.cancellation_cutoff_hours} hours "
            "before the session. Contact the host instead.",
            code="closed",
        )
    release(booking, session, now=now)
    publish_seats(session)
    email_on_commit(booking.pk, EmailKind.CANCELLED)
    booking.refresh_from_db()
    return booking


@transaction.atomic
def booking_rebook(*, actor: User, booking_id: int, session_id: int, now: datetime | None = None) -> Booking:
    """Move a booking to another session in one step. The new seat is taken first; if there is
    none, nothing changes and the original booking (and its seat) stays."""
    now = now or timezone.now()
    owned = _own_booking(actor, booking_id)
    if owned.session_id == session_id:
        raise ServiceError("Choose a different session.", field="session")
    # Lock both sessions in id order, so two crossing rebooks cannot deadlock.
    locked = {}
    for pk in sorted({owned.session_id, session_id}):
        locked[pk] = lock_session(pk)
    old_session, new_session = locked[owned.session_id], locked[session_id]
    if new_session is None or not permissions.can_book_schedule(actor, new_session.schedule):
        raise NotFound("Session not found.")
    booking = Booking.objects.get(pk=owned.pk)
    if booking.status not in ACTIVE_STATUSES:
        raise ServiceError("This booking is not active, so it cannot be moved.", code="closed")
    cutoff = old_session.starts_at - timedelta(hours=old_session.schedule.cancellation_cutoff_hours)
    if booking.status == BookingStatus.CONFIRMED and now > cutoff:
        raise ServiceError("It is too late to move this booking. Contact the host instead.", code="closed")
    _check_bookable(new_session, now=now)
    if Booking.objects.filter(session=new_session, isva=actor, status__in=ACTIVE_STATUSES).exists():
        raise Conflict("You already have a booking for that session.", code="duplicate")
    if not take_seat(new_session.pk, respect_queue=True):
        raise Conflict("That session is full. Your original booking is unchanged.", code="full")
    moved = Booking.objects.create(
        session=new_session,
        isva=actor,
        status=BookingStatus.CONFIRMED,
        topic=booking.topic,
        question=booking.question,
        accessibility_needs=booking.accessibility_needs,
        created_at=now,
        updated_at=now,
    )
    release(booking, old_session, now=now)
    publish_seats(old_session)
    publish_seats(new_session)
    email_on_commit(booking.pk, EmailKind.CANCELLED)
    email_on_commit(moved.pk, EmailKind.CONFIRMED)
    schedule_reminder_on_commit(moved.pk, new_session.starts_at)
    return moved


@transaction.atomic
def attendance_record(
    *, actor: User, booking_id: int, attended: bool, outcome: str = "", now: datetime | None = None
) -> Booking:
    """The host records attended / no-show and an outcome category. No narrative is stored."""
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("session__schedule__host_agency")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or not permissions.can_record_attendance(actor, booking):
        raise NotFound("Booking not found.")
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
        raise ServiceError("Attendance can only be recorded for confirmed bookings.", code="closed")
    if booking.session.starts_at > now:
        raise ServiceError("Attendance can be recorded once the session has started.", code="closed")
    if outcome and outcome not in Outcome.values:
        raise ServiceError("Choose an outcome from the list.", field="outcome")
    if outcome and not attended:
        raise ServiceError("An outcome can only be recorded for someone who attended.", field="outcome")
    booking.status = BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW
    booking.outcome = outcome if attended else ""
    booking.updated_at = now
    booking.save(update_fields=["status", "outcome", "updated_at"])
    area_id = booking.session.schedule.host_agency.area_id
    publish_figures(area_id, DropinStatsChanged(area_id=area_id, session_id=booking.session_id))
    return booking
