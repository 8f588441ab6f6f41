"""Every VLO directory URL × every role → the expected status; never a 500. Writes are tried by
everyone not allowed first, checking nothing changed, then by the team's own Area lead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from agencies.victims.models import VloTeam
from tests.conftest import signed_in_client
from tests.victims.matrix import COVERED_URL_NAMES

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "isva",
    "other_agency_isva",
    "host",
    "coordinator",
    "panel_member",
    "governance_member",
    "editor",
    "platform_admin",
    "evaluator",
    "vlo",
    "area_lead",
    "other_area_lead",
)
READERS = (
    "isva",
    "other_agency_isva",
    "host",
    "coordinator",
    "panel_member",
    "vlo",
    "area_lead",
    "other_area_lead",
)
SIGN_IN, OK, FOUND, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 302, 200, 302, 403, 404, 405

FORM = {
    "team_name": "North VLO team",
    "mailbox": "vlo@test-rasso-unit.example.org",
    "phone": "0300 123 4567",
    "opening_hours": "Monday to Friday, 9am to 5pm",
}


def _roles(default: int, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = SIGN_IN
    table.update(overrides)
    return table


READ = _roles(FORBIDDEN, **dict.fromkeys(READERS, OK))
# Only the Area lead of the team's own area; another area's lead gets "not found" (no disclosure).
EDIT_GET = _roles(FORBIDDEN, area_lead=OK, other_area_lead=NOT_FOUND)
WRITE = _roles(FORBIDDEN, area_lead=FOUND, other_area_lead=NOT_FOUND)


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


def _state(team: VloTeam) -> tuple:
    return (
        tuple(VloTeam.objects.values_list().order_by("pk")),
        tuple(team.courts.values_list("pk", flat=True)),
        ModelLogEntry.objects.filter(action__startswith="victims.").count(),
    )


def test_matrix_covers_every_url() -> None:
    from agencies.victims.meetings.urls import urlpatterns as meetings
    from agencies.victims.urls import urlpatterns

    assert {f"victims:{pattern.name}" for pattern in urlpatterns} | {
        f"pretrial:{pattern.name}" for pattern in meetings
    } == {name for name in COVERED_URL_NAMES if not name.startswith("api-v1:")}


def test_reads(clients, team, other_team) -> None:
    mismatches = []
    for url in (
        reverse("victims:directory"),
        reverse("victims:team-detail", args=[team.area_id]),
        reverse("victims:team-detail", args=[other_team.area_id]),
    ):
        mismatches += [f"{url} {m}" for m in _check(clients, READ, lambda c, url=url: c.get(url))]
    assert not mismatches, "\n".join(mismatches)


def test_edit_page(clients, team, other_team) -> None:
    own = reverse("victims:team-edit", args=[team.area_id])
    other = reverse("victims:team-edit", args=[other_team.area_id])
    mismatches = _check(clients, EDIT_GET, lambda c: c.get(own))
    # The other area's page is the other lead's own; for this area's lead it is not found.
    mismatches += _check(
        clients, _roles(FORBIDDEN, area_lead=NOT_FOUND, other_area_lead=OK), lambda c: c.get(other)
    )
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize(
    ("name", "data"), [("victims:team-edit", FORM), ("victims:team-confirm", {})], ids=["edit", "confirm"]
)
def test_writes_by_everyone_else_change_nothing_then_the_lead_succeeds(clients, team, name, data) -> None:
    VloTeam.objects.filter(pk=team.pk).update(last_confirmed_on=timezone.localdate() - timedelta(days=100))
    team.refresh_from_db()
    url = reverse(name, args=[team.area_id])
    before = _state(team)
    others = [role for role in ROLES if role != "area_lead"]
    mismatches = []
    for role in others:
        response = clients[role].post(url, data)
        if response.status_code != WRITE[role]:
            mismatches.append(f"{role}: expected {WRITE[role]}, got {response.status_code}")
        assert _state(team) == before, role
    assert not mismatches, "\n".join(mismatches)
    response = clients["area_lead"].post(url, data)
    assert response.status_code == FOUND
    assert response["Location"] == reverse("victims:team-detail", args=[team.area_id])
    team.refresh_from_db()
    assert team.last_confirmed_on == timezone.localdate()


def test_confirm_is_post_only(clients, team) -> None:
    url = reverse("victims:team-confirm", args=[team.area_id])
    mismatches = _check(clients, _roles(NOT_ALLOWED), lambda c: c.get(url))
    assert not mismatches, "\n".join(mismatches)
