"""Panel membership is only for accounts whose role may sit on panels (Perm.SIT_ON_PANELS): the
service refuses anyone else with a clear message, and the coordinator's form and the API show it
and write nothing."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.permissions import Perm
from agencies.roles import ROLE_TABLE, Role
from scrutiny import permissions, services
from scrutiny.models import AccessEvent, PanelMembership, PanelRole
from tests.conftest import signed_in_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Every role in the table without the panel permission (a new role is picked up automatically).
NOT_PANEL_ROLES = [role for role, spec in ROLE_TABLE.items() if Perm.SIT_ON_PANELS not in spec.permissions]


def _writes() -> tuple[int, int]:
    return PanelMembership.objects.count(), AccessEvent.objects.count()


def test_the_non_panel_roles_are_the_expected_ones() -> None:
    assert Role.PANEL_MEMBER not in NOT_PANEL_ROLES and Role.CASE_COORDINATOR not in NOT_PANEL_ROLES
    assert {Role.ISVA, Role.EVALUATOR, Role.CONTENT_EDITOR, Role.GOVERNANCE_MEMBER} <= set(NOT_PANEL_ROLES)


@pytest.mark.parametrize("role", NOT_PANEL_ROLES)
def test_service_refuses_an_account_that_cannot_sit_on_panels(world, role) -> None:
    person = UserFactory(email=f"no-panel-{role.name.lower()}@example.org", roles=[role])
    before = _writes()
    for actor in (world.users["coordinator"], None):
        with pytest.raises(ValidationError) as refused:
            services.membership_add(actor=actor, panel=world.panel, user=person, role=PanelRole.INDEPENDENT)
        assert refused.value.messages == [services.NOT_A_PANEL_ROLE]
    assert _writes() == before
    assert permissions.membership_of(person, world.panel.pk) is None


def test_service_still_adds_a_panel_member_and_a_coordinator(world) -> None:
    coordinator = world.users["coordinator"]
    member = UserFactory(email="new-member@example.org", roles=[Role.PANEL_MEMBER])
    added = services.membership_add(actor=coordinator, panel=world.panel, user=member, role=PanelRole.POLICE)
    assert added.pk and added.user == member
    other_coordinator = world.users["coordinator2"]
    services.membership_add(actor=coordinator, panel=world.panel, user=other_coordinator, role=PanelRole.CPS)
    assert PanelMembership.objects.filter(panel=world.panel, user=other_coordinator).exists()


def test_a_role_taken_away_means_the_account_cannot_be_added_again(world) -> None:
    person = UserFactory(email="was-member@example.org", roles=[Role.PANEL_MEMBER])
    person.groups.clear()
    person = type(person).objects.get(pk=person.pk)  # no cached permissions
    with pytest.raises(ValidationError):
        services.membership_add(actor=None, panel=world.panel, user=person, role=PanelRole.OBSERVER)


def test_form_shows_the_message_and_adds_nobody(world) -> None:
    client = signed_in_client(world.users["coordinator"])
    url = reverse("scrutiny:membership-add", args=[world.panel.pk])
    before = _writes()
    response = client.post(url, {"email": world.users["evaluator"].email, "role": PanelRole.OBSERVER})
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "does not have a role that can sit on scrutiny panels" in body
    assert _writes() == before
    # The same form adds someone who may sit on panels.
    response = client.post(url, {"email": world.users["other_panel_member"].email, "role": PanelRole.POLICE})
    assert response.status_code == 302
    assert PanelMembership.objects.filter(panel=world.panel, user=world.users["other_panel_member"]).exists()


def test_api_answers_400_with_the_message_and_adds_nobody(world) -> None:
    client = signed_in_client(world.users["coordinator"])
    url = reverse("api-v1:scrutiny_member_add", args=[world.panel.pk])
    before = _writes()
    response = client.post(
        url,
        data=json.dumps({"email": world.users["evaluator"].email, "role": "observer"}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"__all__": [services.NOT_A_PANEL_ROLE]}
    assert _writes() == before
    response = client.post(
        url,
        data=json.dumps({"email": world.users["other_panel_member"].email, "role": "police"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
