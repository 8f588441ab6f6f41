"""Permission matrix for every governance URL: each role gets exactly the expected status (never a
500, never an unexpected 200). "Own" objects are the area the person's agency is in and export
jobs they asked for; "other" ones belong to another area or person."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from scrutiny.governance.models import ExportJob, ExportStatus
from tests.conftest import signed_in_client
from tests.governance.matrix import COVERED_URL_NAMES

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "isva",
    "host",
    "coordinator",
    "panel_member",
    "governance_member",
    "area_governance_member",
    "editor",
    "platform_admin",
]
NATIONAL_BOARD = {"governance_member"}
AREA_BOARD = {"governance_member", "area_governance_member"}

# (url name, method, which object, who gets 200/302) - anyone else signed in gets `refused`.
CASES: list[tuple[str, str, str, set[str], int, int]] = [
    # name, method, target, allowed roles, allowed status, refused status
    ("governance:index", "get", "-", AREA_BOARD, 200, 403),
    ("governance:national", "get", "-", NATIONAL_BOARD, 200, 403),
    ("governance:national-figures", "get", "-", NATIONAL_BOARD, 200, 403),
    ("governance:national-export", "post", "-", NATIONAL_BOARD, 302, 403),
    ("governance:area", "get", "own-area", AREA_BOARD, 200, 403),
    ("governance:area", "get", "other-area", NATIONAL_BOARD, 200, 403),
    ("governance:area-figures", "get", "own-area", AREA_BOARD, 200, 403),
    ("governance:area-figures", "get", "other-area", NATIONAL_BOARD, 200, 403),
    ("governance:area-export", "post", "own-area", AREA_BOARD, 302, 403),
    ("governance:area-export", "post", "other-area", NATIONAL_BOARD, 302, 403),
    ("governance:export-detail", "get", "own-job", AREA_BOARD, 200, 404),
    ("governance:export-detail", "get", "other-job", set(), 200, 404),
    ("governance:export-download", "get", "own-job", AREA_BOARD, 200, 404),
    ("governance:export-download", "get", "other-job", set(), 200, 404),
    ("governance:digest", "get", "-", set(ROLES) - {"anonymous"}, 200, 403),
    ("governance:digest", "post", "-", set(ROLES) - {"anonymous"}, 302, 403),
]


def test_every_covered_url_is_in_the_matrix() -> None:
    assert {case[0] for case in CASES} == COVERED_URL_NAMES


def _args(target: str, request: Any, user: Any, area: Any, other_area: Any, other_owner: Any) -> list[int]:
    if target == "own-area":
        return [area.pk]
    if target == "other-area":
        return [other_area.pk]
    if target in {"own-job", "other-job"}:
        owner = user if target == "own-job" and user is not None else other_owner
        job = ExportJob.objects.create(
            requested_by=owner, area=area, format="csv", status=ExportStatus.READY, content=b"x"
        )
        return [job.pk]
    return []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "target", "allowed", "ok", "refused"), CASES)
def test_matrix(request, role, name, method, target, allowed, ok, refused, area, other_area, roles) -> None:
    user = None if role == "anonymous" else request.getfixturevalue(role)
    if role == "area_governance_member":
        assert user.agency.area_id == area.pk
    other_owner = (
        request.getfixturevalue("governance_member")
        if role != "governance_member"
        else request.getfixturevalue("platform_admin")
    )
    client = Client() if user is None else signed_in_client(user)
    url = reverse(name, args=_args(target, request, user, area, other_area, other_owner))
    data = {"format": "csv"} if "export" in name else {"frequency": "daily"}
    response = client.post(url, data) if method == "post" else client.get(url)
    if user is None:
        assert response.status_code == 302 and "/account/sign-in/" in response["Location"], (
            role,
            name,
            target,
        )
    else:
        expected = ok if role in allowed else refused
        assert response.status_code == expected, (role, name, target, response.status_code)
