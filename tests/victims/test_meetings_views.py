"""Pre-trial meeting pages: every URL × every role → the expected status, never a 500; object-level
checks (no IDOR: another area's VLO, another ISVA, the requester's non-admin colleague get 404);
the URN only on the pages of those who may see it, never in an email; every view in the access
audit; hostile input on every form gives a 4xx and writes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from agencies.victims.meetings.models import MeetingRequest, MeetingSlot, MeetingStatus
from scrutiny.models import AccessEvent
from tests.conftest import signed_in_client
from tests.hostile import HOSTILE_SETTINGS, check_post, form_body, models_of
from tests.victims.meetings_helpers import future, make_request

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "isva",  # the requester
    "isva_colleague",  # same agency, not an administrator
    "agency_admin",  # the requester's agency's administrator
    "other_agency_isva",
    "police_officer",
    "host",
    "coordinator",
    "panel_member",
    "governance_member",
    "editor",
    "platform_admin",
    "evaluator",
    "vlo",  # the request's area's VLO team
    "area_lead",
    "other_area_vlo",
    "other_area_lead",
)
SIGN_IN, OK, FOUND, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 302, 200, 302, 403, 404, 405
# Who the pages are open to at all; everyone else is refused before any object is looked at.
OPENERS = (
    "isva",
    "isva_colleague",
    "agency_admin",
    "other_agency_isva",
    "police_officer",
    "vlo",
    "area_lead",
    "other_area_vlo",
    "other_area_lead",
)
REQUESTERS = ("isva", "isva_colleague", "other_agency_isva", "police_officer")
AUDIENCE = ("isva", "agency_admin", "vlo", "area_lead")
TEAM = ("vlo", "area_lead")
URN_SHOWN = "47 KD 00312 24"


def _roles(default: int, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = SIGN_IN
    table.update(overrides)
    return table


LIST = _roles(FORBIDDEN, **dict.fromkeys(OPENERS, OK))
NEW = _roles(FORBIDDEN, **dict.fromkeys(REQUESTERS, OK))
DETAIL = _roles(FORBIDDEN, **{**dict.fromkeys(OPENERS, NOT_FOUND), **dict.fromkeys(AUDIENCE, OK)})
TEAM_WRITE = _roles(FORBIDDEN, **dict.fromkeys(OPENERS, NOT_FOUND))  # the team itself: tried last
ACCEPT = _roles(FORBIDDEN, **dict.fromkeys(OPENERS, NOT_FOUND))


@pytest.fixture
def clients(request) -> dict[str, Client]:
    result = {"anonymous": Client()}
    for role in ROLES[1:]:
        result[role] = signed_in_client(request.getfixturevalue(role))
    return result


def _check(clients, expected, call) -> list[str]:
    mismatches = []
    for role in ROLES:
        response = call(clients[role])
        if response.status_code >= 500 or response.status_code != expected[role]:
            mismatches.append(f"{role}: expected {expected[role]}, got {response.status_code}")
        if role == "anonymous":
            assert response["Location"].startswith("/account/sign-in/"), response["Location"]
    return mismatches


def _state() -> tuple:
    return (
        tuple(MeetingRequest.objects.order_by("pk").values_list()),
        tuple(MeetingSlot.objects.order_by("pk").values_list()),
    )


def test_reads(clients, meeting_request) -> None:
    mismatches = [f"list {m}" for m in _check(clients, LIST, lambda c: c.get(reverse("pretrial:list")))]
    mismatches += [f"new {m}" for m in _check(clients, NEW, lambda c: c.get(reverse("pretrial:new")))]
    url = reverse("pretrial:detail", args=[meeting_request.pk])
    mismatches += [f"detail {m}" for m in _check(clients, DETAIL, lambda c: c.get(url))]
    assert not mismatches, "\n".join(mismatches)


def test_the_urn_is_shown_only_to_the_requests_audience(clients, meeting_request) -> None:
    url = reverse("pretrial:detail", args=[meeting_request.pk])
    for role in ROLES:
        for page in (url, reverse("pretrial:list"), reverse("pretrial:new")):
            body = clients[role].get(page).content.decode()
            shown = URN_SHOWN in body or meeting_request.urn in body
            assert shown == (role in AUDIENCE and page == url), (role, page)
        listed = meeting_request.reference in clients[role].get(reverse("pretrial:list")).content.decode()
        assert listed == (role in AUDIENCE), role


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("pretrial:confirm", "confirm"),
        ("pretrial:propose", {"propose-starts_at": future(11).strftime("%Y-%m-%dT%H:%M")}),
        ("pretrial:not-needed", {"not_needed-reason": "The case concluded before trial."}),
        ("pretrial:outcome", {"outcome-outcome": "not_offered", "outcome-reason": "Guilty plea."}),
    ],
    ids=["confirm", "propose", "not-needed", "outcome"],
)
def test_team_writes_by_everyone_else_change_nothing_then_the_vlo_succeeds(
    clients, meeting_request, name, data
) -> None:
    if data == "confirm":
        data = {"confirm-slot": str(meeting_request.slots.order_by("starts_at").first().pk)}
    url = reverse(name, args=[meeting_request.pk])
    before = _state()
    mismatches = []
    for role in ROLES:
        if role in TEAM:
            continue
        response = clients[role].post(url, data)
        if response.status_code != TEAM_WRITE[role]:
            mismatches.append(f"{role}: expected {TEAM_WRITE[role]}, got {response.status_code}")
        assert _state() == before, role
    assert not mismatches, "\n".join(mismatches)
    response = clients["vlo"].post(url, data)
    assert response.status_code == FOUND, response.content.decode()[:2000]
    assert response["Location"] == reverse("pretrial:detail", args=[meeting_request.pk])
    assert _state() != before


def test_accept_is_the_requesters_alone(clients, vlo, meeting_request) -> None:
    from agencies.victims.meetings import services

    services.meeting_slot_propose(actor=vlo, request_id=meeting_request.pk, starts_at=future(15))
    url = reverse("pretrial:accept", args=[meeting_request.pk])
    before = _state()
    mismatches = []
    for role in ROLES:
        if role == "isva":
            continue
        response = clients[role].post(url)
        if response.status_code != ACCEPT[role]:
            mismatches.append(f"{role}: expected {ACCEPT[role]}, got {response.status_code}")
        assert _state() == before, role
    assert not mismatches, "\n".join(mismatches)
    assert clients["isva"].post(url).status_code == FOUND
    meeting_request.refresh_from_db()
    assert meeting_request.status == MeetingStatus.CONFIRMED


@pytest.mark.parametrize("name", ["confirm", "propose", "not-needed", "outcome", "accept"])
def test_writes_are_post_only(clients, meeting_request, name) -> None:
    url = reverse(f"pretrial:{name}", args=[meeting_request.pk])
    mismatches = _check(clients, _roles(NOT_ALLOWED), lambda c: c.get(url))
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("request_id", [0, 987654, 2**63 - 1, 2**63, 10**30])
def test_unknown_ids_are_not_found_for_the_team(clients, meeting_request, request_id) -> None:
    for path in ("detail", "confirm", "outcome"):
        url = f"/pre-trial-meetings/{request_id}/" + ("" if path == "detail" else f"{path}/")
        response = clients["vlo"].get(url) if path == "detail" else clients["vlo"].post(url, {})
        assert response.status_code == NOT_FOUND, (path, request_id)


def test_every_view_is_in_the_access_audit(clients, isva, vlo, other_area_vlo, meeting_request) -> None:
    url = reverse("pretrial:detail", args=[meeting_request.pk])
    before = AccessEvent.objects.count()
    clients["vlo"].get(url)
    clients["isva"].get(url)
    clients["other_area_vlo"].get(url)
    clients["vlo"].get(reverse("pretrial:list"))
    rows = list(
        AccessEvent.objects.order_by("pk")[before:].values_list(
            "actor_id", "verb", "object_type", "object_id", "audience", "channel"
        )
    )
    assert rows == [
        (vlo.pk, "view", "pretrial_request", meeting_request.pk, "pretrial_vlo_team", "page"),
        (isva.pk, "view", "pretrial_request", meeting_request.pk, "pretrial_requester", "page"),
        (other_area_vlo.pk, "refused", "pretrial_request", meeting_request.pk, "none", "page"),
        (vlo.pk, "view", "pretrial_request", None, "pretrial_vlo_team", "page"),
    ]


def test_the_request_form_creates_a_request_and_emails_the_requester(
    clients, area, django_capture_on_commit_callbacks
) -> None:
    body = {
        "area": str(area.pk),
        "urn": "62/LV/12345/23",
        "slot_1": future(9).strftime("%Y-%m-%dT%H:%M"),
        "slot_2": "",
        "slot_3": "",
        "isva_attends": "yes",
        "needs": ["need_step_free", "need_separate_waiting"],
        "notes": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["isva"].post(reverse("pretrial:new"), body)
    assert response.status_code == FOUND
    request = MeetingRequest.objects.get()
    assert response["Location"] == reverse("pretrial:detail", args=[request.pk])
    assert request.need_step_free and request.need_separate_waiting and request.isva_attends
    assert len(mail.outbox) == 1 and "62" not in mail.outbox[0].subject
    assert "12345" not in mail.outbox[0].body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("urn", "62 LV 1234 23", "Enter the URN in the CPS format"),
        ("urn", "", "This field is required"),
        ("slot_1", (timezone.localtime() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"), "in the future"),
        ("slot_1", "tomorrow at ten", "Enter a date and time like"),
        ("slot_1", "2027-02-30T10:00", "Enter a date and time like"),
        ("notes", "Call her on 07700 900 123", "a phone number"),
        ("notes", "Lives at 12 Acacia Avenue", "a street address"),
        ("area", "9" * 30, "Choose a CPS area from the list"),
        ("area", "abc", "Choose a CPS area from the list"),
        ("area", "", "Choose a CPS area."),
        ("needs", "need_home_address", "Select a valid choice"),
        ("isva_attends", "maybe", "Select a valid choice"),
    ],
)
def test_named_hostile_cases_get_a_clear_message_and_a_400(clients, area, field, value, message) -> None:
    body = {
        "area": str(area.pk),
        "urn": "62 LV 12345 23",
        "slot_1": future(9).strftime("%Y-%m-%dT%H:%M"),
        "isva_attends": "no",
        field: value,
    }
    response = clients["isva"].post(reverse("pretrial:new"), body)
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content, content[:3000]
    assert "govuk-error-summary" in content and "<title>Error: " in content
    assert not MeetingRequest.objects.exists() and not MeetingSlot.objects.exists()


def test_a_second_confirmation_on_the_page_is_a_400_with_the_current_state(clients, meeting_request) -> None:
    slot = meeting_request.slots.order_by("starts_at").first()
    url = reverse("pretrial:confirm", args=[meeting_request.pk])
    assert clients["vlo"].post(url, {"confirm-slot": str(slot.pk)}).status_code == FOUND
    response = clients["area_lead"].post(url, {"confirm-slot": str(slot.pk)})
    assert response.status_code == 400
    assert "already confirmed" in response.content.decode()


# Hostile forms (tests/hostile.py): never a 500, a refusal writes nothing -------------------------------

TABLES = models_of("victims")


@HOSTILE_SETTINGS
@given(data=st.data())
def test_request_form(isva, area, other_area, data) -> None:
    fields: dict[str, Sequence[str]] = {
        "area": [str(area.pk), str(other_area.pk)],
        "urn": ["62 LV 12345 23", "62LV1234523", "00 LV 12345 23", "Jane Smith"],
        "slot_1": [future(9).strftime("%Y-%m-%dT%H:%M"), "2001-01-01T10:00"],
        "slot_2": ["", future(10).strftime("%Y-%m-%d %H:%M")],
        "slot_3": [""],
        "isva_attends": ["yes", "no"],
        "needs": ["need_interpreter", "need_screens"],
        "notes": ["", "Call 07700 900123", "Uses a wheelchair"],
    }
    body = data.draw(form_body(fields))
    check_post(signed_in_client(isva), reverse("pretrial:new"), body, TABLES)


@HOSTILE_SETTINGS
@given(data=st.data())
def test_team_forms(vlo, isva, area, data) -> None:
    request = MeetingRequest.objects.filter(requester=isva).first() or make_request(isva, area)
    slot = request.slots.order_by("starts_at")[0]
    client = signed_in_client(vlo)
    fields: dict[str, Sequence[str]] = {
        "confirm-slot": [str(slot.pk), "0"],
        "propose-starts_at": [future(12).strftime("%Y-%m-%dT%H:%M"), "1999-01-01T00:00"],
        "not_needed-reason": ["The case concluded.", "Jane Smith withdrew"],
        "outcome-outcome": ["held", "declined", "rescheduled", "not_offered"],
        "outcome-reason": ["", "Guilty plea", "Call 07700 900123"],
        "outcome-new_starts_at": ["", future(13).strftime("%Y-%m-%dT%H:%M")],
    }
    body = data.draw(form_body(fields))
    name = data.draw(st.sampled_from(["confirm", "propose", "not-needed", "outcome"]))
    check_post(client, reverse(f"pretrial:{name}", args=[request.pk]), body, TABLES)


def test_the_navigation_entry_is_for_requesters_teams_and_agency_admins(clients) -> None:
    shown = {
        role
        for role in ROLES[1:]
        if "Pre-trial meetings" in clients[role].get(reverse("agencies:notifications")).content.decode()
    }
    assert shown == {
        "isva",
        "isva_colleague",
        "agency_admin",
        "other_agency_isva",
        "police_officer",
        "vlo",
        "area_lead",
        "other_area_vlo",
        "other_area_lead",
    }
