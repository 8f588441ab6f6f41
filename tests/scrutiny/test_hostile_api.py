"""Hostile JSON on the API's writes: text a database cannot store (NUL, unpaired surrogates sent
as JSON escapes) and ids beyond 64 bits are a 422, never a 500, and nothing is written.
Regression for the schemathesis finding on POST /api/v1/scrutiny/agreements (500 on PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agencies.dropins.models import Booking
from scrutiny.models import ConfidentialityAgreement, Panel
from tests.conftest import signed_in_client
from tests.hostile import HOSTILE_SETTINGS, hostile_text, models_of, rolled_back, snapshot

pytestmark = pytest.mark.django_db

BAD_TEXT = ['"a\\u0000b"', '"\\ud800"', '"ok \\udfff\\ud800"', '"\\u0000"']


def _post(client, url: str, raw_json: str):
    return client.post(url, data=raw_json, content_type="application/json")


@pytest.mark.parametrize("text", BAD_TEXT)
def test_agreement_text_a_database_cannot_store_is_a_422(coordinator, text) -> None:
    before = ConfidentialityAgreement.objects.count()
    response = _post(signed_in_client(coordinator), "/api/v1/scrutiny/agreements", f'{{"text": {text}}}')
    assert response.status_code == 422, response.content[:300]
    assert ConfidentialityAgreement.objects.count() == before


@pytest.mark.parametrize("text", BAD_TEXT)
def test_panel_text_a_database_cannot_store_is_a_422(coordinator, area, text) -> None:
    body = f'{{"name": {text}, "terms_of_reference": "Terms", "code": "x1", "area_id": {area.pk}}}'
    response = _post(signed_in_client(coordinator), "/api/v1/scrutiny/panels", body)
    assert response.status_code == 422, response.content[:300]
    assert not Panel.objects.exists()


def test_panel_police_force_ids_beyond_64_bits_are_a_422(coordinator, area) -> None:
    body = json.dumps({"name": "P", "terms_of_reference": "T", "code": "x2", "police_forces": [10**30]})
    response = _post(signed_in_client(coordinator), "/api/v1/scrutiny/panels", body)
    assert response.status_code == 422
    assert not Panel.objects.exists()


@pytest.mark.parametrize("text", BAD_TEXT)
def test_booking_text_a_database_cannot_store_is_a_422(isva, area, cps_agency, text) -> None:
    from tests.factories.dropins import DropInScheduleFactory, DropInSessionFactory

    session = DropInSessionFactory(
        schedule=DropInScheduleFactory(host_agency=cps_agency, allowed_areas=[area])
    )
    body = f'{{"topic": "process", "question": {text}}}'
    response = _post(signed_in_client(isva), f"/api/v1/dropins/sessions/{session.pk}/book", body)
    assert response.status_code == 422, response.content[:300]
    assert not Booking.objects.exists()


TABLES = models_of("scrutiny", exclude=["scrutiny.accessevent"])


@HOSTILE_SETTINGS
@given(
    body=st.one_of(
        st.builds(lambda t: json.dumps({"text": t}), hostile_text()),
        st.builds(lambda t: json.dumps({"text": t}, ensure_ascii=False), hostile_text()),
        hostile_text(),
        st.just('{"text": '),
    )
)
def test_agreement_endpoint_never_errors(coordinator, body) -> None:
    client = signed_in_client(coordinator)
    with rolled_back():
        before = snapshot(TABLES)
        response = client.post(
            "/api/v1/scrutiny/agreements",
            data=body.encode("utf-8", "surrogatepass"),
            content_type="application/json",
        )
        assert response.status_code < 500
        if response.status_code != 201:
            assert snapshot(TABLES) == before
