"""Agency administrators: they manage the accounts of their own agency only (invitations to its
allowed domains, roles below administrator, deactivation), never another agency's, never an
administrator's, and never case content. The permission matrix covers every URL; these tests pin
the service layer (the second check behind each view) and the pages' scoping."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from agencies import demo, mfa, permissions, services
from agencies.models import Agency, User
from agencies.permissions import Perm, has
from agencies.roles import ADMINISTRATOR_ROLES, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _member(agency: Agency, role: Role = Role.ISVA, name: str = "member") -> User:
    return UserFactory(email=f"{name}@{agency.allowed_email_domains[0]}", agency=agency, roles=[role])


def test_agency_admin_needs_mfa_and_holds_no_case_rights(agency_admin: User) -> None:
    assert mfa.needs_mfa(agency_admin)
    for perm in (
        Perm.BOOK_DROPINS,
        Perm.HOST_DROPINS,
        Perm.COORDINATE_CASES,
        Perm.SIT_ON_PANELS,
        Perm.VIEW_GOVERNANCE,
        Perm.MANAGE_ACCOUNTS,
        Perm.ACCESS_CMS,
    ):
        assert not has(agency_admin, perm), perm
    assert has(agency_admin, Perm.MANAGE_OWN_AGENCY)
    assert agency_admin.get_all_permissions() == {Perm.MANAGE_OWN_AGENCY.value}


def test_agency_admin_invites_to_own_agency_only(
    agency_admin: User, other_isva_agency: Agency, django_capture_on_commit_callbacks
) -> None:
    own = agency_admin.agency
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _token = services.invitation_send(
            actor=agency_admin, agency=own, email=f"new@{own.allowed_email_domains[0]}", role=Role.ISVA.value
        )
    assert invitation.agency_id == own.pk
    with pytest.raises(PermissionDenied):
        services.invitation_send(
            actor=agency_admin,
            agency=other_isva_agency,
            email=f"new@{other_isva_agency.allowed_email_domains[0]}",
            role=Role.ISVA.value,
        )
    for role in ADMINISTRATOR_ROLES:
        with pytest.raises(PermissionDenied):
            services.invitation_send(
                actor=agency_admin, agency=own, email=f"boss@{own.allowed_email_domains[0]}", role=role.value
            )


def test_agency_admin_revokes_only_own_agency_invitations(
    agency_admin: User, platform_admin: User, other_isva_agency: Agency
) -> None:
    own = agency_admin.agency
    mine, _ = services.invitation_send(
        actor=platform_admin, agency=own, email=f"a@{own.allowed_email_domains[0]}", role="ISVA"
    )
    theirs, _ = services.invitation_send(
        actor=platform_admin,
        agency=other_isva_agency,
        email=f"b@{other_isva_agency.allowed_email_domains[0]}",
        role="ISVA",
    )
    services.invitation_revoke(actor=agency_admin, invitation=mine)
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(actor=agency_admin, invitation=theirs)
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_agency_admin_grants_and_removes_roles_below_administrator(
    agency_admin: User, other_agency_isva: User
) -> None:
    person = _member(agency_admin.agency)
    assert services.role_grant(actor=agency_admin, user=person, role=Role.DROPIN_HOST.value)
    assert services.role_remove(actor=agency_admin, user=person, role=Role.DROPIN_HOST.value)
    for role in ADMINISTRATOR_ROLES:
        with pytest.raises(PermissionDenied):
            services.role_grant(actor=agency_admin, user=person, role=role.value)
    assert set(person.groups.values_list("name", flat=True)) == {Role.ISVA.value}
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=agency_admin, user=other_agency_isva, role=Role.DROPIN_HOST.value)
    with pytest.raises(PermissionDenied):
        services.account_deactivate(actor=agency_admin, user=other_agency_isva)
    other_agency_isva.refresh_from_db()
    assert other_agency_isva.is_active


def test_agency_admin_cannot_touch_administrators_or_themselves(agency_admin: User) -> None:
    own = agency_admin.agency
    peer = _member(own, Role.AGENCY_ADMIN, "peer")
    platform = _member(own, Role.PLATFORM_ADMIN, "platform")
    superuser = _member(own, Role.ISVA, "root")
    superuser.is_superuser = True
    superuser.save()
    for person in (peer, platform, superuser, agency_admin):
        assert not permissions.can_manage_person(agency_admin, person), person.email
        with pytest.raises(PermissionDenied):
            services.account_deactivate(actor=agency_admin, user=person)
        with pytest.raises(PermissionDenied):
            services.mfa_reset(actor=agency_admin, user=person)


def test_platform_admin_still_manages_every_agency_and_grants_agency_admin(
    platform_admin: User, isva: User
) -> None:
    assert services.role_grant(actor=platform_admin, user=isva, role=Role.AGENCY_ADMIN.value)
    assert permissions.grantable_roles(platform_admin) == [role.value for role in Role]


def test_pages_show_only_own_agency_and_forms_offer_only_assignable_roles(
    client_for, agency_admin: User, other_isva_agency: Agency
) -> None:
    client = client_for(agency_admin)
    listing = client.get("/account/manage/").content.decode()
    assert agency_admin.agency.name in listing
    assert other_isva_agency.name not in listing
    page = client.get(f"/account/manage/agencies/{agency_admin.agency_id}/").content.decode()
    assert 'value="ISVA"' in page
    assert 'value="Platform admin"' not in page and 'value="Agency admin"' not in page
    # Administrators of the own agency are listed but not linked (their page is a 404 for them).
    peer = _member(agency_admin.agency, Role.AGENCY_ADMIN, "peer")
    page = client.get(f"/account/manage/agencies/{agency_admin.agency_id}/").content.decode()
    assert peer.email in page and f"/account/manage/people/{peer.pk}/" not in page
    # Guessed ids of another agency's objects are 404s, in URLs and in the forms posted to them.
    stranger = _member(other_isva_agency)
    assert client.get(f"/account/manage/agencies/{other_isva_agency.pk}/").status_code == 404
    assert client.post(f"/account/manage/people/{stranger.pk}/deactivate/").status_code == 404
    assert (
        client.post(f"/account/manage/people/{stranger.pk}/roles/grant/", {"role": "ISVA"}).status_code == 404
    )
    stranger.refresh_from_db()
    assert stranger.is_active


def test_demo_seeds_an_agency_admin_with_a_published_authenticator_key() -> None:
    spec = next(user for user in demo.USERS if user.role == Role.AGENCY_ADMIN)
    assert spec.email in demo.DEMO_TOTP_SECRETS
    demo.seed()
    user = User.objects.get(email=spec.email)
    assert user.groups.filter(name=Role.AGENCY_ADMIN.value).exists()
    assert mfa.has_confirmed_device(user)
    assert user.check_password(demo.DEMO_PASSWORD)


def test_account_managers_find_the_pages_in_the_navigation(
    client_for, agency_admin: User, platform_admin: User, isva: User
) -> None:
    for user, shown in ((agency_admin, True), (platform_admin, True), (isva, False)):
        body = client_for(user).get("/account/notifications/").content.decode()
        assert ('href="/account/manage/"' in body) is shown, user.email
