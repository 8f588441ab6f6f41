"""The Evaluator role (independent evaluation): aggregate figures and exports only, MFA required,
no panel, meeting or case content on any channel."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agencies.mfa import needs_mfa
from scrutiny import permissions, services
from scrutiny.models import AgendaItem
from scrutiny.redaction import Audience
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def test_evaluator_role_needs_mfa_and_maps_to_the_evaluator_audience(world, evaluator) -> None:
    assert needs_mfa(evaluator)
    assert evaluator.has_perm(permissions.EVALUATE)
    assert permissions.panel_audience(evaluator, world.panel) == Audience.EVALUATOR
    assert permissions.audience_for(evaluator, world.case) == Audience.EVALUATOR
    assert not permissions.can_view_panel(evaluator, world.panel)
    assert not permissions.can_open_case(evaluator, world.case)
    assert permissions.can_export_aggregate(evaluator)


def test_evaluator_gets_suppressed_figures_and_nothing_per_record(world, evaluator) -> None:
    services.agreed_score_record(
        actor=world.users["chair"],
        item=AgendaItem.objects.get(meeting=world.meeting, case=world.case),
        score=2,
    )
    client = signed_in_client(evaluator)
    figures = client.get(reverse("api-v1:scrutiny_figures"))
    assert figures.status_code == 200
    assert figures.json()["cases_reviewed"] == "suppressed"
    assert client.get(reverse("scrutiny:aggregate-export", args=["csv"])).status_code == 200
    for url in (
        reverse("scrutiny:panel-detail", args=[world.panel.pk]),
        reverse("scrutiny:case-detail", args=[world.case.pk]),
        reverse("scrutiny:meeting-detail", args=[world.meeting.pk]),
        reverse("api-v1:scrutiny_case", args=[world.case.pk]),
        reverse("api-v1:scrutiny_findings", args=[world.panel.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_evaluator_without_mfa_is_sent_to_the_second_step(world, evaluator, client) -> None:
    client.force_login(evaluator)
    response = client.get(reverse("scrutiny:aggregate-export", args=["csv"]))
    assert response.status_code == 302
    assert reverse("scrutiny:aggregate-export", args=["csv"]) not in response["Location"].split("?")[0]
