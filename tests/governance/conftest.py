"""Governance fixtures: a governance member whose agency is in an area (sees that area only)."""

from __future__ import annotations

import pytest

from agencies.models import AgencyKind, User
from agencies.roles import Role
from tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def area_governance_member(roles, area) -> User:
    agency = AgencyFactory(name="Test Area Constabulary", kind=AgencyKind.POLICE_FORCE, area=area)
    return UserFactory(email="board@test-police.example.org", agency=agency, roles=[Role.GOVERNANCE_MEMBER])


@pytest.fixture
def world(roles, area, other_area, cps_agency, coordinator):
    """The scrutiny engineer's complete scrutiny world (a panel, released cases, a meeting under
    way with a chair, a finding and an overdue action)."""
    from tests.scrutiny.conftest import build_world

    return build_world(area=area, other_area=other_area, cps_agency=cps_agency, coordinator=coordinator)


@pytest.fixture(autouse=True)
def _fresh_dashboard_frames():
    """Each test's events start their sequence numbers again: forget frames rendered before."""
    from scrutiny.governance.consumers import clear_frames

    clear_frames()
    yield
