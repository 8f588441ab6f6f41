"""A drop-in service's refusal on the JSON API: the status its agencies.errors class gives and its
message as JSON, through config.api's one handler (the endpoints no longer catch refusals
themselves, so without the handler each of these was a 500). Nothing is written."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from agencies.dropins import services
from agencies.dropins.models import Booking, BookingStatus
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def _post(client, url: str, payload: object):
    return client.post(url, json.dumps(payload), content_type="application/json")


def test_a_question_with_a_phone_number_is_a_400_naming_the_field(isva, session) -> None:
    url = reverse("api-v1:dropins_book", kwargs={"session_id": session.pk})
    response = _post(signed_in_client(isva), url, {"topic": "process", "question": "Ring 07700 900123"})
    assert response.status_code == 400, response.content
    body = response.json()
    assert "phone number" in body["detail"]
    assert body["field"] == "question" and body["code"] == "invalid"
    assert body["errors"] == {"question": [body["detail"]]}
    assert not Booking.objects.exists()


def test_rebooking_onto_the_same_session_is_a_400(isva, session) -> None:
    booking = services.booking_create(actor=isva, session_id=session.pk, topic="process")
    url = reverse("api-v1:dropins_rebook", kwargs={"booking_id": booking.pk})
    response = _post(signed_in_client(isva), url, {"session_id": session.pk})
    assert response.status_code == 400, response.content
    assert response.json()["detail"] == "Choose a different session."
    assert response.json()["field"] == "session"
    assert Booking.objects.get().status == BookingStatus.CONFIRMED


def test_another_persons_booking_is_a_404_and_stays(isva, make_isva, session) -> None:
    booking = services.booking_create(actor=isva, session_id=session.pk, topic="process")
    (intruder,) = make_isva(1)
    url = reverse("api-v1:dropins_cancel", kwargs={"booking_id": booking.pk})
    response = signed_in_client(intruder).post(url, content_type="application/json")
    assert response.status_code == 404, response.content
    assert response.json()["detail"] == "Booking not found."
    assert response.json()["code"] == "not_found"
    assert Booking.objects.get().status == BookingStatus.CONFIRMED


def test_a_cancelled_booking_cancelled_again_is_a_400_closed(isva, session) -> None:
    booking = services.booking_create(actor=isva, session_id=session.pk, topic="process")
    services.booking_cancel(actor=isva, booking_id=booking.pk)
    url = reverse("api-v1:dropins_cancel", kwargs={"booking_id": booking.pk})
    response = signed_in_client(isva).post(url, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "closed"
    assert "not active" in response.json()["detail"]
