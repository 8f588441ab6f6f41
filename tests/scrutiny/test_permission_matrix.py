"""Runs tests/scrutiny/matrix.py: every scrutiny URL and endpoint x every role -> the expected
status; never a 500. Each case gets a fresh world, so writes (POST rows) cannot leak between rows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from agencies.models import AgencyKind
from agencies.roles import Role
from scrutiny.models import PanelMembership
from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, UserFactory
from tests.scrutiny.matrix import ROLES, ROWS

WORLD_ROLES = {
    "panel_this": "independent",
    "chair": "chair",
    "presenting": "presenting",
    "observer": "observer",
    "involved": "involved",
    "not_accepted": "not_accepted",
    "panel_other": "other_panel_member",
    "evaluator": "evaluator",
}
FIXTURE_ROLES = {
    "isva": "isva",
    "host": "host",
    "governance": "governance_member",
    "editor": "editor",
    "admin": "platform_admin",
}


def _user(role: str, world: Any, request: Any, other_area: Any) -> Any:
    if role == "anonymous":
        return None
    if role == "coordinator":
        return world.users["coordinator"]
    if role == "coordinator_other":
        agency = AgencyFactory(name="Other RASSO Unit", kind=AgencyKind.CPS_AREA, area=other_area)
        return UserFactory(
            email="coordinator@other-cps.example.org", agency=agency, roles=[Role.CASE_COORDINATOR]
        )
    if role in WORLD_ROLES:
        return world.users[WORLD_ROLES[role]]
    return request.getfixturevalue(FIXTURE_ROLES[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.django_db
def test_permission_matrix(held, role: str, request, other_area) -> None:
    """One world per role; each row's request runs in a savepoint that is rolled back, so POST rows
    cannot affect the rows after them."""
    world = held
    world.membership_of = lambda name: PanelMembership.objects.get(
        user=world.users[name], ended_at__isnull=True
    )
    user = _user(role, world, request, other_area)
    client = signed_in_client(user) if user is not None else Client()
    mismatches = []
    for row in ROWS:
        with transaction.atomic():
            url = reverse(row.name, args=row.args(world))
            if row.json:
                response = getattr(client, row.method)(
                    url, data=json.dumps(row.data(world)), content_type="application/json"
                )
            else:
                response = getattr(client, row.method)(url, data=row.data(world))
            transaction.set_rollback(True)
        if response.status_code != row.statuses[role]:
            mismatches.append(
                f"{row.method.upper()} {row.name}: {response.status_code}, expected {row.statuses[role]}"
            )
    assert mismatches == [], f"as {role}:\n" + "\n".join(mismatches)
