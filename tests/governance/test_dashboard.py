"""Governance dashboards: who sees which, the figures as they are recorded, query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.dropins.models import BookingStatus
from scrutiny.governance import figures
from tests.conftest import signed_in_client
from tests.factories.dropins import BookingFactory, DropInScheduleFactory, DropInSessionFactory

pytestmark = pytest.mark.django_db


def _figure(html: str, key: str) -> str:
    match = re.search(rf'data-figure="{key}">([^<]*)<', html)
    assert match, key
    return match.group(1)


def _sessions(agency, count: int, *, bookings: int = 0, capacity: int = 10) -> None:  # type: ignore[no-untyped-def]
    schedule = DropInScheduleFactory(host_agency=agency)
    for _ in range(count):
        session = DropInSessionFactory(schedule=schedule, capacity=capacity)
        for _ in range(bookings):
            BookingFactory(session=session, status=BookingStatus.CONFIRMED)


def test_national_dashboard_shows_drop_in_figures_with_small_counts_suppressed(
    governance_member, cps_agency
) -> None:  # type: ignore[no-untyped-def]
    _sessions(cps_agency, 2, bookings=1)
    client = signed_in_client(governance_member)
    html = client.get(reverse("governance:national")).content.decode()
    assert _figure(html, "seats") == "20"
    assert _figure(html, "sessions_offered") == "suppressed"
    assert _figure(html, "confirmed") == "suppressed"
    assert _figure(html, "utilisation") == "suppressed"  # withheld: derived from a small count
    _sessions(cps_agency, 4, bookings=2)
    html = client.get(reverse("governance:national")).content.decode()
    assert _figure(html, "sessions_offered") == "6"
    assert _figure(html, "seats") == "60"
    assert _figure(html, "confirmed") == "10"
    assert _figure(html, "utilisation") == "17%"
    # A chart readable without JavaScript, with a text alternative, and its data table.
    assert 'role="img"' in html and "<desc id=" in html and "data table</caption>" in html


def test_area_dashboard_counts_only_that_area(governance_member, cps_agency, other_isva_agency) -> None:  # type: ignore[no-untyped-def]
    _sessions(cps_agency, 5)
    _sessions(other_isva_agency, 7)
    client = signed_in_client(governance_member)
    html = client.get(reverse("governance:area", args=[cps_agency.area_id])).content.decode()
    assert _figure(html, "sessions_offered") == "5"
    html = client.get(reverse("governance:national")).content.decode()
    assert _figure(html, "sessions_offered") == "12"


def test_scrutiny_figures_appear_as_the_selector_returns_them(governance_member, monkeypatch) -> None:  # type: ignore[no-untyped-def]
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

    def fake(*, viewer, area=None):  # type: ignore[no-untyped-def]
        seen["viewer"] = viewer
        return stats

    monkeypatch.setattr(figures, "governance_stats", fake)
    html = signed_in_client(governance_member).get(reverse("governance:national")).content.decode()
    assert seen["viewer"] == governance_member  # read as the viewer
    assert _figure(html, "cases_reviewed") == "14"
    for text in ("Victim care", "Good practice", "Score 3", "Test Constabulary", "Overdue"):
        assert text in html
    assert html.count('govuk-table__cell--numeric">suppressed</td>') >= 2  # score 2, then score 4


def test_without_scrutiny_access_the_section_says_so(governance_member, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(figures, "governance_stats", lambda **kw: {})
    html = signed_in_client(governance_member).get(reverse("governance:national")).content.decode()
    assert "These figures are not available to you." in html


def test_area_governance_member_sees_only_their_area(area_governance_member, area, other_area) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(area_governance_member)
    assert client.get(reverse("governance:area", args=[area.pk])).status_code == 200
    assert client.get(reverse("governance:area", args=[other_area.pk])).status_code == 403
    assert client.get(reverse("governance:national")).status_code == 403
    index = client.get(reverse("governance:index")).content.decode()
    assert area.name in index and other_area.name not in index
    assert client.get(reverse("governance:area", args=[999999])).status_code == 404


def test_people_without_governance_access_are_refused(isva, host, coordinator, area) -> None:  # type: ignore[no-untyped-def]
    for user in (isva, host, coordinator):
        client = signed_in_client(user)
        for url in (reverse("governance:national"), reverse("governance:area", args=[area.pk])):
            assert client.get(url).status_code == 403


def test_dashboard_query_count_does_not_grow_with_data(
    governance_member, cps_agency, other_isva_agency
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(governance_member)
    url = reverse("governance:national")
    _sessions(cps_agency, 1, bookings=1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _sessions(cps_agency, 15, bookings=3)
    _sessions(other_isva_agency, 15, bookings=2)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)


def test_the_figures_fragment_matches_the_page(governance_member, cps_agency) -> None:  # type: ignore[no-untyped-def]
    _sessions(cps_agency, 6)
    client = signed_in_client(governance_member)
    fragment = client.get(reverse("governance:national-figures")).content.decode()
    assert "<html" not in fragment
    assert _figure(fragment, "sessions_offered") == "6"
