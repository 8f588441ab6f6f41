"""Probes from a motivated intruder's side, run on the merged issue 13 code: each reproduces a
leak found by crawling every channel as every role, and failed before its fix."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agencies.models import AgencyKind
from agencies.roles import Role
from scrutiny import permissions
from scrutiny.redaction import Audience
from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, UserFactory
from tests.scrutiny.conftest import CANARIES
from tests.scrutiny.test_leak_matrix import websocket_text


@pytest.fixture
def other_area_governance(world, other_area):
    """A governance member whose agency is in another CPS area: the area dashboard of the world's
    panel refuses them (scrutiny.governance.permissions)."""
    agency = AgencyFactory(name="Other Area Police", kind=AgencyKind.POLICE_FORCE, area=other_area)
    return UserFactory(email="gov@other-area.example.org", agency=agency, roles=[Role.GOVERNANCE_MEMBER])


@pytest.fixture
def own_area_governance(world, area):
    agency = AgencyFactory(name="Own Area Police", kind=AgencyKind.POLICE_FORCE, area=area)
    return UserFactory(email="gov@own-area.example.org", agency=agency, roles=[Role.GOVERNANCE_MEMBER])


@pytest.mark.django_db
def test_an_area_governance_member_reads_no_record_of_another_areas_panel(
    world, area, other_area_governance
) -> None:
    """Found: the dashboard of the panel's area was a 403 for them, yet its panel page, meetings,
    every finding, action and update, the findings CSV and the API lists were open to them."""
    client = signed_in_client(other_area_governance)
    assert client.get(reverse("governance:area", args=[area.pk])).status_code == 403
    assert permissions.panel_audience(other_area_governance, world.panel) is None
    for url in (
        reverse("scrutiny:panel-detail", args=[world.panel.pk]),
        reverse("scrutiny:meeting-detail", args=[world.meeting.pk]),
        reverse("scrutiny:meeting-fragment", args=[world.meeting.pk]),
        reverse("scrutiny:findings-export", args=[world.panel.pk, "csv"]),
        reverse("scrutiny:actions-export", args=[world.panel.pk, "xlsx"]),
        reverse("api-v1:scrutiny_panel", args=[world.panel.pk]),
        reverse("api-v1:scrutiny_meetings", args=[world.panel.pk]),
        reverse("api-v1:scrutiny_meeting", args=[world.meeting.pk]),
        reverse("api-v1:scrutiny_findings", args=[world.panel.pk]),
        reverse("api-v1:scrutiny_actions", args=[world.panel.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        body = response.content.decode()
        assert CANARIES["finding"] not in body and CANARIES["terms"] not in body, url
    # Nor the live meeting socket, nor turning one of its findings into guidance.
    assert websocket_text(world, other_area_governance) == ""
    promote = client.post(reverse("scrutiny:finding-promote", args=[world.finding.pk]))
    assert promote.status_code == 404
    world.finding.refresh_from_db()
    assert world.finding.guidance_page_id is None
    for url in (reverse("scrutiny:panel-list"), reverse("api-v1:scrutiny_panels")):
        body = client.get(url).content.decode()
        assert "North test panel" not in body and CANARIES["terms"] not in body, url


@pytest.mark.django_db
def test_governance_of_the_panels_area_and_national_governance_still_read_it(
    world, own_area_governance, governance_member
) -> None:
    for user in (own_area_governance, governance_member):
        assert permissions.panel_audience(user, world.panel) == Audience.GOVERNANCE
        body = signed_in_client(user).get(reverse("scrutiny:meeting-detail", args=[world.meeting.pk]))
        assert body.status_code == 200 and CANARIES["finding"] in body.content.decode()
