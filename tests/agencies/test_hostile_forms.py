"""Hostile input on every account form: sign-in, password reset (request and new password), MFA
enrolment and check, invitation acceptance, account management (invite, grant and remove a role,
body-less account actions), notifications and "stay signed in". See tests/hostile.py."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import given
from hypothesis import strategies as st

from agencies import services
from agencies.roles import ROLE_TABLE
from tests.conftest import signed_in_client
from tests.factories.agencies import TEST_PASSWORD
from tests.hostile import HOSTILE_SETTINGS, check_post, form_body, models_of

pytestmark = pytest.mark.django_db

# People, their roles and invitations. Failed sign-ins and codes are recorded by design (lockout
# counters, the audit log, the authenticator's throttle), so those tables are not in the snapshot.
TABLES = models_of("agencies.User", "agencies.User_groups", "agencies.Invitation", "agencies.Agency")
ROLES = [role.value for role in ROLE_TABLE]
PASSWORD = "violet-harbour-lantern-47"


@HOSTILE_SETTINGS
@given(
    data=form_body(
        {
            "username": ["isva@test-isva.example.org", "nobody@example.org"],
            "password": [TEST_PASSWORD, "wrong"],
            "next": ["/", "//evil.example/"],
        }
    )
)
def test_sign_in_form(isva, data) -> None:
    response = check_post(Client(), reverse("agencies:sign-in"), data, TABLES)
    if response.status_code == 302:
        assert not response["Location"].startswith("//") and "evil" not in response["Location"]


@HOSTILE_SETTINGS
@given(data=form_body({"email": ["isva@test-isva.example.org", "nobody@example.org"]}))
def test_password_reset_request_form(isva, data) -> None:
    check_post(Client(), reverse("agencies:password-reset"), data, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({"new_password1": [PASSWORD, "short"], "new_password2": [PASSWORD]}))
def test_new_password_form(isva, data) -> None:
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(isva.pk))
    token = default_token_generator.make_token(isva)
    landing = client.get(reverse("agencies:password-reset-confirm", args=[uid, token]))
    assert landing.status_code == 302  # Django moves the token into the session
    check_post(client, landing["Location"], data, TABLES)


CODE = {"code": ["123456", "000000", "abcd-efgh", " 12 34 56 "]}


@HOSTILE_SETTINGS
@given(data=form_body(CODE))
def test_mfa_enrolment_form(coordinator, data) -> None:
    client = Client()
    client.force_login(coordinator)
    assert client.get(reverse("agencies:mfa-setup")).status_code == 200
    check_post(client, reverse("agencies:mfa-setup"), data, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({**CODE, "next": ["/", "https://evil.example/"]}))
def test_mfa_check_form(coordinator, data) -> None:
    signed_in_client(coordinator)  # gives the account an authenticator
    client = Client()
    client.force_login(coordinator)
    response = check_post(client, reverse("agencies:mfa-verify"), data, TABLES)
    if response.status_code == 302:
        assert response["Location"].startswith("/") and not response["Location"].startswith("//")


@pytest.fixture
def invitation_token(platform_admin, isva_agency) -> str:
    _invitation, token = services.invitation_send(
        actor=platform_admin,
        agency=isva_agency,
        email=f"newcomer@{isva_agency.allowed_email_domains[0]}",
        role="ISVA",
    )
    return token


@HOSTILE_SETTINGS
@given(
    data=form_body(
        {
            "first_name": ["Ash", "\u202eAsh"],
            "last_name": ["Rowan"],
            "new_password1": [PASSWORD],
            "new_password2": [PASSWORD],
        }
    ),
    token_suffix=st.sampled_from(["", "x", "\x00", ":" + "a" * 2000]),
)
def test_invitation_acceptance_form(invitation_token, data, token_suffix) -> None:
    url = reverse("agencies:invitation-accept", args=[invitation_token + token_suffix.replace("\x00", "%00")])
    check_post(Client(), url, data, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({"email": ["newcomer@test-isva.example.org", "x@elsewhere.example"], "role": ROLES}))
def test_invitation_form(platform_admin, isva_agency, data) -> None:
    client = signed_in_client(platform_admin)
    check_post(client, reverse("agencies:manage-invite", args=[isva_agency.pk]), data, TABLES)
    check_post(client, reverse("agencies:manage-invite", args=[2**62]), data, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({}))
def test_invitation_revoke_ignores_any_body(platform_admin, invitation_token, data) -> None:
    from agencies.models import Invitation

    invitation = Invitation.objects.get()
    url = reverse("agencies:manage-invitation-revoke", args=[invitation.pk])
    check_post(signed_in_client(platform_admin), url, data, TABLES)
    check_post(
        signed_in_client(platform_admin),
        reverse("agencies:manage-invitation-revoke", args=[2**62]),
        data,
        TABLES,
    )


@HOSTILE_SETTINGS
@given(which=st.sampled_from(["manage-role-grant", "manage-role-remove"]), data=form_body({"role": ROLES}))
def test_role_forms(platform_admin, agency_admin, isva, other_agency_isva, which, data) -> None:
    client = signed_in_client(platform_admin)
    check_post(client, reverse(f"agencies:{which}", args=[isva.pk]), data, TABLES)
    # An agency administrator: their own agency's people only, whatever the body says.
    own = signed_in_client(agency_admin)
    check_post(own, reverse(f"agencies:{which}", args=[isva.pk]), data, TABLES)
    refused = check_post(own, reverse(f"agencies:{which}", args=[other_agency_isva.pk]), data, TABLES)
    assert 400 <= refused.status_code < 500


BODYLESS = ["manage-deactivate", "manage-reactivate", "manage-mfa-reset", "manage-unlock"]


@HOSTILE_SETTINGS
@given(which=st.sampled_from(BODYLESS), data=form_body({}))
def test_account_actions_ignore_any_body(platform_admin, isva, which, data) -> None:
    client = signed_in_client(platform_admin)
    check_post(client, reverse(f"agencies:{which}", args=[isva.pk]), data, TABLES)
    # An administrator acting on themselves, and on no one.
    check_post(client, reverse(f"agencies:{which}", args=[platform_admin.pk]), data, TABLES)
    check_post(client, reverse(f"agencies:{which}", args=[2**62]), data, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({"next": ["/", "//evil.example/", "javascript:alert(1)"]}))
def test_notifications_and_session_extend(isva, data) -> None:
    client = signed_in_client(isva)
    check_post(client, reverse("agencies:notifications-read"), data, models_of("agencies.User"))
    response = check_post(client, reverse("agencies:session-extend"), data, TABLES)
    assert response.status_code == 302
    assert response["Location"].startswith("/") and not response["Location"].startswith("//")
