"""Real daphne + Chromium: axe-core over every content page type, and the publishing workflow in
the Wagtail admin (an editor submits, a second editor checks the content, a governance member
approves)."""

from __future__ import annotations

import pytest

from agencies.demo import DEMO_PASSWORD
from agencies.demo import seed as seed_agencies
from agencies.models import User
from content.demo import seed as seed_content
from content.models import GuidancePage, Theme
from content.services import guidance_index_ensure
from tests.factories.content import guidance_page
from tests.live import assert_accessible, assert_pages_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EDITOR = "editor@governance.example.org"
CHECKER = "checker@governance.example.org"
GOVERNANCE = "governance@governance.example.org"
ISVA = "isva@lantern-isva.example.org"


@pytest.fixture
def demo_data() -> None:
    seed_content()
    seed_agencies()


PUBLIC_PATHS = (
    "/",
    "/guidance/",
    "/guidance/?theme=victim-support&audience=victims",
    "/guidance/?theme=no-such-theme",  # the error summary
    "/guidance/early-investigative-advice/",
    "/guidance/what-happens-after-you-report/",  # victim-facing: Exit this page
    "/national-governance-board/",
    "/national-governance-board/minutes-demo/",
    "/search/",
    "/search/?q=victim",
    "/search/?q=victim&theme=victim-support",
)


def test_content_page_types_have_no_axe_violations_signed_out(page, demo_data) -> None:
    assert_pages_accessible(page, PUBLIC_PATHS)


def test_partner_only_guidance_and_signed_in_pages_have_no_axe_violations(page, demo_data) -> None:
    sign_in(page, ISVA, DEMO_PASSWORD)
    for path in ("/", "/guidance/third-party-material-requests/", "/search/?q=material"):
        response = page.goto(path)
        assert response is not None and response.status == 200
        assert_accessible(page)
    assert page.get_by_text("Requests for third-party material").first.is_visible()


def test_exit_this_page_leaves_the_victim_facing_page(page, demo_data) -> None:
    page.goto("/guidance/what-happens-after-you-report/")
    button = page.get_by_role("button", name="Emergency Exit this page")
    assert button.is_visible()
    page.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(status=200, body="weather"))
    button.click()
    page.wait_for_url("https://www.bbc.co.uk/**")


def _open_more_actions(page) -> None:
    page.get_by_role("button", name="More actions").last.click()


def _approve_in_the_cms(page, email: str, edit_url: str) -> None:
    """Sign in as `email` and take the current workflow task's Approve action in the edit view.
    "Approve", not "Approve and Publish": with WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT an edit
    in review sends the page back to the first step, so Wagtail does not promise it."""
    sign_in(page, email, DEMO_PASSWORD)
    page.goto(edit_url)
    _open_more_actions(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Approve", exact=True).click()
    page.wait_for_load_state()


def test_editor_submits_and_governance_member_approves_in_the_cms(new_page, demo_data) -> None:
    draft = guidance_page(
        guidance_index_ensure(),
        title="Joint pre-charge meetings",
        slug="joint-pre-charge-meetings",
        summary="Hold a joint meeting before a charging decision in complex cases.",
        themes=[Theme.objects.get(slug="case-strategy")],
        owner=User.objects.get(email=EDITOR),
        publish=False,
    )
    edit_url = f"/cms/pages/{draft.pk}/edit/"

    editor = new_page()
    sign_in(editor, EDITOR, DEMO_PASSWORD)
    editor.goto(edit_url)
    _open_more_actions(editor)
    # The admin submits through JavaScript: wait for the resulting page load, not just the click.
    with editor.expect_navigation():
        editor.get_by_role("button", name="Submit to Governance board approval").click()
    editor.wait_for_load_state()
    draft.refresh_from_db()
    assert draft.workflow_in_progress and not draft.live
    # The editor has no Publish action.
    editor.goto(edit_url)
    assert editor.locator("button[name='action-publish']").count() == 0

    # The content check (2i), by a second editor.
    _approve_in_the_cms(new_page(), CHECKER, edit_url)
    draft.refresh_from_db()
    assert draft.workflow_in_progress and not draft.live

    _approve_in_the_cms(new_page(), GOVERNANCE, edit_url)
    draft = GuidancePage.objects.get(pk=draft.pk)
    assert draft.live and not draft.workflow_in_progress
    public = new_page()
    response = public.goto(draft.url)
    assert response is not None and response.status == 200
    assert public.get_by_role("heading", name="Joint pre-charge meetings").is_visible()
