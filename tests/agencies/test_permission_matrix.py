"""Runs tests/agencies/matrix.py: each URL × each role × own/other-agency object → the expected
status. One test per URL row, reporting every mismatch at once; never a 500."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from agencies import services
from agencies.models import Agency, AgencyKind, User
from agencies.roles import Role
from tests.agencies.matrix import FOUND, ROLES, ROWS, Row
from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, AreaFactory, UserFactory

pytestmark = pytest.mark.django_db

_counter = itertools.count()


@dataclass
class World:
    users: dict[str, User | None]
    home_agency: Agency  # stands in for "own" for anonymous visitors
    far_agency: Agency  # an agency none of the role users belongs to
    admin: User
    extra: list[Any] = field(default_factory=list)

    def agency_for(self, user: User | None) -> Agency:
        return user.agency if user is not None else self.home_agency

    def fresh_email(self, agency: Agency) -> str:
        return f"new{next(_counter)}@{agency.allowed_email_domains[0]}"

    def new_person(self, agency: Agency, role: str = Role.ISVA.value) -> User:
        return UserFactory(email=self.fresh_email(agency), agency=agency, roles=[Role(role)])

    def new_invitation(self, agency: Agency) -> Any:
        invitation, _token = services.invitation_send(
            actor=self.admin, agency=agency, email=self.fresh_email(agency), role=Role.ISVA.value
        )
        return invitation

    def new_invitation_token(self, agency: Agency) -> str:
        _invitation, token = services.invitation_send(
            actor=self.admin, agency=agency, email=self.fresh_email(agency), role=Role.ISVA.value
        )
        return token


@pytest.fixture
def world(
    isva, host, coordinator, panel_member, governance_member, editor, platform_admin, agency_admin, other_area
) -> World:
    police = AgencyFactory(name="Other Constabulary", kind=AgencyKind.POLICE_FORCE, area=other_area)
    panel_other = UserFactory(
        email="panel@other-police.example.org", agency=police, roles=[Role.PANEL_MEMBER]
    )
    far = AgencyFactory(name="Far Away Unit", kind=AgencyKind.CPS_AREA, area=AreaFactory(code="far"))
    return World(
        users={
            "anonymous": None,
            "isva": isva,
            "host": host,
            "coordinator": coordinator,
            "panel_this": panel_member,
            "panel_other": panel_other,
            "governance": governance_member,
            "editor": editor,
            "admin": platform_admin,
            "agency_admin": agency_admin,
        },
        home_agency=isva.agency,
        far_agency=far,
        admin=platform_admin,
    )


def _client(user: User | None) -> Client:
    return Client() if user is None else signed_in_client(user)


def _call(row: Row, world: World, role: str, scope: str) -> tuple[int, str]:
    user = world.users[role]
    kwargs = row.kwargs(world, user, scope) if row.kwargs else {}
    data = row.data(world, user, scope) if row.data else {}
    args = kwargs.pop("args", None)
    url = reverse(row.name, args=args) if args is not None else reverse(row.name, kwargs=kwargs)
    client = _client(user)
    response = client.post(url, data) if row.method == "post" else client.get(url, data)
    return response.status_code, response.get("Location", "")


def _param(row: Row) -> Any:
    marks = [pytest.mark.django_db(transaction=True)] if row.transactional else []
    return pytest.param(row, marks=marks, id=f"{row.name}{'~' + row.note if row.note else ''}")


@pytest.mark.parametrize("row", [_param(row) for row in ROWS])
def test_permission_matrix(row: Row, world: World, home_page) -> None:
    mismatches = []
    for role, scope in itertools.product(ROLES, row.scopes):
        status, location = _call(row, world, role, scope)
        expected = row.expected(role, scope)
        if status >= 500 or status != expected:
            mismatches.append(f"{role}/{scope}: expected {expected}, got {status} {location}")
        elif (
            role == "anonymous"
            and status == FOUND
            and row.name != "agencies:sign-out"
            and not location.startswith("/account/sign-in/")
        ):
            mismatches.append(f"anonymous/{scope}: redirected to {location}, not to sign-in")
    assert not mismatches, f"{row.name} ({row.method.upper()}):\n" + "\n".join(mismatches)


def test_matrix_has_every_role_in_every_row() -> None:
    for row in ROWS:
        assert set(row.statuses) == set(ROLES), row.name
