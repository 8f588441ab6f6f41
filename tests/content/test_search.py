"""Site search: Wagtail search over what the viewer may see, themes as facets, GOV.UK page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from content.selectors import site_search
from tests.conftest import signed_in_client
from tests.factories.content import ThemeFactory, guidance_index, guidance_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(home_page):
    index = guidance_index(home_page)
    case = ThemeFactory(name="Case strategy", slug="case-strategy")
    victims = ThemeFactory(name="Victim support", slug="victim-support")
    guidance_page(index, title="Interview planning", summary="Plan the interview jointly.", themes=[case])
    guidance_page(
        index, title="Interview support", summary="ISVA support around the interview.", themes=[case, victims]
    )
    guidance_page(index, title="Interview draft", summary="Not published yet.", themes=[case], publish=False)
    login_only = guidance_page(
        index, title="Interview disclosure", summary="Partners only.", themes=[victims]
    )
    PageViewRestriction.objects.create(page=login_only, restriction_type=PageViewRestriction.LOGIN)
    return {"case": case, "victims": victims}


def _titles(results) -> list[str]:
    return sorted(page.title for page in results.page_obj.object_list) if results.page_obj else []


def test_anonymous_search_sees_only_public_live_pages_with_facets(pages) -> None:
    from django.contrib.auth.models import AnonymousUser

    results = site_search(viewer=AnonymousUser(), query="interview")
    assert _titles(results) == ["Interview planning", "Interview support"]
    assert [(theme.slug, count) for theme, count in results.facets] == [
        ("case-strategy", 2),
        ("victim-support", 1),
    ]


def test_signed_in_search_includes_login_restricted_pages_and_filters_by_theme(pages, isva) -> None:
    results = site_search(viewer=isva, query="interview")
    assert _titles(results) == ["Interview disclosure", "Interview planning", "Interview support"]
    assert {t.slug: c for t, c in results.facets} == {"case-strategy": 2, "victim-support": 2}
    themed = site_search(viewer=isva, query="interview", theme_slug="victim-support")
    assert _titles(themed) == ["Interview disclosure", "Interview support"]


def test_search_page_renders_results_and_facet_links(pages, isva) -> None:
    body = signed_in_client(isva).get(reverse("content:search"), {"q": "interview"}).content.decode()
    assert "3 results" in body
    assert "?q=interview&amp;theme=victim-support" in body
    assert "Interview draft" not in body


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "x" * 5000},
        {"q": "interview", "page": "abc"},
        {"q": "interview", "theme": "nope"},
        {"q": "'\"%"},
        {"q": "interview* OR NEAR(a b) -x"},
    ],
)
def test_search_never_fails_on_odd_input(pages, params) -> None:
    response = Client().get(reverse("content:search"), params)
    assert response.status_code == 200
    assert "<title>" in response.content.decode()


@pytest.mark.postgres
def test_postgres_full_text_search_stems_words(pages) -> None:
    from django.contrib.auth.models import AnonymousUser

    results = site_search(viewer=AnonymousUser(), query="interviews planned")
    assert _titles(results) == ["Interview planning"]
