"""Query counts for the guidance index and a guidance page do not grow with the number of pages:
measured at 10 and at 1,000 guidance pages, they are equal."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import GuidancePage
from tests.conftest import signed_in_client
from tests.factories.content import (
    ThemeFactory,
    board_page,
    bulk_guidance_pages,
    guidance_index,
    guidance_page,
)

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    client.get(url)  # warm Wagtail's site-root cache, as on any running site
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_index_and_page_query_counts_are_equal_at_10_and_1000_pages(home_page, isva) -> None:  # type: ignore[no-untyped-def]
    themes = [ThemeFactory(slug="case-strategy"), ThemeFactory(slug="disclosure")]
    index = guidance_index(home_page)
    board = board_page(home_page)
    page = guidance_page(
        index,
        title="Measured guidance",
        themes=themes,
        owner_board=board,
        body=[("rich_text", "<p>Measured.</p>")],
    )
    bulk_guidance_pages(index, 9, themes=themes)
    assert GuidancePage.objects.live().count() == 10
    client = signed_in_client(isva)
    index_url, filtered_url = index.url, index.url + "?theme=case-strategy&page=2"
    small = (
        _queries(client, index_url),
        _queries(client, filtered_url),
        _queries(client, page.url),
        _queries(client, "/"),
    )

    bulk_guidance_pages(index, 990, themes=themes, prefix="More")
    assert GuidancePage.objects.live().count() == 1000
    large = (
        _queries(client, index_url),
        _queries(client, filtered_url),
        _queries(client, page.url),
        _queries(client, "/"),
    )
    print(f"queries (index, filtered index, guidance page, home) at 10: {small}, at 1000: {large}")
    assert small == large, (small, large)
    body = client.get(index_url).content.decode()
    assert "1000 guidance pages" in body and "Page 1 of 50" in body
