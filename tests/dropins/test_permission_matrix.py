"""Every drop-in URL × every role → the expected status; never a 500, never an unexpected 200.
Writes are tried by everyone not allowed first, checking nothing changed, then by the owner."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.dropins import services
from agencies.dropins.models import Booking, BookingStatus, DropInSession, Topic
from tests.conftest import signed_in_client
from tests.dropins.matrix import COVERED_URL_NAMES
from tests.factories.dropins import DropInSessionFactory

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "isva",
    "other_agency_isva",
    "host",
    "other_host",
    "coordinator",
    "panel_member",
    "governance_member",
    "editor",
    "platform_admin",
)
NOBODY_ELSE = ("coordinator", "panel_member", "governance_member", "editor", "platform_admin")
SIGN_IN = 302  # pages send the anonymous to the sign-in page
API_ANON = 401


def _clients(request) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for role in ROLES[1:]:
        clients[role] = signed_in_client(request.getfixturevalue(role))
    return clients


def _expect(clients, expected, call) -> None:
    for role in ROLES:
        response = call(clients[role])
        assert response.status_code == expected[role], (role, response.status_code)


def _roles(default: int, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = SIGN_IN
    table.update(overrides)
    return table


@pytest.fixture
def world(request, isva, session, other_session):
    booking = services.booking_create(actor=isva, session_id=session.pk, topic=Topic.PROCESS)
    target = DropInSessionFactory(schedule=session.schedule, starts_at=session.starts_at + timedelta(days=7))
    return {"booking": booking, "session": session, "other_session": other_session, "target": target}


def test_matrix_lists_only_real_url_names() -> None:
    from django.urls import get_resolver

    names = set()
    for namespace in ("dropins", "api-v1"):
        resolver = get_resolver().namespace_dict[namespace][1]
        names |= {f"{namespace}:{n}" for n in resolver.reverse_dict if isinstance(n, str)}
    dropin_names = {n for n in names if n.startswith("dropins:") or n.startswith("api-v1:dropins_")}
    assert dropin_names == COVERED_URL_NAMES


def test_session_list(request, world) -> None:
    expected = _roles(403, isva=200, other_agency_isva=200, host=200, other_host=200)
    _expect(_clients(request), expected, lambda c: c.get(reverse("dropins:session-list")))


def test_session_detail_own_and_other_area(request, world) -> None:
    clients = _clients(request)
    url = reverse("dropins:session-detail", args=[world["session"].pk])
    _expect(
        clients, _roles(403, isva=200, other_agency_isva=404, host=200, other_host=404), lambda c: c.get(url)
    )
    other = reverse("dropins:session-detail", args=[world["other_session"].pk])
    _expect(
        clients,
        _roles(403, isva=404, other_agency_isva=200, host=404, other_host=404),
        lambda c: c.get(other),
    )


def test_booking_by_post_only_for_isvas_of_the_area(request, world, make_isva) -> None:
    clients = _clients(request)
    url = reverse("dropins:session-detail", args=[world["target"].pk])
    data = {"topic": Topic.LETTERS}
    expected = _roles(403, isva=302, other_agency_isva=404, host=403, other_host=404)
    _expect(clients, expected, lambda c: c.post(url, data))
    assert list(Booking.objects.filter(session=world["target"]).values_list("isva", flat=True)) == [
        request.getfixturevalue("isva").pk
    ]


def test_my_bookings_and_feed_reset(request, world) -> None:
    clients = _clients(request)
    _expect(
        clients, _roles(403, isva=200, other_agency_isva=200), lambda c: c.get(reverse("dropins:my-bookings"))
    )
    _expect(
        clients,
        _roles(403, isva=302, other_agency_isva=302),
        lambda c: c.post(reverse("dropins:calendar-feed-reset")),
    )
    mine = clients["isva"].get(reverse("dropins:my-bookings")).text
    theirs = clients["other_agency_isva"].get(reverse("dropins:my-bookings")).text
    assert world["session"].schedule.title in mine and world["session"].schedule.title not in theirs


@pytest.mark.parametrize("name", ["dropins:booking-cancel", "dropins:booking-rebook", "dropins:booking-ics"])
def test_booking_pages_only_for_their_owner(request, world, name) -> None:
    url = reverse(name, args=[world["booking"].pk])
    expected = _roles(403, isva=200, other_agency_isva=404)
    _expect(_clients(request), expected, lambda c: c.get(url))


def test_cancel_and_rebook_posts_change_only_the_owners_booking(request, world) -> None:
    clients = _clients(request)
    booking = world["booking"]
    rebook = reverse("dropins:booking-rebook", args=[booking.pk])
    for role in ROLES:
        if role == "isva":
            continue
        response = clients[role].post(rebook, {"session": world["target"].pk})
        assert response.status_code == (
            SIGN_IN if role == "anonymous" else 404 if role == "other_agency_isva" else 403
        )
        response = clients[role].post(reverse("dropins:booking-cancel", args=[booking.pk]))
        assert response.status_code == (
            SIGN_IN if role == "anonymous" else 404 if role == "other_agency_isva" else 403
        )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert clients["isva"].post(rebook, {"session": world["target"].pk}).status_code == 302
    moved = Booking.objects.get(isva=booking.isva, status=BookingStatus.CONFIRMED)
    assert moved.session_id == world["target"].pk
    assert clients["isva"].post(reverse("dropins:booking-cancel", args=[moved.pk])).status_code == 302
    assert not Booking.objects.filter(status=BookingStatus.CONFIRMED).exists()


def test_calendar_feed_is_public_but_needs_the_token(request, world) -> None:
    isva = request.getfixturevalue("isva")
    feed = services.calendar_feed_ensure(actor=isva)
    good = reverse("dropins:calendar-feed", args=[f"{isva.pk}.{feed.secret}"])
    bad = reverse("dropins:calendar-feed", args=[f"{isva.pk}.not-the-secret"])
    clients = _clients(request)
    _expect(clients, dict.fromkeys(ROLES, 200), lambda c: c.get(good))
    _expect(clients, dict.fromkeys(ROLES, 404), lambda c: c.get(bad))


def test_host_pages(request, world) -> None:
    clients = _clients(request)
    session, schedule = world["session"], world["session"].schedule
    host_only = _roles(403, host=200, other_host=200)
    _expect(clients, host_only, lambda c: c.get(reverse("dropins:schedule-list")))
    _expect(clients, host_only, lambda c: c.get(reverse("dropins:schedule-create")))
    own = _roles(403, host=200, other_host=404)
    for name, pk in (
        ("dropins:schedule-detail", schedule.pk),
        ("dropins:schedule-edit", schedule.pk),
        ("dropins:host-session", session.pk),
        ("dropins:session-cancel", session.pk),
    ):
        _expect(clients, own, lambda c, name=name, pk=pk: c.get(reverse(name, args=[pk])))
    # Attendees' questions and names are shown to the host of this session only.
    page = clients["host"].get(reverse("dropins:host-session", args=[session.pk])).text
    assert world["booking"].isva.email in page or world["booking"].isva.get_full_name() in page
    assert world["booking"].isva.get_full_name() not in clients["isva"].get(
        reverse("dropins:session-detail", args=[session.pk])
    ).text.replace("Signed in as " + world["booking"].isva.get_full_name(), "")


def test_host_writes_only_on_own_sessions(request, world) -> None:
    clients = _clients(request)
    session = world["session"]
    DropInSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(minutes=10))
    url = reverse("dropins:attendance", args=[session.pk])
    booking = world["booking"]
    data = {"booking": booking.pk, f"b{booking.pk}-attended": "yes", f"b{booking.pk}-outcome": "answered"}
    for role in ROLES:
        if role == "host":
            continue
        status = clients[role].post(url, data).status_code
        assert status == {"anonymous": SIGN_IN, "other_host": 404}.get(role, 403), role
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert clients["host"].post(url, data).status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.outcome) == (BookingStatus.ATTENDED, "answered")

    target = world["target"]
    cancel = reverse("dropins:session-cancel", args=[target.pk])
    for role in ROLES:
        if role == "host":
            continue
        status = clients[role].post(cancel).status_code
        assert status == {"anonymous": SIGN_IN, "other_host": 404}.get(role, 403), role
    target.refresh_from_db()
    assert target.status == "scheduled"
    assert clients["host"].post(cancel).status_code == 302
    target.refresh_from_db()
    assert target.status == "cancelled"


def test_api_reads(request, world) -> None:
    clients = _clients(request)
    viewers = _roles(403, isva=200, other_agency_isva=200, host=200, other_host=200, anonymous=API_ANON)
    _expect(clients, viewers, lambda c: c.get(reverse("api-v1:dropins_sessions")))
    one = reverse("api-v1:dropins_session", kwargs={"session_id": world["session"].pk})
    _expect(
        clients,
        _roles(403, isva=200, other_agency_isva=404, host=200, other_host=404, anonymous=API_ANON),
        lambda c: c.get(one),
    )
    bookers = _roles(403, isva=200, other_agency_isva=200, anonymous=API_ANON)
    _expect(clients, bookers, lambda c: c.get(reverse("api-v1:dropins_my_bookings")))


def test_api_writes(request, world) -> None:
    clients = _clients(request)
    booking, target = world["booking"], world["target"]
    book = reverse("api-v1:dropins_book", kwargs={"session_id": target.pk})
    cancel = reverse("api-v1:dropins_cancel", kwargs={"booking_id": booking.pk})
    rebook = reverse("api-v1:dropins_rebook", kwargs={"booking_id": booking.pk})
    body = json.dumps({"topic": "process"})
    move = json.dumps({"session_id": target.pk})
    for role in ROLES:
        if role == "isva":
            continue
        client = clients[role]
        denied = API_ANON if role == "anonymous" else 403
        other = {"other_agency_isva": 404}
        assert client.post(cancel).status_code == other.get(role, denied), role
        assert client.post(rebook, move, content_type="application/json").status_code == other.get(
            role, denied
        )
        if role != "other_agency_isva":
            assert client.post(book, body, content_type="application/json").status_code == denied, role
    assert client_ok(clients["other_agency_isva"].post(book, body, content_type="application/json")) == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert not Booking.objects.filter(session=target).exists()
    assert clients["isva"].post(rebook, move, content_type="application/json").status_code == 200
    moved = Booking.objects.get(session=target)
    assert (
        clients["isva"].post(reverse("api-v1:dropins_cancel", kwargs={"booking_id": moved.pk})).status_code
        == 200
    )
    assert clients["isva"].post(book, body, content_type="application/json").status_code == 201


def client_ok(response) -> int:
    return response.status_code
