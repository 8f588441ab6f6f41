import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from agencies.dropins import selectors, services
from agencies.dropins.models import Booking, Outcome, Topic
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def _post(client, url, payload):
    return client.post(
        url, payload if isinstance(payload, str) else json.dumps(payload), content_type="application/json"
    )


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"topic": "gossip"}, 422),
        ({"topic": "process", "question": "x" * 501}, 422),
        ({"topic": "process", "question": "Ring 07700 900123"}, 400),
        ({}, 422),
        ("not json", 400),
        ({"topic": "process", "accessibility_needs": ["list"]}, 422),
    ],
)
def test_api_bad_booking_input_is_4xx_and_changes_nothing(isva, session, payload, status) -> None:
    url = reverse("api-v1:dropins_book", kwargs={"session_id": session.pk})
    response = _post(signed_in_client(isva), url, payload)
    assert response.status_code == status, response.content
    assert not Booking.objects.exists()


def test_api_booking_waitlist_duplicate_and_unknown_session(isva, make_isva, session) -> None:
    client = signed_in_client(isva)
    url = reverse("api-v1:dropins_book", kwargs={"session_id": session.pk})
    created = _post(client, url, {"topic": "letters"})
    assert created.status_code == 201 and created.json()["status"] == "confirmed"
    duplicate = _post(client, url, {"topic": "letters"})
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate"
    missing = _post(
        client, reverse("api-v1:dropins_book", kwargs={"session_id": 999999}), {"topic": "letters"}
    )
    assert missing.status_code == 404
    assert client.get("/api/v1/dropins/sessions/not-a-number").status_code in {404, 422}
    listing = client.get(reverse("api-v1:dropins_sessions")).json()
    assert listing["count"] == 1 and listing["items"][0]["my_booking_status"] == "confirmed"
    assert listing["items"][0]["remaining"] == 1
    assert "address" not in listing["items"][0] and "meeting_link" not in listing["items"][0]


@pytest.mark.parametrize(
    "query", ["from_date=31-12-2026", "from_date=2026-13-45", "mode=teleport", "limit=100000"]
)
def test_api_malformed_filters_are_422(isva, session, query) -> None:
    assert signed_in_client(isva).get(f"{reverse('api-v1:dropins_sessions')}?{query}").status_code == 422


@pytest.mark.parametrize(
    "query", ["from_date=31-12-2026", "mode=teleport", "area=abc", "page=zz", "page=99999999999"]
)
def test_page_malformed_filters_show_an_error_not_a_500(isva, session, query) -> None:
    response = signed_in_client(isva).get(f"{reverse('dropins:session-list')}?{query}")
    assert response.status_code == 200
    if not query.startswith("page"):
        assert "There is a problem" in response.text


def test_page_booking_errors_use_the_error_summary(isva, session) -> None:
    url = reverse("dropins:session-detail", args=[session.pk])
    response = signed_in_client(isva).post(url, {"topic": "process", "question": "Her postcode is LS1 4AP"})
    assert response.status_code == 400
    assert "<title>Error:" in response.text
    assert "govuk-error-summary" in response.text and "a postcode" in response.text
    assert "LS1 4AP" in response.text  # kept in the field for editing, never stored
    assert not Booking.objects.exists()


def test_openapi_documents_the_dropin_operations(isva) -> None:
    schema = signed_in_client(isva).get("/api/v1/openapi.json").json()
    paths = [p for p in schema["paths"] if p.startswith("/api/v1/dropins/")]
    assert {
        "/api/v1/dropins/sessions",
        "/api/v1/dropins/sessions/{session_id}",
        "/api/v1/dropins/sessions/{session_id}/book",
        "/api/v1/dropins/bookings",
        "/api/v1/dropins/bookings/{booking_id}/cancel",
        "/api/v1/dropins/bookings/{booking_id}/rebook",
    } <= set(paths)


def test_dropin_stats_for_governance_only(
    governance_member, isva, host, make_isva, session, area, other_area
) -> None:
    from datetime import timedelta

    people = [isva, *make_isva(2)]
    bookings = [services.booking_create(actor=p, session_id=session.pk, topic=Topic.LETTERS) for p in people]
    after = session.starts_at + timedelta(minutes=30)
    services.attendance_record(
        actor=host, booking_id=bookings[0].pk, attended=True, outcome=Outcome.ANSWERED, now=after
    )
    services.attendance_record(actor=host, booking_id=bookings[1].pk, attended=False, now=after)
    with pytest.raises(PermissionDenied):
        selectors.dropin_stats(viewer=isva)
    stats = selectors.dropin_stats(viewer=governance_member, area=area)
    assert stats["sessions_offered"] == 1 and stats["seats"] == 2
    assert (stats["confirmed"], stats["attended"], stats["no_shows"]) == (2, 1, 1)
    assert stats["utilisation"] == 1.0
    assert stats["topics"]["letters"] == 2
    assert selectors.dropin_stats(viewer=governance_member, area=other_area)["sessions_offered"] == 0
