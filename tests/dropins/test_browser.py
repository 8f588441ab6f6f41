"""Real daphne + Chromium: live seat counts across two browsers, cancellation promoting the
waitlist, and axe-core (WCAG 2.2 AA) over every drop-in page, including error states."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.dropins import services
from agencies.dropins.models import Booking, BookingStatus, DropInSession, Topic
from agencies.models import Notification, NotificationKind
from tests.factories.dropins import DropInSessionFactory
from tests.live import assert_accessible, session_cookie_for

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _signed_in(new_page, server, user):
    """A page in its own browser context, signed in as `user` through tests.live's session
    cookie (the sign-in form itself is covered by tests/e2e)."""
    from django.conf import settings

    page = new_page()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_for(user), "url": server.url}]
    )
    return page


def _visit(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    assert "/account/sign-in/" not in page.url, f"signed out at {path}"


def _remaining(page, session_id: int) -> str:
    return page.locator(f'[data-seats-for="{session_id}"] [data-remaining]').first.inner_text()


def test_book_live_count_cancel_and_promotion(new_page, daphne_server, isva, make_isva, schedule) -> None:
    session = DropInSessionFactory(
        schedule=schedule, capacity=1, starts_at=timezone.now() + timedelta(days=2)
    )
    (waiting,) = make_isva(1)
    booker, watcher = _signed_in(new_page, daphne_server, isva), _signed_in(new_page, daphne_server, waiting)

    _visit(watcher, "/dropins/")
    assert _remaining(watcher, session.pk) == "1"
    watcher.wait_for_function("() => document.querySelector('[data-dropins-live]') !== null")
    watcher.wait_for_timeout(500)  # let the socket subscribe

    _visit(booker, f"/dropins/sessions/{session.pk}/")
    booker.get_by_label("Process").check()
    booker.get_by_role("button", name="Book this session").click()
    booker.wait_for_load_state()
    assert "/dropins/my-bookings/" in booker.url
    assert booker.get_by_text("Your place is booked").is_visible()

    # The other browser sees the seat go without reloading.
    watcher.wait_for_function(
        "(id) => document.querySelector(`[data-seats-for=\"${id}\"] [data-remaining]`).textContent === '0'",
        arg=session.pk,
        timeout=10_000,
    )
    assert "0 seats left" in watcher.locator("[data-dropins-status]").inner_text()

    _visit(watcher, f"/dropins/sessions/{session.pk}/")
    watcher.get_by_label("Letters to victims").check()
    watcher.get_by_role("button", name="Book this session").click()
    watcher.wait_for_load_state()
    assert watcher.get_by_text("you are on the waitlist").is_visible()
    assert Booking.objects.get(isva=waiting).status == BookingStatus.WAITLISTED

    booker.get_by_role("link", name="Cancel").first.click()
    booker.get_by_role("button", name="Cancel booking").click()
    booker.wait_for_load_state()
    assert booker.get_by_text("Your booking is cancelled.").is_visible()

    promoted = Booking.objects.get(isva=waiting, session=session)
    assert promoted.status == BookingStatus.CONFIRMED
    assert Notification.objects.filter(recipient=waiting, kind=NotificationKind.BOOKING_PROMOTED).count() == 1
    _visit(watcher, "/dropins/my-bookings/")
    assert watcher.locator("strong.govuk-tag", has_text="Confirmed").is_visible()
    assert DropInSession.objects.get(pk=session.pk).confirmed_count == 1


def test_every_dropin_page_has_no_axe_violations(new_page, daphne_server, isva, host, session) -> None:
    booking = services.booking_create(
        actor=isva, session_id=session.pk, topic=Topic.PROCESS, question="How do ISVA letters work?"
    )
    DropInSessionFactory(schedule=session.schedule, starts_at=session.starts_at + timedelta(days=7))
    services.calendar_feed_ensure(actor=isva)
    person = _signed_in(new_page, daphne_server, isva)
    for path in (
        "/dropins/",
        "/dropins/?mode=teleport",
        f"/dropins/sessions/{session.pk}/",
        "/dropins/my-bookings/",
        f"/dropins/bookings/{booking.pk}/cancel/",
        f"/dropins/bookings/{booking.pk}/rebook/",
    ):
        _visit(person, path)
        assert_accessible(person)
    # Error states: a booking question with an identifier; a rebook with nothing chosen.
    other = DropInSessionFactory(schedule=session.schedule, starts_at=session.starts_at + timedelta(days=14))
    _visit(person, f"/dropins/sessions/{other.pk}/")
    person.locator("#id_topic_0").check()
    person.get_by_label("Your question (optional)").fill("Call me on 07700 900123")
    person.get_by_role("button", name="Book this session").click()
    assert person.title().startswith("Error:")
    assert_accessible(person)
    _visit(person, f"/dropins/bookings/{booking.pk}/rebook/")
    person.get_by_role("button", name="Move booking").click()
    assert person.title().startswith("Error:")
    assert_accessible(person)

    hosting = _signed_in(new_page, daphne_server, host)
    for path in (
        "/dropins/host/",
        "/dropins/host/schedules/new/",
        f"/dropins/host/schedules/{session.schedule_id}/",
        f"/dropins/host/schedules/{session.schedule_id}/edit/",
        f"/dropins/host/sessions/{session.pk}/",
        f"/dropins/host/sessions/{session.pk}/cancel/",
    ):
        _visit(hosting, path)
        assert_accessible(hosting)
    _visit(hosting, "/dropins/host/schedules/new/")
    hosting.get_by_role("button", name="Create schedule").click()
    assert hosting.title().startswith("Error:")
    assert_accessible(hosting)
    # Attendance form once the session has started.
    DropInSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    _visit(hosting, f"/dropins/host/sessions/{session.pk}/")
    assert hosting.get_by_role("button", name="Record attendance").first.is_visible()
    assert_accessible(hosting)
