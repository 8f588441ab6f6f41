"""Real daphne + Chromium: invitation to first sign-in with MFA enrolment, lockout, the idle
timeout (with and without JavaScript), a revoked role closing open WebSockets within seconds, an
unverified session refused on WebSockets, and the CSP leaving the Wagtail admin working."""

from __future__ import annotations

import http.cookies
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from agencies import services
from agencies.models import User
from agencies.roles import Role
from tests.factories.agencies import TEST_PASSWORD
from tests.live import (
    LiveServer,
    assert_accessible,
    page_maker,
    sign_in,
    start_daphne,
    totp_code,
    ws_connect,
)

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Short enough for a test, long enough for a loaded CI machine to sign in within it.
IDLE_SECONDS = 16
WARN_SECONDS = 10


@pytest.fixture(scope="module")
def strict_server(django_db_setup: None, django_db_blocker: Any) -> Iterator[LiveServer]:
    """A daphne process with a short idle timeout and a low lockout threshold."""
    from tests.conftest import database_url_for_subprocess

    with django_db_blocker.unblock():
        database_url = database_url_for_subprocess()
    server = start_daphne(
        database_url,
        extra_env={
            "SESSION_IDLE_TIMEOUT_SECONDS": str(IDLE_SECONDS),
            "SESSION_IDLE_WARNING_SECONDS": str(WARN_SECONDS),
            "SIGN_IN_FAILURE_LIMIT": "3",
        },
    )
    yield server
    server.stop()


@pytest.fixture
def strict_page(browser: Any, strict_server: LiveServer) -> Iterator[Any]:
    yield from page_maker(browser, strict_server, timeout_ms=15_000)


def test_invitation_to_first_sign_in_with_mfa_enrolment(page, platform_admin: User, cps_agency) -> None:
    email = f"new.member@{cps_agency.allowed_email_domains[0]}"
    _invitation, token = services.invitation_send(
        actor=platform_admin, agency=cps_agency, email=email, role=Role.PANEL_MEMBER.value
    )
    page.goto(f"/account/invitation/{token}/")
    assert page.get_by_role("heading", name="Create your Scrutiny Hub account").is_visible()
    assert_accessible(page)
    page.get_by_label("First name").fill("Morgan")
    page.get_by_label("Last name").fill("Quill")
    page.get_by_label("Password", exact=True).fill("quiet-meadow-copper-81")
    page.get_by_label("Confirm password").fill("quiet-meadow-copper-81")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()
    # MFA before anything else: straight to enrolment.
    assert "/account/two-factor/set-up/" in page.url
    assert page.locator("img.app-qr-code").is_visible()
    assert_accessible(page)
    page.goto("/account/notifications/")  # a deep link cannot skip it
    assert "/account/two-factor/set-up/" in page.url
    page.get_by_text("I cannot scan the QR code").click()
    from agencies.mfa import hex_key_from_base32

    key = hex_key_from_base32(page.locator("[data-manual-key]").inner_text())
    page.get_by_label("Code").fill(totp_code(key))
    page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_load_state()
    assert page.get_by_text("Two-factor authentication is set up").is_visible()
    assert page.locator("[data-recovery-codes] li").count() == 10
    page.get_by_role("link", name="I have saved my codes").click()
    page.wait_for_load_state()
    assert "/account/notifications/" in page.url
    assert page.get_by_text("Signed in as Morgan Quill").is_visible()
    # Sign out and back in: the check page now asks for a code.
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_load_state()
    sign_in(page, email, "quiet-meadow-copper-81")
    assert page.get_by_text("Signed in as Morgan Quill").is_visible()


def test_lockout_after_repeated_failures(strict_page, isva: User) -> None:
    page = strict_page()
    for _ in range(3):
        page.goto("/account/sign-in/")
        page.get_by_label("Email address").fill(isva.email)
        page.get_by_label("Password").fill("not the password at all")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    assert page.get_by_role("heading", name="Sign-in is locked for now").is_visible()
    assert_accessible(page)
    page.goto("/account/sign-in/")
    page.get_by_label("Email address").fill(isva.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Sign-in is locked for now").is_visible()
    assert not page.get_by_role("button", name="Sign out").count()


def test_idle_timeout_warns_extends_and_signs_out(strict_page, coordinator: User) -> None:
    page = strict_page()
    sign_in(page, coordinator.email, TEST_PASSWORD)
    page.goto("/account/notifications/")
    warning = page.get_by_text("You will be signed out in")
    warning.wait_for(timeout=(IDLE_SECONDS - WARN_SECONDS + 3) * 1000)
    assert page.locator("[data-session-timeout-text][role=alert]").count() == 1
    page.get_by_role("button", name="Stay signed in").click()
    page.get_by_text("You are still signed in").wait_for()
    assert "/account/notifications/" in page.url
    page.wait_for_url("**/account/sign-in/**", timeout=(IDLE_SECONDS + 6) * 1000)
    assert page.get_by_text("signed out because you had not done anything").is_visible()


def test_idle_timeout_without_javascript(strict_page, coordinator: User) -> None:
    page = strict_page(java_script_enabled=False)
    sign_in(page, coordinator.email, TEST_PASSWORD)
    assert "/account/sign-in/" not in page.url, page.locator("main").inner_text()
    page.goto("/account/notifications/")
    assert "/account/sign-in/" not in page.url, page.locator("main").inner_text()
    assert page.get_by_text("you will be signed out if you do nothing for").is_visible()
    page.get_by_role("button", name="Stay signed in").click()
    page.wait_for_load_state()
    assert "/account/notifications/" in page.url
    assert page.get_by_text("You are still signed in.").is_visible()
    time.sleep(IDLE_SECONDS + 2)
    page.goto("/account/notifications/")
    assert "/account/sign-in/" in page.url
    assert page.get_by_text("signed out because you had not done anything").is_visible()


def test_removing_a_role_closes_open_websockets_within_seconds(
    page, daphne_server, platform_admin: User, governance_member: User
) -> None:
    socket = ws_connect(daphne_server, "/ws/governance/national/", user=governance_member)
    hello = socket.recv(timeout=10)
    assert '"hello"' in hello
    sign_in(page, platform_admin.email, TEST_PASSWORD)
    response = page.goto(f"/account/manage/people/{governance_member.pk}/")
    assert response is not None and response.status == 200, page.url
    started = time.monotonic()
    page.get_by_role("button", name="Remove Governance member role").click()
    page.wait_for_load_state()
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            socket.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
    assert time.monotonic() - started < 5


def test_websocket_refuses_a_session_that_has_not_passed_mfa(daphne_server, coordinator: User) -> None:
    client = Client()
    assert client.post(
        "/account/sign-in/", {"username": coordinator.email, "password": TEST_PASSWORD}
    ).status_code
    cookie = http.cookies.SimpleCookie()
    cookie[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Closed before the handshake is accepted, which the client sees as an HTTP 403.
    with pytest.raises(InvalidStatus) as refused:
        connect(
            f"{daphne_server.ws_url}/ws/notifications/",
            origin=daphne_server.url,
            additional_headers={"Cookie": cookie.output(header="", attrs=[]).strip()},
            open_timeout=10,
        )
    assert refused.value.response.status_code == 403
    verified = ws_connect(daphne_server, "/ws/notifications/", user=coordinator)
    assert '"hello"' in verified.recv(timeout=10)
    verified.close()


CMS_PATHS = ["/cms/", "/cms/pages/", "/cms/agencies/", "/cms/reports/site-history/", "/cms/users/"]


def test_csp_leaves_the_wagtail_admin_working(
    browser, daphne_server, platform_admin: User, home_page
) -> None:
    context = browser.new_context(base_url=daphne_server.url)  # the real CSP, not bypassed
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        sign_in(page, platform_admin.email, TEST_PASSWORD)
        for path in ["/", "/account/manage/", *CMS_PATHS]:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            page.wait_for_load_state("networkidle")
        assert not violations, "\n".join(violations)
        # Wagtail's JavaScript ran: the sidebar (a React component) is rendered by script.
        page.goto("/cms/")
        page.locator("#wagtail-sidebar > *").first.wait_for(state="attached")
        page.goto("/cms/agencies/new/")
        page.get_by_label("Name").first.fill("Created In Browser")
        assert not violations, "\n".join(violations)
    finally:
        context.close()
