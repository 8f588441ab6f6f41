"""Times across the clock changes (pages, emails, .ics), iCalendar UID/SEQUENCE/METHOD, the
personal feed and the 24-hour reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agencies.dropins import services
from agencies.dropins.models import Booking, BookingStatus, Topic
from tests.conftest import signed_in_client
from tests.factories.dropins import DropInSessionFactory

pytestmark = pytest.mark.django_db


def _weekly_ten_oclock(host, area, starts_on):
    spec = services.ScheduleSpec(
        title="Tuesday drop-in",
        mode="hybrid",
        address="Test CPS office",
        meeting_link="https://meet.example.org/tuesday",
        weekdays=[1],
        start_time=time(10, 0),
        end_time=time(11, 0),
        starts_on=starts_on,
        occurrences=4,
        seats=5,
        allowed_area_ids=[area.pk],
    )
    return services.schedule_create(actor=host, spec=spec)


def _parse(payload) -> Calendar:
    return Calendar.from_ical(payload if isinstance(payload, bytes) else payload.encode())


def _event(cal: Calendar):
    (event,) = cal.walk("VEVENT")
    return event


# 2027: clocks go forward on Sunday 28 March and back on Sunday 31 October.
SPRING = (
    date(2027, 3, 16),
    [
        datetime(2027, 3, 16, 10, tzinfo=UTC),
        datetime(2027, 3, 23, 10, tzinfo=UTC),
        datetime(2027, 3, 30, 9, tzinfo=UTC),
        datetime(2027, 4, 6, 9, tzinfo=UTC),
    ],
)
AUTUMN = (
    date(2027, 10, 19),
    [
        datetime(2027, 10, 19, 9, tzinfo=UTC),
        datetime(2027, 10, 26, 9, tzinfo=UTC),
        datetime(2027, 11, 2, 10, tzinfo=UTC),
        datetime(2027, 11, 9, 10, tzinfo=UTC),
    ],
)


@pytest.mark.parametrize(("starts_on", "expected_utc"), [SPRING, AUTUMN], ids=["march", "october"])
def test_weekly_ten_oclock_stays_ten_oclock_across_the_clock_change(
    host, isva, area, starts_on, expected_utc, django_capture_on_commit_callbacks
) -> None:
    schedule = _weekly_ten_oclock(host, area, starts_on)
    sessions = list(schedule.sessions.order_by("starts_at"))
    assert [s.starts_at for s in sessions] == expected_utc
    assert {timezone.localtime(s.starts_at).time() for s in sessions} == {time(10, 0)}
    assert {timezone.localtime(s.ends_at).time() for s in sessions} == {time(11, 0)}

    for session, instant in zip(sessions, expected_utc, strict=True):
        the_day_before = session.starts_at - timedelta(days=1)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.booking_create(
                actor=isva, session_id=session.pk, topic=Topic.PROCESS, now=the_day_before
            )
        (message,) = mail.outbox
        assert "10:00 to 11:00 (UK time)" in message.body
        event = _event(_parse(message.attachments[0][1]))
        assert event.decoded("dtstart") == instant
        assert event.decoded("dtend") == instant + timedelta(hours=1)

        with time_machine.travel(the_day_before, tick=False):
            page = signed_in_client(isva).get(reverse("dropins:session-detail", args=[session.pk]))
            listing = signed_in_client(isva).get(reverse("dropins:session-list"))
        assert page.status_code == 200
        assert "10:00 to 11:00" in page.text
        assert f"{timezone.localtime(session.starts_at):%-d %b %Y}, 10:00–11:00" in listing.text


def test_invitation_uid_is_stable_sequence_rises_and_cancel_says_cancel(
    host, isva, area, django_capture_on_commit_callbacks
) -> None:
    start = timezone.localdate() + timedelta(days=1)
    schedule = _weekly_ten_oclock(host, area, start)
    session = schedule.sessions.order_by("starts_at").first()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(
            actor=isva, session_id=session.pk, topic=Topic.PROCESS, now=session.starts_at - timedelta(days=1)
        )
    first = _parse(mail.outbox[-1].attachments[0][1])
    assert str(first["method"]) == "REQUEST"
    assert str(_event(first)["uid"]) == booking.ical_uid
    assert int(_event(first)["sequence"]) == 0
    assert "Test CPS office" in str(_event(first)["location"])

    spec = services.spec_from_schedule(schedule)
    spec.start_time, spec.end_time = time(11, 0), time(12, 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_update(actor=host, schedule_id=schedule.pk, spec=spec)
    changed = _parse(mail.outbox[-1].attachments[0][1])
    assert str(_event(changed)["uid"]) == booking.ical_uid
    assert int(_event(changed)["sequence"]) == 1
    assert timezone.localtime(_event(changed).decoded("dtstart")).time() == time(11, 0)

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=isva, booking_id=booking.pk)
    cancelled = _parse(mail.outbox[-1].attachments[0][1])
    assert str(cancelled["method"]) == "CANCEL"
    assert str(_event(cancelled)["status"]) == "CANCELLED"
    assert str(_event(cancelled)["uid"]) == booking.ical_uid
    assert int(_event(cancelled)["sequence"]) == 2
    assert "location" not in _event(cancelled)


def test_waitlisted_email_has_no_invitation_and_no_location(
    isva, make_isva, session, django_capture_on_commit_callbacks
) -> None:
    others = make_isva(2)
    for person in others:
        services.booking_create(actor=person, session_id=session.pk, topic=Topic.PROCESS)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_create(actor=isva, session_id=session.pk, topic=Topic.PROCESS)
    (message,) = mail.outbox
    assert message.attachments == []
    assert session.schedule.address not in message.body
    assert session.schedule.meeting_link not in message.body


def test_personal_feed_token_works_without_sign_in_and_reset_kills_the_old_url(client, isva, session) -> None:
    booking = services.booking_create(actor=isva, session_id=session.pk, topic=Topic.LETTERS)
    feed = services.calendar_feed_ensure(actor=isva)
    url = reverse("dropins:calendar-feed", args=[f"{isva.pk}.{feed.secret}"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = _parse(response.content).walk("VEVENT")
    assert str(event["uid"]) == booking.ical_uid
    assert event.decoded("dtstart") == session.starts_at.replace(microsecond=0)

    for bad in (
        f"{isva.pk}.wrong",
        f"{isva.pk}.{feed.secret}x",
        f"{isva.pk + 1}.{feed.secret}",
        "nonsense",
        "1.",
    ):
        assert client.get(reverse("dropins:calendar-feed", args=[bad])).status_code == 404

    assert signed_in_client(isva).post(reverse("dropins:calendar-feed-reset")).status_code == 302
    assert client.get(url).status_code == 404
    isva.dropin_feed.refresh_from_db()
    assert (
        client.get(
            reverse("dropins:calendar-feed", args=[f"{isva.pk}.{isva.dropin_feed.secret}"])
        ).status_code
        == 200
    )

    isva.is_active = False
    isva.save()
    assert (
        client.get(
            reverse("dropins:calendar-feed", args=[f"{isva.pk}.{isva.dropin_feed.secret}"])
        ).status_code
        == 404
    )


def test_reminder_command_sends_each_reminder_once(isva, make_isva, schedule) -> None:
    tomorrow = DropInSessionFactory(schedule=schedule, starts_at=timezone.now() + timedelta(hours=20))
    next_week = DropInSessionFactory(schedule=schedule, starts_at=timezone.now() + timedelta(days=7))
    (other,) = make_isva(1)
    due = services.booking_create(actor=isva, session_id=tomorrow.pk, topic=Topic.PROCESS)
    services.booking_create(actor=other, session_id=next_week.pk, topic=Topic.PROCESS)
    cancelled = services.booking_create(actor=other, session_id=tomorrow.pk, topic=Topic.PROCESS)
    services.booking_cancel(actor=other, booking_id=cancelled.pk)
    mail.outbox.clear()
    out = StringIO()
    call_command("send_dropin_reminders", stdout=out)
    call_command("send_dropin_reminders", stdout=out)
    assert [m.subject for m in mail.outbox] == ["Reminder: your drop-in session is tomorrow"]
    assert mail.outbox[0].to == [isva.email]
    assert "Drop-in reminders sent: 1" in out.getvalue()
    assert "Drop-in reminders sent: 0" in out.getvalue()
    due.refresh_from_db()
    assert due.reminder_sent_at is not None
    assert Booking.objects.filter(reminder_sent_at__isnull=False).count() == 1
    assert Booking.objects.get(pk=cancelled.pk).status == BookingStatus.CANCELLED


def test_reminder_is_scheduled_24_hours_ahead_on_a_deferring_backend(
    isva, session, django_capture_on_commit_callbacks
) -> None:
    from django.test import override_settings
    from django_tasks import task_backends

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        with django_capture_on_commit_callbacks(execute=True):
            booking = services.booking_create(actor=isva, session_id=session.pk, topic=Topic.PROCESS)
        queued = {r.task.name: r for r in task_backends["default"].results}
        assert set(queued) == {"send_booking_email", "send_reminder"}
        reminder = queued["send_reminder"]
        assert reminder.args == [booking.pk]
        assert reminder.task.run_after == session.starts_at - timedelta(hours=24)
