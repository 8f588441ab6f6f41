"""Page types: tree rules, GOV.UK rendering, filters, exit this page, change notes, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from wagtail.models import Page

from content import demo
from content.models import (
    BoardMeeting,
    BoardMember,
    GovernanceBoardPage,
    GuidanceChangeNote,
    GuidanceIndexPage,
    GuidancePage,
    HomePage,
    PublicationPage,
)
from tests.conftest import signed_in_client
from tests.factories.content import ThemeFactory, board_page, guidance_index, guidance_page

pytestmark = pytest.mark.django_db


def test_tree_rules() -> None:
    assert GuidanceIndexPage.allowed_parent_page_models() == [HomePage]
    assert GuidancePage.allowed_parent_page_models() == [GuidanceIndexPage]
    assert GuidancePage.allowed_subpage_models() == []
    assert set(HomePage.allowed_subpage_models()) == {GuidanceIndexPage, GovernanceBoardPage}
    assert GovernanceBoardPage.allowed_subpage_models() == [PublicationPage]
    assert PublicationPage.allowed_parent_page_models() == [GovernanceBoardPage]
    assert not GuidancePage.can_create_at(Page.get_first_root_node())


def test_demo_content_renders_every_page_type(client: Client) -> None:
    demo.seed()
    demo.seed()  # idempotent
    assert GuidancePage.objects.count() == len(demo.GUIDANCE)
    assert GovernanceBoardPage.objects.count() == 1 and PublicationPage.objects.count() == 1
    for page in Page.objects.live().specific():
        if page.depth < 2:
            continue
        response = client.get(page.url)
        if page.slug == "third-party-material-requests":
            assert response.status_code == 302  # partners only
            continue
        assert response.status_code == 200, page.url
        assert f'<h1 class="govuk-heading-xl">{page.title}</h1>' in response.content.decode()


def test_guidance_page_shows_fields_change_notes_and_exit_this_page(home_page, client: Client) -> None:
    index = guidance_index(home_page)
    theme = ThemeFactory(name="Victim support and communication", slug="victim-support")
    page = guidance_page(
        index,
        title="After you report",
        themes=[theme],
        victim_facing=True,
        next_review_date=datetime.date(2027, 3, 1),
    )
    GuidanceChangeNote.objects.create(
        page=page, date=datetime.date(2026, 5, 4), note="Added a section on ISVAs."
    )
    body = client.get(page.url).content.decode()
    assert "govuk-exit-this-page" in body and "Exit this page" in body
    assert "Victim support and communication" in body
    assert "1 March 2027" in body
    assert "4 May 2026" in body and "Added a section on ISVAs." in body
    other = guidance_page(index, title="For prosecutors")
    assert "govuk-exit-this-page" not in client.get(other.url).content.decode()


def test_index_filters_by_theme_audience_and_area(home_page, client: Client, area) -> None:
    index = guidance_index(home_page)
    case = ThemeFactory(name="Case strategy", slug="case-strategy")
    disclosure = ThemeFactory(name="Disclosure", slug="disclosure")
    guidance_page(index, title="Alpha strategy", themes=[case], audience="police", area=area)
    guidance_page(index, title="Beta disclosure", themes=[disclosure], audience="prosecutors")
    guidance_page(index, title="Gamma draft", themes=[case], publish=False)

    def titles(query: str) -> set[str]:
        body = client.get(index.url + query).content.decode()
        return {t for t in ("Alpha strategy", "Beta disclosure", "Gamma draft") if t in body}

    assert titles("") == {"Alpha strategy", "Beta disclosure"}
    assert titles("?theme=case-strategy") == {"Alpha strategy"}
    assert titles("?audience=prosecutors") == {"Beta disclosure"}
    assert titles(f"?area={area.code}") == {"Alpha strategy"}
    assert titles("?area=national") == {"Beta disclosure"}
    response = client.get(index.url + "?theme=no-such-theme&audience=nobody")
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and body.count("<title>Error: ") == 1
    # A NUL byte is refused before any view reads it (config.middleware.HostileRequestMiddleware).
    assert client.get(index.url + "?theme=no-such-theme&audience=%00").status_code == 400


def test_index_paginates_and_keeps_filters(home_page, client: Client) -> None:
    index = guidance_index(home_page)
    theme = ThemeFactory(slug="case-strategy")
    for n in range(22):
        guidance_page(index, title=f"Paged {n:02d}", themes=[theme])
    body = client.get(index.url + "?theme=case-strategy").content.decode()
    assert "22 guidance pages" in body and "Page 1 of 2" in body
    assert "?theme=case-strategy&amp;page=2" in body
    assert client.get(index.url + "?page=999").status_code == 200


def test_board_and_publication_pages(home_page, client: Client) -> None:
    board = board_page(home_page, terms_of_reference="<p>Agrees guidance.</p>")
    BoardMember.objects.create(board=board, name="Alex Example", role="Chair", organisation="Fictional unit")
    BoardMeeting.objects.create(board=board, date=datetime.date(2026, 12, 1), summary="Quarterly review")
    body = client.get(board.url).content.decode()
    assert "Alex Example" in body and "1 December 2026" in body and "Agrees guidance." in body


def test_home_page_lists_latest_guidance_and_role_entry_points(home_page, isva, governance_member) -> None:
    index = guidance_index(home_page)
    guidance_page(index, title="Newest guidance")
    isva_body = signed_in_client(isva).get("/").content.decode()
    assert "Latest guidance" in isva_body and "Newest guidance" in isva_body
    assert "My bookings" in isva_body and "Search guidance" in isva_body
    assert "Dashboards" not in isva_body
    anonymous = Client().get("/").content.decode()
    assert "Newest guidance" in anonymous and "My bookings" not in anonymous
