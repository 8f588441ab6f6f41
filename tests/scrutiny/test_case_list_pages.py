"""The panel case list pages: a fixed number of rows a page, in pseudonym order, the rows (and the
page count) only those the viewer may list, and any ?page= value answers a page, never an error.
Its query count is the same at 10 and 1,000 cases (test_query_counts)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from scrutiny.models import Case, CaseStatus, InvolvementDeclaration
from scrutiny.views.cases import CASE_PAGE_SIZE
from tests.conftest import signed_in_client
from tests.scrutiny.conftest import CASE_FIELDS

ROW = re.compile(r'href="/[^"]*/cases/(\d+)/"')


def _bulk(world: Any, n: int, *, status: str = CaseStatus.RELEASED, prefix: str = "BULK") -> list[Case]:
    return Case.objects.bulk_create(
        [
            Case(
                panel=world.panel,
                area=world.panel.area,
                pseudonym=f"{prefix}-{i:05d}",
                presenting_agency=world.case.presenting_agency,
                status=status,
                created_by=world.users["coordinator"],
                **CASE_FIELDS,
            )
            for i in range(n)
        ]
    )


def _ids(client: Any, world: Any, page: Any = None) -> tuple[int, list[int], str]:
    url = reverse("scrutiny:case-list", args=[world.panel.pk])
    response = client.get(url, {"page": page} if page is not None else {})
    body = response.content.decode()
    return response.status_code, [int(pk) for pk in ROW.findall(body)], body


def _listed(viewer: Any, world: Any) -> list[int]:
    """Every case id the viewer's list shows, in order (the selector the page pages over)."""
    from scrutiny import selectors

    fresh = type(viewer).objects.get(pk=viewer.pk)  # facts are cached on the user object
    return [c.pk for c in selectors.case_list(viewer=fresh, panel=world.panel)]


@pytest.mark.django_db
def test_page_two_shows_the_next_rows_in_order(world) -> None:
    _bulk(world, CASE_PAGE_SIZE * 2 + 7)
    coordinator = world.users["coordinator"]
    everything = _listed(coordinator, world)
    assert len(everything) > CASE_PAGE_SIZE * 2
    client = signed_in_client(coordinator)
    pages = [_ids(client, world, n) for n in (1, 2, 3)]
    assert [status for status, _, _ in pages] == [200, 200, 200]
    assert pages[0][1] == everything[:CASE_PAGE_SIZE]
    assert pages[1][1] == everything[CASE_PAGE_SIZE : 2 * CASE_PAGE_SIZE]
    assert pages[2][1] == everything[2 * CASE_PAGE_SIZE :]
    assert 'rel="next"' in pages[0][2] and 'rel="prev"' not in pages[0][2]
    assert "page=3" in pages[1][2] and "page=1" in pages[1][2]
    assert "Page 3 of 3" in pages[2][2] and 'rel="next"' not in pages[2][2]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "same_as"),
    [
        ("0", "last"),
        ("-1", 1),
        ("abc", 1),
        ("", 1),
        ("1.5", 1),
        (str(10**30), 1),
        ("999", "last"),
        ("3", "last"),
    ],
)
def test_hostile_page_values_answer_the_first_or_last_page(world, value, same_as) -> None:
    _bulk(world, CASE_PAGE_SIZE + 3)
    client = signed_in_client(world.users["coordinator"])
    first, last = _ids(client, world, 1)[1], _ids(client, world, 2)[1]
    status, ids, _ = _ids(client, world, value)
    assert status == 200
    assert ids == (first if same_as == 1 else last)


@pytest.mark.django_db
def test_rows_the_viewer_may_not_list_are_neither_shown_nor_counted(world) -> None:
    """Drafts (coordinator only) and cases the member is walled from fill whole pages for the
    coordinator; the member's list has one page and page 2 is that same page."""
    member = world.users["independent"]
    released_before = _listed(member, world)
    _bulk(world, CASE_PAGE_SIZE * 2, status=CaseStatus.DRAFT, prefix="DRAFT")
    walled = _bulk(world, CASE_PAGE_SIZE, prefix="WALLED")
    InvolvementDeclaration.objects.bulk_create(
        [InvolvementDeclaration(case=c, user=member, involved=True) for c in walled]
    )
    assert _listed(member, world) == released_before
    coordinator_body = _ids(signed_in_client(world.users["coordinator"]), world, 1)[2]
    assert "Page 1 of" in coordinator_body
    client = signed_in_client(member)
    status, ids, body = _ids(client, world, 1)
    assert status == 200 and ids == released_before
    assert "govuk-pagination" not in body and "DRAFT-" not in body and "WALLED-" not in body
    assert _ids(client, world, 2)[1] == released_before
    assert _ids(client, world, 4)[1] == released_before
