"""Session rotated on privilege change (agencies.access_state): after a role, agency, active flag or
two-factor change, the person's next request gets a new session key and the old key is dead."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import Group
from django.test import Client

from agencies import services
from agencies.models import Agency, User
from agencies.roles import Role

pytestmark = pytest.mark.django_db

PAGE = "/account/notifications/"


def _key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _client_with_key(key: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def test_key_is_stable_while_nothing_changes(client_for, isva: User) -> None:
    client = client_for(isva)
    before = _key(client)
    for _ in range(3):
        assert client.get(PAGE).status_code == 200
    assert _key(client) == before


def test_role_grant_rotates_the_session_and_the_old_key_is_useless(
    client_for, platform_admin: User, isva: User
) -> None:
    client = client_for(isva)
    assert client.get(PAGE).status_code == 200
    captured = _key(client)
    services.role_grant(actor=platform_admin, user=isva, role=Role.DROPIN_HOST.value)
    response = client.get(PAGE)
    assert response.status_code == 200  # still signed in...
    assert _key(client) != captured  # ...with a new key
    assert get_user(client).pk == isva.pk
    stolen = _client_with_key(captured).get(PAGE)
    assert stolen.status_code == 302 and stolen["Location"].startswith("/account/sign-in/")


def test_role_removal_rotates_too(client_for, platform_admin: User, isva: User) -> None:
    client = client_for(isva)
    captured = _key(client)
    services.role_remove(actor=platform_admin, user=isva, role=Role.ISVA.value)
    assert client.get(PAGE).status_code == 200
    assert _key(client) != captured
    assert _client_with_key(captured).get(PAGE).status_code == 302


def test_changes_made_outside_the_services_count(client_for, isva: User, other_isva_agency: Agency) -> None:
    """Wagtail's user editor and the shell change groups and fields directly: signals catch them."""
    client = client_for(isva)
    keys = [_key(client)]
    Group.objects.get(name=Role.DROPIN_HOST.value).user_set.add(isva)  # from the group's side
    client.get(PAGE)
    keys.append(_key(client))
    isva.agency = other_isva_agency
    isva.save()
    client.get(PAGE)
    keys.append(_key(client))
    isva.groups.clear()
    client.get(PAGE)
    keys.append(_key(client))
    assert len(set(keys)) == 4
    isva.first_name = "Renamed"  # not a privilege: no rotation
    isva.save()
    client.get(PAGE)
    assert _key(client) == keys[-1]


def test_mfa_reset_rotates_and_sends_the_person_to_enrol(
    client_for, platform_admin: User, panel_member: User
) -> None:
    client = client_for(panel_member)
    assert client.get(PAGE).status_code == 200
    captured = _key(client)
    services.mfa_reset(actor=platform_admin, user=panel_member)
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/set-up/")
    assert _key(client) != captured
    assert _client_with_key(captured).get(PAGE)["Location"].startswith("/account/sign-in/")


def test_deactivation_signs_out_every_session(client_for, platform_admin: User, isva: User) -> None:
    client = client_for(isva)
    captured = _key(client)
    services.account_deactivate(actor=platform_admin, user=isva)
    for stale in (client, _client_with_key(captured)):
        response = stale.get(PAGE)
        assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")
