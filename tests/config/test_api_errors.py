"""config.api maps every service refusal to HTTP in one handler: the status agencies.errors gives
its class (a plain ValidationError, as scrutiny's services raise, is a 400) and a JSON body with
its messages. Never a 500."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from agencies.errors import Conflict, Forbidden, NotFound, ServiceError
from config.api import api
from scrutiny.models import Panel
from tests.conftest import signed_in_client


@pytest.mark.parametrize(
    ("exc", "status", "body"),
    [
        (
            ValidationError("No."),
            400,
            {"detail": "No.", "errors": {"__all__": ["No."]}, "field": None, "code": "invalid"},
        ),
        (
            ValidationError({"name": ["Too long."], "code": ["Taken."]}),
            400,
            {
                "detail": "Too long. Taken.",
                "errors": {"name": ["Too long."], "code": ["Taken."]},
                "field": None,
                "code": "invalid",
            },
        ),
        (
            ServiceError("Enter a title.", field="title"),
            400,
            {
                "detail": "Enter a title.",
                "errors": {"title": ["Enter a title."]},
                "field": "title",
                "code": "invalid",
            },
        ),
        (
            NotFound(),
            404,
            {
                "detail": "Not found.",
                "errors": {"__all__": ["Not found."]},
                "field": None,
                "code": "not_found",
            },
        ),
        (
            Forbidden("Not yours."),
            403,
            {
                "detail": "Not yours.",
                "errors": {"__all__": ["Not yours."]},
                "field": None,
                "code": "forbidden",
            },
        ),
        (
            Conflict("Full.", code="full"),
            409,
            {"detail": "Full.", "errors": {"__all__": ["Full."]}, "field": None, "code": "full"},
        ),
    ],
)
def test_the_one_handler_gives_the_status_and_messages(exc, status, body) -> None:
    response = api.on_exception(RequestFactory().post("/api/v1/"), exc)
    assert response.status_code == status
    assert json.loads(response.content) == body


@pytest.mark.django_db
def test_a_police_force_outside_the_area_is_a_400_with_the_message(coordinator, area) -> None:
    body = {"name": "North panel", "terms_of_reference": "Terms", "code": "north", "police_forces": [999999]}
    response = signed_in_client(coordinator).post(
        "/api/v1/scrutiny/panels", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400, response.content[:300]
    assert "Choose police forces in the panel's CPS area." in json.dumps(response.json())
    assert not Panel.objects.exists()
