"""End to end in Chromium: a board member's dashboard changes live when a chair records a finding
in another browser; signing out (in another tab) closes the dashboard's socket; axe finds nothing
on the dashboard and notifications pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings

from scrutiny import services
from tests.live import assert_accessible, session_cookie_for

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _signed_in(page: Any, user: Any, base_url: str) -> Any:
    """Sign the browser in through the shared helper (the session has passed any MFA step)."""
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_for(user), "url": base_url}]
    )
    return page


def _good_practice(page: Any) -> str:
    row = page.locator('[data-breakdown="findings_by_kind"] tr', has_text="Good practice")
    return row.locator("td").inner_text()


def test_board_dashboard_changes_live_when_a_chair_records_a_finding(
    world, governance_member, new_page, daphne_server
) -> None:
    chair = world.users["chair"]
    for n in range(4):  # five good-practice findings in all, so the count is shown, not suppressed
        services.finding_record(
            actor=chair,
            meeting=world.meeting,
            case=world.cases[n % len(world.cases)],
            theme=world.finding.theme,
            kind="good_practice",
            text=f"Agreed good practice number {n}",
        )
    board = _signed_in(new_page(), governance_member, daphne_server.url)
    board.goto("/governance/national/")
    board.wait_for_selector('[data-governance-live][data-live="on"]')
    assert _good_practice(board) == "5"
    assert_accessible(board)

    chair_page = _signed_in(new_page(), chair, daphne_server.url)
    chair_page.goto(f"/scrutiny/meetings/{world.meeting.pk}/findings/new/")
    chair_page.get_by_label("Case").select_option(index=1)
    chair_page.get_by_label("Theme").select_option(label=world.finding.theme.name)
    chair_page.get_by_label("Good practice").check()
    chair_page.get_by_label("Finding", exact=True).fill("Early special measures meetings helped")
    chair_page.get_by_role("button", name="Record finding").click()
    chair_page.wait_for_load_state()

    board.wait_for_function(
        "() => { const r = [...document.querySelectorAll('[data-breakdown=\"findings_by_kind\"] tr')]"
        ".find(r => r.textContent.includes('Good practice'));"
        " return r && r.querySelector('td').textContent.trim() === '6' }",
        timeout=15_000,
    )
    assert _good_practice(board) == "6"
    assert re.search(r"Figures updated", board.locator("[data-governance-announce]").inner_text())


def test_signing_out_in_another_tab_closes_the_dashboard_socket(
    governance_member, browser, daphne_server
) -> None:
    context = browser.new_context(base_url=daphne_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    try:
        dashboard = context.new_page()
        sockets: list[Any] = []
        dashboard.on("websocket", lambda ws: sockets.append(ws))
        _signed_in(dashboard, governance_member, daphne_server.url)
        dashboard.goto("/governance/national/")
        dashboard.wait_for_selector('[data-governance-live][data-live="on"]')
        live = [ws for ws in sockets if ws.url.endswith("/ws/governance/national/")]
        assert live and not live[-1].is_closed()
        other_tab = context.new_page()
        other_tab.goto("/account/notifications/")
        assert_accessible(other_tab)
        with live[-1].expect_event("close", timeout=10_000):
            other_tab.get_by_role("button", name="Sign out").click()
        assert live[-1].is_closed()
        # realtime.js does not reconnect after 4401: no new dashboard socket appears.
        dashboard.wait_for_timeout(1500)
        assert len([ws for ws in sockets if ws.url.endswith("/ws/governance/national/")]) == len(live)
    finally:
        context.close()
