"""The pre-trial meeting JSON API: the same audience rule as the pages (every endpoint × every
role), the same validation (a JSON 4xx naming the field, nothing written), the same access audit
(channel "api"), and never a 500 for a hostile id or body."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from agencies.victims.meetings.models import MeetingRequest, MeetingSlot
from scrutiny.models import AccessEvent
from tests.conftest import signed_in_client
from tests.victims.meetings_helpers import future
from tests.victims.test_meetings_views import AUDIENCE, OPENERS, REQUESTERS, ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(request) -> dict[str, Client]:
    result = {"anonymous": Client()}
    for role in ROLES[1:]:
        result[role] = signed_in_client(request.getfixturevalue(role))
    return result


def _post(client: Client, url: str, payload: object):
    return client.post(url, json.dumps(payload), content_type="application/json")


def _state() -> tuple:
    return (
        tuple(MeetingRequest.objects.order_by("pk").values_list()),
        tuple(MeetingSlot.objects.order_by("pk").values_list()),
    )


def _expected(role: str, allowed: tuple[str, ...], *, denied_openers: int = 404) -> int:
    if role == "anonymous":
        return 401
    if role in allowed:
        return 200
    return denied_openers if role in OPENERS else 403


def test_reads_per_role(clients, meeting_request) -> None:
    mismatches = []
    detail = reverse("api-v1:pretrial_request", kwargs={"request_id": meeting_request.pk})
    for role in ROLES:
        got = clients[role].get(reverse("api-v1:pretrial_requests")).status_code
        if got != _expected(role, OPENERS):
            mismatches.append(f"list {role}: {got}")
        got = clients[role].get(detail).status_code
        if got != _expected(role, AUDIENCE):
            mismatches.append(f"detail {role}: {got}")
    assert not mismatches, "\n".join(mismatches)
    body = clients["vlo"].get(detail).json()
    assert body["urn"] == "47 KD 00312 24" and body["needs"] == ["need_interpreter", "need_screens"]
    listed = clients["isva_colleague"].get(reverse("api-v1:pretrial_requests")).json()
    assert listed == []
    assert "urn" not in clients["vlo"].get(reverse("api-v1:pretrial_requests")).json()[0]


def test_detail_reads_are_audited_on_the_api_channel(clients, vlo, other_area_vlo, meeting_request) -> None:
    detail = reverse("api-v1:pretrial_request", kwargs={"request_id": meeting_request.pk})
    before = AccessEvent.objects.count()
    clients["vlo"].get(detail)
    clients["other_area_vlo"].get(detail)
    rows = list(
        AccessEvent.objects.order_by("pk")[before:].values_list(
            "actor_id", "verb", "object_id", "audience", "channel"
        )
    )
    assert rows == [
        (vlo.pk, "view", meeting_request.pk, "pretrial_vlo_team", "api"),
        (other_area_vlo.pk, "refused", meeting_request.pk, "none", "api"),
    ]


def test_create_per_role_and_bad_input(clients, area) -> None:
    url = reverse("api-v1:pretrial_request_create")
    good = {
        "area_id": area.pk,
        "urn": "62/LV/12345/23",
        "slots": [future(9).isoformat()],
        "isva_attends": True,
        "needs": ["need_step_free"],
    }
    for role in ROLES:
        if role in REQUESTERS:
            continue
        before = _state()
        assert _post(clients[role], url, good).status_code == (401 if role == "anonymous" else 403), role
        assert _state() == before
    for payload, field in (
        ({**good, "urn": "62 LV 1234 23"}, "urn"),
        ({**good, "slots": ["2001-01-01T10:00:00"]}, "slots"),
        ({**good, "notes": "Call her on 07700 900 123"}, "notes"),
        ({**good, "needs": ["need_home_address"]}, "needs"),
        ({**good, "area_id": 2**62}, "area"),
    ):
        response = _post(clients["isva"], url, payload)
        assert response.status_code == 400, (payload, response.content)
        assert response.json()["field"] == field
        assert not MeetingRequest.objects.exists()
    hostile: list[object] = [
        {**good, "area_id": 10**30},
        {**good, "slots": []},
        {**good, "slots": "soon"},
        [],
        "x",
    ]
    for body in hostile:
        response = _post(clients["isva"], url, body)
        assert 400 <= response.status_code < 500, (body, response.status_code)
        assert not MeetingRequest.objects.exists()
    response = _post(clients["police_officer"], url, good)
    assert response.status_code == 201, response.content
    assert response.json()["urn"] == "62 LV 12345 23" and response.json()["requester_kind"] == "police"


def test_team_writes_per_role_then_the_vlo(clients, meeting_request) -> None:
    slot = meeting_request.slots.order_by("starts_at")[0]
    url = reverse("api-v1:pretrial_confirm", kwargs={"request_id": meeting_request.pk})
    before = _state()
    for role in ROLES:
        if role in ("vlo", "area_lead"):
            continue
        expected = 401 if role == "anonymous" else (404 if role in OPENERS else 403)
        assert _post(clients[role], url, {"slot_id": slot.pk}).status_code == expected, role
        assert _state() == before, role
    response = _post(clients["vlo"], url, {"slot_id": slot.pk})
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    again = _post(clients["area_lead"], url, {"slot_id": slot.pk})
    assert again.status_code == 409 and again.json()["code"] == "wrong_state"


def test_propose_accept_and_outcome(clients, meeting_request) -> None:
    pk = meeting_request.pk
    propose = reverse("api-v1:pretrial_propose", kwargs={"request_id": pk})
    assert _post(clients["vlo"], propose, {"starts_at": "2001-01-01T10:00:00"}).json()["field"] == "starts_at"
    assert (
        _post(clients["vlo"], propose, {"starts_at": future(12).isoformat()}).json()["status"] == "proposed"
    )
    accept = reverse("api-v1:pretrial_accept", kwargs={"request_id": pk})
    assert _post(clients["vlo"], accept, {}).status_code == 404
    assert _post(clients["isva"], accept, {}).json()["status"] == "confirmed"
    outcome = reverse("api-v1:pretrial_outcome", kwargs={"request_id": pk})
    assert _post(clients["vlo"], outcome, {"outcome": "nonsense"}).json()["field"] == "outcome"
    response = _post(clients["vlo"], outcome, {"outcome": "not_offered", "reason": "Guilty plea entered."})
    assert response.json()["status"] == "closed" and response.json()["outcome"] == "not_offered"
    not_needed = reverse("api-v1:pretrial_not_needed", kwargs={"request_id": pk})
    assert _post(clients["vlo"], not_needed, {"reason": "Concluded"}).status_code == 409


@pytest.mark.parametrize("request_id", [0, 987654, 2**63 - 1, 2**63, 10**30])
def test_unknown_ids_are_a_404_never_a_500(clients, meeting_request, request_id) -> None:
    assert clients["vlo"].get(f"/api/v1/pre-trial-meetings/requests/{request_id}").status_code == 404
    for action, payload in (
        ("confirm", {"slot_id": 1}),
        ("propose", {"starts_at": future(9).isoformat()}),
        ("not-needed", {"reason": "x"}),
        ("outcome", {"outcome": "held"}),
        ("accept", {}),
    ):
        response = _post(
            clients["vlo"], f"/api/v1/pre-trial-meetings/requests/{request_id}/{action}", payload
        )
        assert response.status_code == 404, (action, request_id, response.status_code)
