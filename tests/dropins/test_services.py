from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies.dropins import services
from agencies.dropins.models import Booking, BookingStatus, DropInSession, Outcome, SessionStatus, Topic
from agencies.errors import NotFound, ServiceError
from agencies.models import Notification, NotificationKind
from tests.factories.dropins import DropInSessionFactory, schedule_spec

pytestmark = pytest.mark.django_db


def _book(user, session, **kwargs):
    return services.booking_create(
        actor=user, session_id=session.pk, topic=kwargs.pop("topic", Topic.PROCESS), **kwargs
    )


def _counts(session):
    session.refresh_from_db()
    return session.confirmed_count, session.waitlist_count


def test_booking_takes_a_seat_then_waitlists_when_full(isva, make_isva, session) -> None:
    second, third = make_isva(2)
    assert _book(isva, session).status == BookingStatus.CONFIRMED
    assert _book(second, session).status == BookingStatus.CONFIRMED
    assert _book(third, session).status == BookingStatus.WAITLISTED
    assert _counts(session) == (2, 1)


def test_one_active_booking_per_isva_per_session(isva, session) -> None:
    _book(isva, session)
    with pytest.raises(ServiceError, match="already have a booking"):
        _book(isva, session)
    assert _counts(session) == (1, 0)


def test_partial_unique_index_refuses_a_second_active_row(isva, session) -> None:
    Booking.objects.create(session=session, isva=isva, status=BookingStatus.CANCELLED, topic=Topic.OTHER)
    Booking.objects.create(session=session, isva=isva, status=BookingStatus.CONFIRMED, topic=Topic.OTHER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(session=session, isva=isva, status=BookingStatus.WAITLISTED, topic=Topic.OTHER)


def test_check_constraint_refuses_overbooking_written_directly(session) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        DropInSession.objects.filter(pk=session.pk).update(confirmed_count=session.capacity + 1)


def test_cancel_promotes_the_first_waitlisted_and_tells_them(
    isva, make_isva, session, django_capture_on_commit_callbacks
) -> None:
    second, third, fourth = make_isva(3)
    first_booking = _book(isva, session)
    _book(second, session)
    waiting_first = _book(third, session)
    waiting_second = _book(fourth, session)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=isva, booking_id=first_booking.pk)
    waiting_first.refresh_from_db()
    waiting_second.refresh_from_db()
    assert waiting_first.status == BookingStatus.CONFIRMED
    assert waiting_second.status == BookingStatus.WAITLISTED
    assert _counts(session) == (2, 1)
    note = Notification.objects.get(recipient=third)
    assert note.kind == NotificationKind.BOOKING_PROMOTED
    assert "question" not in note.title.lower()
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["You now have a place at a drop-in session", "Your drop-in booking is cancelled"]


def test_new_booker_cannot_jump_the_waitlist(isva, make_isva, session) -> None:
    second, third, late = make_isva(3)
    _book(isva, session)
    _book(second, session)
    _book(third, session)
    DropInSession.objects.filter(pk=session.pk).update(capacity=3)  # a seat appears while someone queues
    assert _book(late, session).status == BookingStatus.WAITLISTED


def test_cancel_after_cut_off_is_refused_and_changes_nothing(isva, session) -> None:
    booking = _book(isva, session)
    late = session.starts_at - timedelta(hours=1)
    with pytest.raises(ServiceError, match="up to 2 hours"):
        services.booking_cancel(actor=isva, booking_id=booking.pk, now=late)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert _counts(session) == (1, 0)


def test_someone_elses_booking_is_not_found(isva, make_isva, session) -> None:
    (other,) = make_isva(1)
    booking = _book(isva, session)
    with pytest.raises(NotFound):
        services.booking_cancel(actor=other, booking_id=booking.pk)
    with pytest.raises(NotFound):
        services.booking_rebook(actor=other, booking_id=booking.pk, session_id=session.pk)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"topic": "gossip"}, "topic"),
        ({"question": "x" * 501}, "500 characters"),
        ({"accessibility_needs": "y" * 301}, "300 characters"),
        ({"question": "Call me on 07700 900123"}, "phone number"),
        ({"question": "Victim born 12/03/1990"}, "date of birth"),
        ({"question": "Seen on 12/03/1990"}, "full date"),
        ({"question": "Lives at SW1A 1AA"}, "postcode"),
        ({"question": "email me a@b.example.org"}, "email address"),
    ],
)
def test_bad_booking_input_is_refused_and_changes_nothing(isva, session, kwargs, message) -> None:
    with pytest.raises(ServiceError, match=message):
        _book(isva, session, **kwargs)
    assert not Booking.objects.exists()
    assert _counts(session) == (0, 0)


def test_closed_windows_and_past_sessions_are_refused(isva, schedule) -> None:
    now = timezone.now()
    past = DropInSessionFactory(schedule=schedule, starts_at=now - timedelta(hours=1))
    far = DropInSessionFactory(schedule=schedule, starts_at=now + timedelta(days=60))
    soon = DropInSessionFactory(schedule=schedule, starts_at=now + timedelta(minutes=30))
    cancelled = DropInSessionFactory(schedule=schedule, status=SessionStatus.CANCELLED)
    for s, message in (
        (past, "already started"),
        (far, "opens on"),
        (soon, "Booking closed"),
        (cancelled, "cancelled"),
    ):
        with pytest.raises(ServiceError, match=message):
            _book(isva, s)
    assert not Booking.objects.exists()


def test_another_areas_session_is_not_found(isva, other_session) -> None:
    with pytest.raises(NotFound):
        _book(isva, other_session)
    assert not Booking.objects.exists()


def test_host_cannot_book(host, session) -> None:
    with pytest.raises(NotFound):
        _book(host, session)


def test_rebook_moves_in_one_step(isva, schedule, session) -> None:
    target = DropInSessionFactory(
        schedule=schedule, starts_at=session.starts_at + timedelta(days=7), capacity=1
    )
    original = _book(isva, session)
    moved = services.booking_rebook(actor=isva, booking_id=original.pk, session_id=target.pk)
    original.refresh_from_db()
    assert original.status == BookingStatus.CANCELLED
    assert moved.status == BookingStatus.CONFIRMED and moved.session_id == target.pk
    assert _counts(session) == (0, 0)
    assert _counts(target) == (1, 0)


def test_rebook_to_a_full_session_keeps_the_original_seat(isva, make_isva, schedule, session) -> None:
    (other,) = make_isva(1)
    target = DropInSessionFactory(
        schedule=schedule, starts_at=session.starts_at + timedelta(days=7), capacity=1
    )
    _book(other, target)
    original = _book(isva, session)
    with pytest.raises(ServiceError, match="full"):
        services.booking_rebook(actor=isva, booking_id=original.pk, session_id=target.pk)
    original.refresh_from_db()
    assert original.status == BookingStatus.CONFIRMED
    assert _counts(session) == (1, 0)
    assert _counts(target) == (1, 0)
    assert Booking.objects.filter(isva=isva).count() == 1


def test_attendance_and_outcome_recorded_by_the_host_only(host, isva, session) -> None:
    booking = _book(isva, session)
    after = session.starts_at + timedelta(minutes=5)
    with pytest.raises(ServiceError, match="once the session has started"):
        services.attendance_record(actor=host, booking_id=booking.pk, attended=True)
    with pytest.raises(NotFound):
        services.attendance_record(actor=isva, booking_id=booking.pk, attended=True, now=after)
    with pytest.raises(ServiceError, match="outcome"):
        services.attendance_record(
            actor=host, booking_id=booking.pk, attended=True, outcome="narrative", now=after
        )
    services.attendance_record(
        actor=host, booking_id=booking.pk, attended=True, outcome=Outcome.REFERRED, now=after
    )
    booking.refresh_from_db()
    assert (booking.status, booking.outcome) == (BookingStatus.ATTENDED, Outcome.REFERRED)


def test_other_host_cannot_record_attendance(roles, isva, session) -> None:
    from agencies.roles import Role
    from tests.factories import AgencyFactory, UserFactory

    stranger = UserFactory(agency=AgencyFactory(), roles=[Role.DROPIN_HOST])
    booking = _book(isva, session)
    with pytest.raises(NotFound):
        services.attendance_record(
            actor=stranger, booking_id=booking.pk, attended=False, now=session.starts_at + timedelta(hours=1)
        )


def _spec(area, **overrides):
    return schedule_spec(area, **overrides)


def test_schedule_create_materialises_sessions_and_slots(host, area) -> None:
    schedule = services.schedule_create(actor=host, spec=_spec(area))
    assert schedule.sessions.count() == 4
    assert set(schedule.sessions.values_list("capacity", flat=True)) == {5}
    slots = services.schedule_create(
        actor=host, spec=_spec(area, title="Slots", seats=None, slot_minutes=20, occurrences=2)
    )
    assert slots.sessions.count() == 6
    assert set(slots.sessions.values_list("capacity", flat=True)) == {1}


def test_schedule_create_skips_blackout_dates(host, area) -> None:
    start = timezone.localdate() + timedelta(days=1)
    first_tuesday = start + timedelta(days=(1 - start.weekday()) % 7)
    schedule = services.schedule_create(
        actor=host,
        spec=_spec(
            area,
            starts_on=start,
            until=first_tuesday + timedelta(days=21),
            occurrences=None,
            blackout_dates=[first_tuesday + timedelta(days=7)],
        ),
    )
    days = [timezone.localtime(s.starts_at).date() for s in schedule.sessions.all()]
    assert days == [first_tuesday, first_tuesday + timedelta(days=14), first_tuesday + timedelta(days=21)]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [9]}, "weekdays"),
        ({"end_time": time(9, 0)}, "end_time"),
        ({"occurrences": None}, "until"),
        ({"until": date(2020, 1, 1)}, "until"),
        ({"seats": None}, "seats"),
        ({"seats": 0}, "seats"),
        ({"allowed_area_ids": []}, "allowed_areas"),
        ({"allowed_area_ids": [999999]}, "allowed_areas"),
        ({"mode": "in_person", "meeting_link": ""}, "address"),
        ({"starts_on": date(2020, 1, 1)}, "starts_on"),
    ],
)
def test_schedule_validation(host, area, overrides, field) -> None:
    with pytest.raises(ServiceError) as caught:
        services.schedule_create(actor=host, spec=_spec(area, **overrides))
    assert caught.value.field == field


def test_only_hosts_create_schedules(isva, area) -> None:
    with pytest.raises(PermissionDenied):
        services.schedule_create(actor=isva, spec=_spec(area))


def test_schedule_edit_moves_sessions_keeps_bookings_and_tells_bookers(
    host, isva, area, django_capture_on_commit_callbacks
) -> None:
    schedule = services.schedule_create(actor=host, spec=_spec(area))
    first = schedule.sessions.order_by("starts_at").first()
    booking = _book(isva, first)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change = services.schedule_update(
            actor=host,
            schedule_id=schedule.pk,
            spec=_spec(area, start_time=time(14, 0), end_time=time(15, 0), seats=1),
        )
    assert change.updated == 4 and change.bookers_told == 1 and change.cancelled == 0
    booking.refresh_from_db()
    first.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.sequence == 1
    assert timezone.localtime(first.starts_at).time() == time(14, 0)
    assert first.capacity == 1 and first.sequence == 1
    assert [m.subject for m in mail.outbox] == ["A drop-in session you booked has changed"]
    assert Notification.objects.filter(recipient=isva).count() == 1


def test_schedule_edit_never_shrinks_below_held_seats(host, isva, make_isva, area) -> None:
    schedule = services.schedule_create(actor=host, spec=_spec(area, seats=3))
    first = schedule.sessions.order_by("starts_at").first()
    for person in [isva, *make_isva(2)]:
        _book(person, first)
    change = services.schedule_update(actor=host, schedule_id=schedule.pk, spec=_spec(area, seats=1))
    first.refresh_from_db()
    assert first.capacity == 3 and first.confirmed_count == 3
    assert change.capacity_kept == 1


def test_schedule_edit_cancels_dropped_dates_and_tells_bookers(host, isva, area) -> None:
    schedule = services.schedule_create(actor=host, spec=_spec(area))
    last = schedule.sessions.order_by("starts_at").last()
    booking = _book(isva, last)
    change = services.schedule_update(actor=host, schedule_id=schedule.pk, spec=_spec(area, occurrences=3))
    booking.refresh_from_db()
    last.refresh_from_db()
    assert change.cancelled == 1 and change.bookers_told == 1
    assert last.status == SessionStatus.CANCELLED and booking.status == BookingStatus.CANCELLED


def test_host_cancels_one_session_and_bookers_are_told(
    host, isva, make_isva, session, django_capture_on_commit_callbacks
) -> None:
    (second, third) = make_isva(2)
    for person in (isva, second, third):
        _book(person, session)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        told = services.session_cancel(actor=host, session_id=session.pk)
    assert told == 3
    assert set(Booking.objects.values_list("status", flat=True)) == {BookingStatus.CANCELLED}
    assert len(mail.outbox) == 3
    assert all("METHOD:CANCEL" in str(m.attachments[0][1]) for m in mail.outbox)


def test_other_agency_host_cannot_cancel(roles, session) -> None:
    from agencies.roles import Role
    from tests.factories import AgencyFactory, UserFactory

    stranger = UserFactory(agency=AgencyFactory(), roles=[Role.DROPIN_HOST])
    with pytest.raises(NotFound):
        services.session_cancel(actor=stranger, session_id=session.pk)
