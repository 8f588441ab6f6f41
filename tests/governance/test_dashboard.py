"""Governance dashboards: who sees which, the figures as they are recorded, query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.dropins.models import BookingStatus
from scrutiny.governance import figures, services
from tests.conftest import signed_in_client
from tests.factories.dropins import BookingFactory, DropInScheduleFactory, DropInSessionFactory

pytestmark = pytest.mark.django_db


def _figure(html: str, key: str) -> str:
    match = re.search(rf'data-figure="{key}">([^<]*)<', html)
    assert match, key
    return match.group(1)


def _sessions(agency, count: int, *, bookings: int = 0, capacity: int = 10) -> None:
    schedule = DropInScheduleFactory(host_agency=agency)
    for _ in range(count):
        session = DropInSessionFactory(schedule=schedule, capacity=capacity)
        for _ in range(bookings):
            BookingFactory(session=session, status=BookingStatus.CONFIRMED)


def test_national_dashboard_shows_drop_in_figures_with_small_counts_suppressed(
    governance_member, cps_agency
) -> None:
    _sessions(cps_agency, 2, bookings=1)
    client = signed_in_client(governance_member)
    html = client.get(reverse("governance:national")).content.decode()
    assert _figure(html, "seats") == "20"
    assert _figure(html, "sessions_offered") == "suppressed"
    assert _figure(html, "confirmed") == "suppressed"
    assert _figure(html, "utilisation") == "suppressed"  # withheld: derived from a small count
    _sessions(cps_agency, 4, bookings=2)
    # Factories write rows without the event every drop-in service publishes (which moves the
    # figures cache on): publish it as they would.
    services.governance_figures_changed(area_id=cps_agency.area_id)
    html = client.get(reverse("governance:national")).content.decode()
    assert _figure(html, "sessions_offered") == "6"
    assert _figure(html, "seats") == "60"
    assert _figure(html, "confirmed") == "10"
    assert _figure(html, "utilisation") == "17%"
    # A chart readable without JavaScript, with a text alternative, and its data table.
    assert 'role="img"' in html and "<desc id=" in html and "data table</caption>" in html


def test_area_dashboard_counts_only_that_area(governance_member, cps_agency, other_isva_agency) -> None:
    _sessions(cps_agency, 5)
    _sessions(other_isva_agency, 7)
    client = signed_in_client(governance_member)
    html = client.get(reverse("governance:area", args=[cps_agency.area_id])).content.decode()
    assert _figure(html, "sessions_offered") == "5"
    html = client.get(reverse("governance:national")).content.decode()
    assert _figure(html, "sessions_offered") == "12"


def test_scrutiny_figures_appear_as_the_selector_returns_them(governance_member, monkeypatch) -> None:
    stats = {
        "area": None,
        "suppressed_below": None,
        "cases_reviewed": 14,
        "score_distribution": {"1": 0, "2": 2, "3": 7, "4": 5},
        "findings_by_theme": {"Victim care": 6, "Disclosure": 1},
        "findings_by_kind": {"good_practice": 5, "learning": 9},
        "actions_by_owner_agency": {"Test Constabulary": {"open": 6, "overdue": 3, "closed": 8}},
    }
    seen = {}

    def fake(*, viewer, areas):
        seen["viewer"] = viewer
        return {None: stats, **{area.pk: stats for area in areas}}

    monkeypatch.setattr(figures.scopes, "governance_stats_by_scope", fake)
    html = signed_in_client(governance_member).get(reverse("governance:national")).content.decode()
    assert seen["viewer"] == governance_member  # read as the viewer
    assert _figure(html, "cases_reviewed") == "14"
    for text in ("Victim care", "Good practice", "Score 3", "Test Constabulary", "Overdue"):
        assert text in html
    assert html.count('govuk-table__cell--numeric">suppressed</td>') >= 2  # score 2, then score 4


def test_without_scrutiny_access_the_section_says_so(governance_member, monkeypatch) -> None:
    monkeypatch.setattr(
        figures.scopes,
        "governance_stats_by_scope",
        lambda *, viewer, areas: {None: {}, **{a.pk: {} for a in areas}},
    )
    html = signed_in_client(governance_member).get(reverse("governance:national")).content.decode()
    assert "These figures are not available to you." in html


def test_area_governance_member_sees_only_their_area(area_governance_member, area, other_area) -> None:
    client = signed_in_client(area_governance_member)
    assert client.get(reverse("governance:area", args=[area.pk])).status_code == 200
    assert client.get(reverse("governance:area", args=[other_area.pk])).status_code == 403
    assert client.get(reverse("governance:national")).status_code == 403
    index = client.get(reverse("governance:index")).content.decode()
    assert area.name in index and other_area.name not in index
    assert client.get(reverse("governance:area", args=[999999])).status_code == 404


def test_people_without_governance_access_are_refused(isva, host, coordinator, area) -> None:
    for user in (isva, host, coordinator):
        client = signed_in_client(user)
        for url in (reverse("governance:national"), reverse("governance:area", args=[area.pk])):
            assert client.get(url).status_code == 403


def _bulk(agency, isva, sessions: int, bookings: int) -> None:
    """Many source rows quickly: sessions, and one ISVA's bookings on the first of them."""
    from agencies.dropins.models import Booking, DropInSession

    schedule = DropInScheduleFactory(host_agency=agency)
    built = DropInSession.objects.bulk_create(
        [DropInSessionFactory.build(schedule=schedule) for _ in range(sessions)]
    )
    Booking.objects.bulk_create(
        [BookingFactory.build(session=session, isva=isva) for session in built[:bookings]]
    )


def _queries(client, url: str) -> tuple[int, int]:
    """Queries for the page with the figures cold (every scope changed, as after a write in every
    area), then warm."""
    from agencies.models import Area

    for area in Area.objects.all():
        services.governance_figures_changed(area_id=area.pk)  # moves national and the area on
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


MAX_DASHBOARD_QUERIES = 12  # issue 8: at most 12 queries per page, cold or warm
FIGURES_QUERIES = 5  # every scope's figures, whatever the number of areas (the grouped selectors)


def test_dashboard_query_count_is_small_and_grows_with_neither_data_nor_areas(
    governance_member, area, cps_agency, other_isva_agency, isva, world
) -> None:
    """National and area dashboards: the same queries with 10 rows of drop-in data as with 1,500
    (plus the scrutiny world: findings and actions), and with two areas as with four; at most 12
    with the figures cold (every scope changed) and 5 fewer once they are cached."""
    from agencies.models import AgencyKind
    from tests.factories import AgencyFactory, AreaFactory

    client = signed_in_client(governance_member)
    urls = [reverse("governance:national"), reverse("governance:area", args=[area.pk])]
    _bulk(cps_agency, isva, sessions=8, bookings=2)
    client.get(urls[0])  # first-request work (content types, site) out of the way
    small = [_queries(client, url) for url in urls]
    _bulk(cps_agency, isva, sessions=1000, bookings=300)
    _bulk(other_isva_agency, isva, sessions=200, bookings=0)
    large = [_queries(client, url) for url in urls]
    for _ in range(2):  # a third and a fourth area, with drop-ins of their own
        host = AgencyFactory(kind=AgencyKind.CPS_AREA, area=AreaFactory())
        _bulk(host, isva, sessions=30, bookings=10)
    more_areas = [_queries(client, url) for url in urls]
    assert small == large == more_areas, (small, large, more_areas)
    for cold, warm in more_areas:
        assert cold <= MAX_DASHBOARD_QUERIES, (cold, warm)
        assert cold - warm == FIGURES_QUERIES, (cold, warm)  # the figures came from the cache
    html = client.get(urls[0]).content.decode()
    assert _figure(html, "sessions_offered") == "1,268"  # and they are the current figures


def test_cached_figures_move_on_when_a_figure_changes(governance_member, cps_agency) -> None:
    """The cache key is the scope's realtime sequence number, which every change publishes to."""
    _sessions(cps_agency, 6)
    client = signed_in_client(governance_member)
    url = reverse("governance:national")
    assert _figure(client.get(url).content.decode(), "sessions_offered") == "6"
    _sessions(cps_agency, 2)  # factories write rows without the services' events
    assert _figure(client.get(url).content.decode(), "sessions_offered") == "6"  # cached
    services.governance_figures_changed(area_id=cps_agency.area_id)  # what every service does
    assert _figure(client.get(url).content.decode(), "sessions_offered") == "8"


def test_the_figures_fragment_matches_the_page(governance_member, cps_agency) -> None:
    _sessions(cps_agency, 6)
    client = signed_in_client(governance_member)
    fragment = client.get(reverse("governance:national-figures")).content.decode()
    assert "<html" not in fragment
    assert _figure(fragment, "sessions_offered") == "6"


def test_an_area_count_cannot_be_recovered_from_the_national_page_and_the_other_areas(
    governance_member, cps_agency, other_isva_agency
) -> None:
    """National = the sum of the areas, and a national member sees every one of those pages: a lone
    suppressed area count would be the national figure minus the others. It takes another with it."""
    from agencies.models import Area

    _sessions(cps_agency, 3)
    _sessions(other_isva_agency, 9)
    client = signed_in_client(governance_member)
    national = _figure(client.get(reverse("governance:national")).content.decode(), "sessions_offered")
    by_area = {
        area.pk: _figure(
            client.get(reverse("governance:area", args=[area.pk])).content.decode(), "sessions_offered"
        )
        for area in Area.objects.all()
    }
    assert national == "12"
    assert by_area[cps_agency.area_id] == "suppressed"
    assert by_area[other_isva_agency.area_id] == "suppressed"  # 12 - 9 would have given 3
    shown = [national, *by_area.values()]
    assert sum(1 for value in shown if value == "suppressed") != 1
