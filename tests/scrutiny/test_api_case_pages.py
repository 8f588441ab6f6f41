"""GET /api/v1/scrutiny/panels/{id}/cases pages like every JSON list (agencies.api.PageQuery):
offset/limit, `count` of the rows the caller may list, bad values a 4xx."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scrutiny.models import CaseStatus
from tests.conftest import signed_in_client
from tests.scrutiny.test_case_list_pages import _bulk, _listed


def _get(client, world, **params):
    return client.get(reverse("api-v1:scrutiny_cases", args=[world.panel.pk]), params)


@pytest.mark.django_db
def test_offset_and_limit_page_through_the_listed_cases(world) -> None:
    _bulk(world, 60)
    coordinator = world.users["coordinator"]
    everything = _listed(coordinator, world)
    client = signed_in_client(coordinator)
    first = _get(client, world).json()
    assert first["count"] == len(everything)
    assert [item["id"] for item in first["items"]] == everything[:25]
    second = _get(client, world, offset=25, limit=30).json()
    assert [item["id"] for item in second["items"]] == everything[25:55]
    tail = _get(client, world, offset=len(everything) - 2, limit=100).json()
    assert [item["id"] for item in tail["items"]] == everything[-2:]
    assert _get(client, world, offset=100_000).json()["items"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [{"offset": -1}, {"offset": "abc"}, {"offset": 10**30}, {"limit": 0}, {"limit": 101}, {"limit": "x"}],
)
def test_hostile_paging_values_are_a_4xx(world, params) -> None:
    response = _get(signed_in_client(world.users["coordinator"]), world, **params)
    assert 400 <= response.status_code < 500


@pytest.mark.django_db
def test_hidden_cases_are_neither_returned_nor_counted(world) -> None:
    member = world.users["independent"]
    listed = _listed(member, world)
    _bulk(world, 70, status=CaseStatus.DRAFT, prefix="DRAFT")
    body = _get(signed_in_client(member), world, limit=100).json()
    assert body["count"] == len(listed)
    assert [item["id"] for item in body["items"]] == listed
