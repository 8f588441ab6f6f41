"""What every signed-in page pays before its own work (issue 8: the "chrome"), per role, warm: the
user row, and for two-factor roles django-otp's device row. The session, the permission sets and
the unread badge come from the cache (ADR 0008)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies import mfa
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db

PAGE = "/account/notifications/"  # the chrome plus one query of its own: the list


@pytest.mark.parametrize(
    "role", ["isva", "host", "editor", "coordinator", "panel_member", "governance_member", "platform_admin"]
)
def test_the_chrome_is_the_user_row_and_the_second_factor_device(
    role: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(role)
    client = signed_in_client(user)
    assert client.get(PAGE).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE).status_code == 200
    tables = [q["sql"].split(" FROM ", 1)[1].split()[0].strip('"') for q in captured.captured_queries]
    chrome = ["agencies_user", "otp_totp_totpdevice"] if mfa.needs_mfa(user) else ["agencies_user"]
    assert tables == [*chrome, "agencies_notification"], tables
