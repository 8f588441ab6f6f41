"""Real daphne + Chromium: axe-core (WCAG 2.2 AA) over every VLO directory page, including the
lead's review prompt and the edit form's error state, and the search working as a plain form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.victims.models import VloTeam
from tests.live import assert_accessible, session_cookie_for

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _signed_in(new_page, server, user):
    from django.conf import settings

    page = new_page()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_for(user), "url": server.url}]
    )
    return page


def _visit(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    assert "/account/sign-in/" not in page.url, f"signed out at {path}"


def test_every_vlo_page_has_no_axe_violations(new_page, daphne_server, area_lead, team, other_team) -> None:
    VloTeam.objects.filter(pk=team.pk).update(last_confirmed_on=timezone.localdate() - timedelta(days=120))
    lead = _signed_in(new_page, daphne_server, area_lead)
    for path in (
        "/vlo/",
        f"/vlo/areas/{team.area_id}/",
        f"/vlo/areas/{other_team.area_id}/",
        f"/vlo/areas/{team.area_id}/edit/",
    ):
        _visit(lead, path)
        assert_accessible(lead)
    # The search, submitted like a person would (the form works without JavaScript).
    _visit(lead, "/vlo/")
    lead.get_by_label("Court name").fill("magistrates")
    lead.get_by_role("button", name="Search").click()
    lead.wait_for_load_state()
    assert "court=magistrates" in lead.url
    assert lead.get_by_text("South Victim Liaison Unit").is_visible()
    assert lead.get_by_text("North Victim Liaison Unit").count() == 0
    # The error state: a mobile number.
    _visit(lead, f"/vlo/areas/{team.area_id}/edit/")
    lead.get_by_label("Team phone number").fill("07700 900123")
    lead.get_by_role("button", name="Save and confirm").click()
    lead.wait_for_load_state()
    assert lead.title().startswith("Error: ")
    assert lead.locator(".govuk-error-summary").get_by_text("never a personal mobile").is_visible()
    assert_accessible(lead)
