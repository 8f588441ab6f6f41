"""A sampled permission matrix for Wagtail's own admin URLs (exempt from tests/test_url_coverage.py):
who gets into the CMS at all, who manages users, who sees the site history."""

from __future__ import annotations

import pytest

from tests.agencies.matrix import FOUND, OK, ROLES, expect
from tests.agencies.test_permission_matrix import World, _client, world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

CMS_USERS = ("governance", "editor", "admin")

SAMPLED = {
    # Only roles with CMS access get in; the rest are sent away (never shown the admin).
    "/cms/": expect(FOUND, **dict.fromkeys(CMS_USERS, OK)),
    "/cms/reports/site-history/": expect(FOUND, **dict.fromkeys(CMS_USERS, OK)),
    # Managing Wagtail users is for platform administrators only.
    "/cms/users/": expect(FOUND, admin=OK),
    "/cms/agencies/": expect(FOUND, admin=OK),
}


@pytest.mark.parametrize("path", list(SAMPLED))
def test_sampled_wagtail_admin_matrix(path: str, world: World, home_page) -> None:  # noqa: F811
    mismatches = []
    for role in ROLES:
        response = _client(world.users[role]).get(path)
        expected = SAMPLED[path][role]
        if response.status_code != expected:
            mismatches.append(f"{role}: expected {expected}, got {response.status_code}")
        if role == "anonymous" and not response.get("Location", "").startswith("/account/sign-in/"):
            mismatches.append(f"anonymous: redirected to {response.get('Location')}")
    assert not mismatches, f"{path}:\n" + "\n".join(mismatches)
