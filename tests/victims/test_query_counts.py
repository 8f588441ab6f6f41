"""The directory page's query count is the same with 10 and with 1,000 published teams (each with
two courts), searched or not: nothing is fetched per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Area
from agencies.victims.models import Court, VloTeam
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def _grow(total: int) -> None:
    have = VloTeam.objects.count()
    areas = Area.objects.bulk_create(
        Area(name=f"CPS Bulk {i:04}", code=f"bulk-{i}") for i in range(have, total)
    )
    courts = Court.objects.bulk_create(
        Court(area=area, name=f"{area.name} {kind} Court")
        for area in areas
        for kind in ("Crown", "Magistrates'")
    )
    teams = VloTeam.objects.bulk_create(
        VloTeam(
            area=area,
            team_name=f"{area.name} Victim Liaison Unit",
            mailbox=f"vlo@{area.code}.example.org",
            phone="01134960000",
            opening_hours="Monday to Friday, 9am to 5pm",
        )
        for area in areas
    )
    by_area = {team.area_id: team for team in teams}
    VloTeam.courts.through.objects.bulk_create(
        VloTeam.courts.through(vloteam_id=by_area[court.area_id].pk, court_id=court.pk) for court in courts
    )


def _count(client, url: str, data: dict) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("search", [{}, {"court": "Crown"}])
@pytest.mark.parametrize("who", ["isva", "area_lead"])
def test_directory_query_count_is_flat(request, who, search) -> None:
    client = signed_in_client(request.getfixturevalue(who))
    url = reverse("victims:directory")
    _grow(10)
    client.get(url, search)  # warm per-process caches (content types, permissions)
    small = _count(client, url, search)
    _grow(1000)
    assert VloTeam.objects.count() == 1000
    large = _count(client, url, search)
    assert small == large, (small, large)
    # Exact, warm: the chrome (the user row; session, permission sets and unread badge cached),
    # the area choices, the page count, the page of teams with their areas, their courts; and for
    # an Area lead (an MFA role) their authenticator and their agency (the link to their own
    # area's team).
    assert large == {"isva": 5, "area_lead": 7}[who], large
