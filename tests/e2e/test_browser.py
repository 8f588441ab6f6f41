"""Real daphne + Debian's Chromium: signing in, and axe-core over every page type of the shell."""

import pytest

from agencies.demo import DEMO_PASSWORD, USERS
from agencies.demo import seed as seed_agencies
from content.demo import seed as seed_content
from tests.live import assert_accessible, assert_pages_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data() -> None:
    seed_content()
    seed_agencies()


def test_each_demo_user_can_sign_in(new_page, demo_data) -> None:
    for spec in USERS:  # one seeded database; each person in their own browser context
        page = new_page()
        sign_in(page, spec.email, DEMO_PASSWORD)
        assert page.url.endswith("/"), (spec.role, page.url)
        assert page.get_by_text(f"Signed in as {spec.first_name} {spec.last_name}").is_visible(), spec.role
        assert page.get_by_role("button", name="Sign out").is_visible(), spec.role


def test_wrong_password_shows_an_error_summary_and_stays_signed_out(page, demo_data) -> None:
    sign_in(page, USERS[0].email, "not the password")
    assert page.title().startswith("Error: Sign in")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter a correct email address and password." in summary.inner_text()
    assert_accessible(page)


def test_sign_in_then_sign_out(page, demo_data) -> None:
    sign_in(page, USERS[0].email, DEMO_PASSWORD)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Sign in", exact=True).first.is_visible()
    page.goto("/account/notifications/")
    assert "/account/sign-in/" in page.url


def test_public_pages_have_no_axe_violations(page, demo_data) -> None:
    assert_pages_accessible(
        page,
        {
            "/": 200,
            "/account/sign-in/": 200,
            "/no-such-page/": 404,
            "/accessibility/": 200,
            "/account/password-reset/": 200,
        },
    )


def test_signed_in_pages_have_no_axe_violations(page, demo_data) -> None:
    sign_in(page, USERS[1].email, DEMO_PASSWORD)
    assert_pages_accessible(page, {"/": 200, "/account/notifications/": 200, "/no-such-page/": 404})


def test_unread_count_updates_live_in_another_tab(new_page, demo_data) -> None:
    from agencies.models import User
    from agencies.services import notification_send

    user = User.objects.get(email=USERS[0].email)
    notification_send(recipient=user, title="Drop-in confirmed")
    notification_send(recipient=user, title="Drop-in moved")
    watcher = new_page()
    sign_in(watcher, user.email, DEMO_PASSWORD)
    watcher.goto("/account/notifications/")
    count = watcher.locator("[data-unread-count]")
    assert count.inner_text() == "2"
    # A second tab of the same person (same cookies) marks everything read over plain HTTP.
    other_tab = watcher.context.new_page()
    other_tab.goto("/account/notifications/")
    other_tab.get_by_role("button", name="Mark all as read").click()
    other_tab.wait_for_load_state()
    # The first tab hears it over its WebSocket, without a reload.
    watcher.wait_for_function(
        "document.querySelector('[data-unread-count]').textContent === '0'", timeout=10_000
    )
    assert watcher.locator("[data-notification-list] .govuk-tag").count() == 2  # list not reloaded


def test_forms_work_without_javascript(browser, daphne_server, demo_data) -> None:
    context = browser.new_context(base_url=daphne_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, USERS[0].email, DEMO_PASSWORD)
        assert page.get_by_text("Signed in as").is_visible()
    finally:
        context.close()
