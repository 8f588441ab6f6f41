"""Invitations: signed, single-use, expiring, revocable, only to the agency's allowed domains;
accepting sets a validated password and, for MFA roles, leads straight to MFA enrolment."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from agencies import services
from agencies.audit import Action
from agencies.models import Agency, Invitation, User
from agencies.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "violet-harbour-lantern-47"


def domain(agency: Agency) -> str:
    return agency.allowed_email_domains[0]


def send(
    admin: User, agency: Agency, role: Role = Role.ISVA, local: str = "newcomer"
) -> tuple[Invitation, str]:
    return services.invitation_send(
        actor=admin, agency=agency, email=f"{local}@{domain(agency)}", role=role.value
    )


def accept_url(token: str) -> str:
    return f"/account/invitation/{token}/"


def form(password: str = GOOD_PASSWORD) -> dict[str, str]:
    return {"first_name": "Ash", "last_name": "Rowan", "new_password1": password, "new_password2": password}


def test_admin_invites_through_the_page_and_the_email_carries_a_working_link(
    client_for, platform_admin: User, isva_agency: Agency, django_capture_on_commit_callbacks
) -> None:
    admin = client_for(platform_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"/account/manage/agencies/{isva_agency.pk}/invite/",
            {"email": f"Newcomer@{domain(isva_agency).upper()}", "role": "ISVA"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == f"newcomer@{domain(isva_agency)}"
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/account/invitation/(\S+)/", mail.outbox[0].body)
    assert link is not None
    token = link.group(1)
    # Only a hash of the link's secret is stored.
    assert token not in invitation.secret_hash and len(invitation.secret_hash) == 64
    entry = ModelLogEntry.objects.get(action=Action.INVITATION_SENT)
    assert entry.data == {"agency_id": isva_agency.pk, "invitation_id": invitation.pk, "role": "ISVA"}
    assert token not in str(entry.data)


def test_accepting_creates_the_account_in_the_agency_and_role_and_signs_in(
    platform_admin: User, isva_agency: Agency
) -> None:
    invitation, token = send(platform_admin, isva_agency)
    client = Client()
    page = client.get(accept_url(token))
    assert page.status_code == 200
    assert isva_agency.name in page.content.decode()
    response = client.post(accept_url(token), form())
    assert response.status_code == 302
    user = User.objects.get(email=invitation.email)
    assert user.agency == isva_agency
    assert list(user.groups.values_list("name", flat=True)) == ["ISVA"]
    assert user.check_password(GOOD_PASSWORD)
    assert get_user(client).pk == user.pk
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.accepted_user == user
    assert ModelLogEntry.objects.filter(action=Action.INVITATION_ACCEPTED, object_id=str(user.pk)).exists()


def test_invitation_is_single_use(platform_admin: User, isva_agency: Agency) -> None:
    _invitation, token = send(platform_admin, isva_agency)
    assert Client().post(accept_url(token), form()).status_code == 302
    again = Client()
    assert again.get(accept_url(token)).status_code == 404
    assert again.post(accept_url(token), form()).status_code == 404
    assert User.objects.filter(email__startswith="newcomer@").count() == 1


def test_invitation_expires_after_72_hours(platform_admin: User, isva_agency: Agency) -> None:
    _invitation, token = send(platform_admin, isva_agency)
    with time_machine.travel(timezone.now() + timedelta(hours=71, minutes=59)):
        assert Client().get(accept_url(token)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=72, minutes=1)):
        assert Client().get(accept_url(token)).status_code == 404
        assert Client().post(accept_url(token), form()).status_code == 404


def test_revoked_invitation_no_longer_works(client_for, platform_admin: User, isva_agency: Agency) -> None:
    invitation, token = send(platform_admin, isva_agency)
    response = client_for(platform_admin).post(f"/account/manage/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    assert Client().get(accept_url(token)).status_code == 404
    assert ModelLogEntry.objects.filter(action=Action.INVITATION_REVOKED).count() == 1
    with pytest.raises(ValidationError):
        services.invitation_revoke(actor=platform_admin, invitation=invitation)


@pytest.mark.parametrize(
    "token",
    ["", "x", "eyJpIjoxfQ:1tX:forged", "not-even-base64!!", "a" * 400],
)
def test_forged_tokens_show_the_same_not_valid_page(
    platform_admin: User, isva_agency: Agency, token: str
) -> None:
    send(platform_admin, isva_agency)
    response = (
        Client().get(f"/account/invitation/{token}/") if token else Client().get("/account/invitation/x/")
    )
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_token_with_wrong_secret_is_refused(platform_admin: User, isva_agency: Agency) -> None:
    invitation, _token = send(platform_admin, isva_agency)
    forged = services.invitation_token(invitation=invitation, secret="guessed")
    assert services.invitation_from_token(forged) is None


def test_only_allowed_domains_can_be_invited(platform_admin: User, isva_agency: Agency) -> None:
    with pytest.raises(ValidationError, match="allowed domains"):
        services.invitation_send(
            actor=platform_admin, agency=isva_agency, email="someone@gmail.example", role="ISVA"
        )
    with pytest.raises(ValidationError, match="allowed domains"):
        services.invitation_send(
            actor=platform_admin, agency=isva_agency, email=f"someone@evil.{domain(isva_agency)}", role="ISVA"
        )


def test_domain_removed_after_sending_blocks_acceptance(platform_admin: User, isva_agency: Agency) -> None:
    _invitation, token = send(platform_admin, isva_agency)
    isva_agency.allowed_email_domains = ["elsewhere.example.org"]
    isva_agency.save()
    response = Client().post(accept_url(token), form())
    assert response.status_code == 200
    assert "no longer allows" in response.content.decode()
    assert not User.objects.filter(email__startswith="newcomer@").exists()


def test_invite_page_shows_errors_for_bad_input(
    client_for, platform_admin: User, isva_agency: Agency
) -> None:
    admin = client_for(platform_admin)
    url = f"/account/manage/agencies/{isva_agency.pk}/invite/"
    for data in (
        {},
        {"email": "not-an-email", "role": "ISVA"},
        {"email": "x@gmail.example", "role": "ISVA"},
        {"email": f"x@{domain(isva_agency)}", "role": "Emperor"},
    ):
        response = admin.post(url, data)
        assert response.status_code == 400, data
        body = response.content.decode()
        assert "govuk-error-summary" in body and "<title>Error:" in body
    assert not Invitation.objects.exists()


def test_password_rules_apply_on_acceptance(platform_admin: User, isva_agency: Agency) -> None:
    _invitation, token = send(platform_admin, isva_agency)
    for password in ("short", "password1234", "123456789012"):
        response = Client().post(accept_url(token), form(password))
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()
    mismatch = Client().post(accept_url(token), {**form(), "new_password2": "something-else-entirely"})
    assert "The passwords do not match" in mismatch.content.decode()
    assert not User.objects.filter(email__startswith="newcomer@").exists()


def test_only_account_managers_can_invite(isva: User, coordinator: User, isva_agency: Agency) -> None:
    for actor in (isva, coordinator):
        with pytest.raises(PermissionDenied):
            services.invitation_send(
                actor=actor, agency=isva_agency, email=f"a@{domain(isva_agency)}", role="ISVA"
            )


def test_inviting_an_existing_account_is_refused(platform_admin: User, isva_agency: Agency) -> None:
    existing = UserFactory(email=f"taken@{domain(isva_agency)}", agency=isva_agency)
    with pytest.raises(ValidationError, match="already an account"):
        services.invitation_send(actor=platform_admin, agency=isva_agency, email=existing.email, role="ISVA")


def test_mfa_role_invitee_goes_straight_to_enrolment(platform_admin: User, cps_agency: Agency) -> None:
    _invitation, token = send(platform_admin, cps_agency, role=Role.PANEL_MEMBER, local="member")
    client = Client()
    assert client.post(accept_url(token), form()).status_code == 302
    response = client.get("/scrutiny/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/set-up/")
    assert client.get("/api/v1/account/notifications").status_code == 403


def test_signed_in_person_cannot_accept(
    client_for, isva: User, platform_admin: User, isva_agency: Agency
) -> None:
    _invitation, token = send(platform_admin, isva_agency)
    assert client_for(isva).get(accept_url(token)).status_code == 409
