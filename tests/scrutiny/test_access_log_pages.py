"""A panel's access log pages: newest first, 50 a page, only that panel's events, any ?page= value
answers a page, and the page's queries do not grow with the log."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scrutiny import services
from scrutiny.models import AccessEvent
from scrutiny.views.exports import ACCESS_LOG_PAGE_SIZE
from tests.conftest import signed_in_client

ROW = re.compile(r"<td class=\"govuk-table__cell\">case_probe (\d+)</td>")


def _record(world, n: int, *, panel_id: int, start: int = 0) -> None:
    for i in range(start, start + n):
        services.access_record(
            actor=world.users["chair"],
            verb="view",
            object_type="case_probe",
            object_id=i + 1,
            audience="chair",
            channel="page",
            panel_id=panel_id,
        )


def _get(client, world, page=None) -> tuple[int, list[int], str]:
    url = reverse("scrutiny:access-log", args=[world.panel.pk])
    response = client.get(url, {"page": page} if page is not None else {})
    body = response.content.decode()
    return response.status_code, [int(x) for x in ROW.findall(body)], body


@pytest.mark.django_db
def test_access_log_pages(world) -> None:
    _record(world, ACCESS_LOG_PAGE_SIZE + 10, panel_id=world.panel.pk)
    _record(world, ACCESS_LOG_PAGE_SIZE * 2, panel_id=world.other_panel.pk, start=1000)
    client = signed_in_client(world.users["coordinator"])
    status, first, body = _get(client, world)
    assert status == 200
    newest = list(range(ACCESS_LOG_PAGE_SIZE + 10, 0, -1))
    assert first == newest[: len(first)] and first[0] == ACCESS_LOG_PAGE_SIZE + 10
    assert all(pk <= 1000 for pk in first)  # never the other panel's events
    total = AccessEvent.objects.filter(panel_id=world.panel.pk).count()
    pages = -(-total // ACCESS_LOG_PAGE_SIZE)
    assert f"Page 1 of {pages}" in body
    status, second, _ = _get(client, world, 2)
    # the next, older rows (the first view's own event moved them on by one)
    assert status == 200 and second and max(second) <= min(first) and len(set(second) | set(first)) >= 59
    for hostile in ("0", "-1", "abc", str(10**30), "999"):
        assert _get(client, world, hostile)[0] == 200


@pytest.mark.django_db
def test_access_log_queries_do_not_grow(world) -> None:
    client = signed_in_client(world.users["coordinator"])
    url = reverse("scrutiny:access-log", args=[world.panel.pk])
    client.get(url)
    _record(world, 5, panel_id=world.panel.pk)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _record(world, ACCESS_LOG_PAGE_SIZE * 3, panel_id=world.panel.pk, start=5)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)
