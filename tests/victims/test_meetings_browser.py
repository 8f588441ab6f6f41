"""Real daphne + Chromium: axe-core (WCAG 2.2 AA) over every pre-trial meeting page (the list, the
request form and its error state, the detail page as the VLO team and as the requester), and the
request form working as a plain form."""

from __future__ import annotations

import pytest

from tests.live import assert_accessible, assert_pages_accessible, session_cookie_for
from tests.victims.meetings_helpers import future

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _signed_in(new_page, server, user):
    from django.conf import settings

    page = new_page()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_for(user), "url": server.url}]
    )
    return page


def test_every_pre_trial_meeting_page_has_no_axe_violations(
    new_page, daphne_server, isva, vlo, area, meeting_request
) -> None:
    team = _signed_in(new_page, daphne_server, vlo)
    assert_pages_accessible(team, ["/pre-trial-meetings/", f"/pre-trial-meetings/{meeting_request.pk}/"])
    requester = _signed_in(new_page, daphne_server, isva)
    assert_pages_accessible(
        requester,
        ["/pre-trial-meetings/", "/pre-trial-meetings/new/", f"/pre-trial-meetings/{meeting_request.pk}/"],
    )
    # The request form, submitted like a person would, first with a bad URN (the error state).
    requester.goto("/pre-trial-meetings/new/")
    requester.get_by_label("CPS area").select_option(label=area.name)
    requester.get_by_label("CPS case reference (URN)").fill("62 LV 1234 23")
    requester.get_by_label("Preferred date and time").fill(future(9).strftime("%Y-%m-%dT%H:%M"))
    requester.get_by_role("radio", name="No").check()
    requester.get_by_role("checkbox", name="Screens").check()
    requester.get_by_role("button", name="Send the request").click()
    requester.wait_for_load_state()
    assert requester.title().startswith("Error: ")
    assert (
        requester.locator(".govuk-error-summary").get_by_text("Enter the URN in the CPS format").is_visible()
    )
    assert_accessible(requester)
    requester.get_by_label("CPS case reference (URN)").fill("62 LV 12345 23")
    requester.get_by_role("button", name="Send the request").click()
    requester.wait_for_load_state()
    assert "/pre-trial-meetings/" in requester.url and requester.title().startswith(
        "Pre-trial meeting request"
    )
    assert requester.get_by_text("62 LV 12345 23").is_visible()
    assert_accessible(requester)


def test_the_requesters_page_shows_a_confirmation_live(
    new_page, daphne_server, isva, vlo, meeting_request
) -> None:
    requester = _signed_in(new_page, daphne_server, isva)
    requester.goto(f"/pre-trial-meetings/{meeting_request.pk}/")
    status = requester.locator("[data-pretrial-status]")
    assert status.inner_text() == "Requested"
    requester.wait_for_function("() => document.querySelector('[data-pretrial-live]') !== null")
    requester.wait_for_timeout(500)  # let the socket subscribe
    # The VLO team confirms in another browser; the requester's page changes without a reload.
    team = _signed_in(new_page, daphne_server, vlo)
    team.goto(f"/pre-trial-meetings/{meeting_request.pk}/")
    team.locator("input[name=confirm-slot]").first.check()
    team.get_by_role("button", name="Confirm this time").click()
    team.wait_for_load_state()
    assert team.get_by_text("The time is confirmed").is_visible()
    requester.locator("[data-pretrial-status]", has_text="Confirmed").wait_for(timeout=10_000)
    assert requester.locator("[data-pretrial-notice]").is_visible()
    assert_accessible(requester)
