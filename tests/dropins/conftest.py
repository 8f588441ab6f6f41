from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.dropins.models import DropInSchedule, DropInSession
from tests.factories.dropins import DropInScheduleFactory, DropInSessionFactory


@pytest.fixture
def schedule(cps_agency, area) -> DropInSchedule:
    """A schedule hosted by the `host` fixture's agency, open to ISVAs in `area`."""
    return DropInScheduleFactory(host_agency=cps_agency, allowed_areas=[area])


@pytest.fixture
def other_schedule(other_area) -> DropInSchedule:
    """A schedule of another CPS unit, open only to `other_area` (not to `isva`)."""
    from tests.factories import AgencyFactory

    agency = AgencyFactory(name="Other RASSO Unit", area=other_area)
    return DropInScheduleFactory(host_agency=agency, allowed_areas=[other_area])


@pytest.fixture
def session(schedule) -> DropInSession:
    return DropInSessionFactory(schedule=schedule, starts_at=timezone.now() + timedelta(days=3), capacity=2)


@pytest.fixture
def other_session(other_schedule) -> DropInSession:
    return DropInSessionFactory(schedule=other_schedule, starts_at=timezone.now() + timedelta(days=3))


@pytest.fixture
def make_isva(roles, isva_agency):
    """Make more ISVAs in `area` (the same agency as the `isva` fixture)."""
    from agencies.roles import Role
    from tests.factories import UserFactory

    def make(n: int = 1) -> list:
        return [UserFactory(agency=isva_agency, roles=[Role.ISVA]) for _ in range(n)]

    return make


@pytest.fixture
def other_host(roles, other_area):
    """A drop-in host in another agency (and area): other-agency objects are invisible to them."""
    from agencies.roles import Role
    from tests.factories import AgencyFactory, UserFactory

    return UserFactory(
        email="host@other-cps.example.org",
        agency=AgencyFactory(name="Other CPS Unit", area=other_area),
        roles=[Role.DROPIN_HOST],
    )
