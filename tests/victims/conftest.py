import pytest

from agencies.models import Agency, AgencyKind, User
from agencies.roles import Role
from agencies.victims.models import Court, VloTeam
from tests.factories import AgencyFactory, UserFactory
from tests.factories.victims import CourtFactory, VloTeamFactory


@pytest.fixture
def vlo(roles, cps_agency) -> User:
    return UserFactory(email="vlo@test-rasso-unit.example.org", agency=cps_agency, roles=[Role.VLO])


@pytest.fixture
def area_lead(roles, cps_agency) -> User:
    """Area lead of `area` (the `cps_agency` fixture's area)."""
    return UserFactory(email="lead@test-rasso-unit.example.org", agency=cps_agency, roles=[Role.AREA_LEAD])


@pytest.fixture
def other_cps_agency(other_area) -> Agency:
    return AgencyFactory(name="Other RASSO Unit", kind=AgencyKind.CPS_AREA, area=other_area)


@pytest.fixture
def other_area_lead(roles, other_cps_agency) -> User:
    return UserFactory(
        email="lead@other-rasso-unit.example.org", agency=other_cps_agency, roles=[Role.AREA_LEAD]
    )


@pytest.fixture
def court(area) -> Court:
    return CourtFactory(area=area, name="North Crown Court")


@pytest.fixture
def other_court(other_area) -> Court:
    return CourtFactory(area=other_area, name="South Magistrates' Court")


@pytest.fixture
def team(area, court, cps_agency) -> VloTeam:
    return VloTeamFactory(
        area=area,
        team_name="North Victim Liaison Unit",
        mailbox="vlo@test-rasso-unit.example.org",
        courts=[court],
    )


@pytest.fixture
def other_team(other_area, other_court, other_cps_agency) -> VloTeam:
    return VloTeamFactory(
        area=other_area,
        team_name="South Victim Liaison Unit",
        mailbox="vlo@other-rasso-unit.example.org",
        courts=[other_court],
    )


# Pre-trial meetings ---------------------------------------------------------------------------------


@pytest.fixture
def police_agency(area) -> Agency:
    return AgencyFactory(name="Test Police Force", kind=AgencyKind.POLICE_FORCE, area=area)


@pytest.fixture
def police_officer(roles, police_agency) -> User:
    return UserFactory(email="oic@test-police.example.org", agency=police_agency, roles=[Role.POLICE_OFFICER])


@pytest.fixture
def isva_colleague(roles, isva_agency) -> User:
    """Another ISVA in the `isva` fixture's agency: not an administrator."""
    return UserFactory(email="colleague@test-isva.example.org", agency=isva_agency, roles=[Role.ISVA])


@pytest.fixture
def other_area_vlo(roles, other_cps_agency) -> User:
    return UserFactory(email="vlo@other-rasso-unit.example.org", agency=other_cps_agency, roles=[Role.VLO])


@pytest.fixture
def meeting_request(isva, area):
    """A request by `isva` to `area`'s VLO team, with two preferred times."""
    from tests.victims.meetings_helpers import make_request

    return make_request(isva, area)
