"""Account management: roles granted and removed, deactivation, MFA reset, unlock; each takes
effect at once and is audited (Wagtail's audit log, filterable by agency and user)."""

import json

import pytest
from django.test import Client
from wagtail.models import ModelLogEntry

from agencies import services
from agencies.audit import ALLOWED_DATA_KEYS, Action, record
from agencies.models import Agency, User
from agencies.realtime import events
from agencies.roles import Role
from tests.factories import UserFactory
from tests.factories.agencies import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_role_removed_takes_effect_on_the_open_session(
    client_for, platform_admin: User, governance_member: User
) -> None:
    member = client_for(governance_member)
    assert member.get("/cms/").status_code == 200
    admin = client_for(platform_admin)
    response = admin.post(
        f"/account/manage/people/{governance_member.pk}/roles/remove/", {"role": "Governance member"}
    )
    assert response.status_code == 302
    assert member.get("/cms/").status_code == 302  # no CMS access any more: sent away
    entry = ModelLogEntry.objects.get(action=Action.ROLE_REMOVED)
    assert entry.user_id == platform_admin.pk
    assert entry.object_id == str(governance_member.pk)
    assert entry.data == {"agency_id": governance_member.agency_id, "role": "Governance member"}


def test_role_changes_tell_open_sockets_to_recheck(
    platform_admin: User, panel_member: User, django_capture_on_commit_callbacks
) -> None:
    sent = []
    original = events._send
    events._send = lambda group, message: sent.append((group, message["kind"]))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.role_remove(actor=platform_admin, user=panel_member, role=Role.PANEL_MEMBER.value)
        with django_capture_on_commit_callbacks(execute=True):
            services.account_deactivate(actor=platform_admin, user=panel_member)
    finally:
        events._send = original
    assert sent == [(events.user_group(panel_member.pk), "access.changed")] * 2


def test_deactivation_ends_sessions_at_once(client_for, platform_admin: User, coordinator: User) -> None:
    victim = client_for(coordinator)
    assert victim.get("/account/notifications/").status_code == 200
    response = client_for(platform_admin).post(f"/account/manage/people/{coordinator.pk}/deactivate/")
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert not coordinator.is_active
    after = victim.get("/account/notifications/")
    assert after.status_code == 302 and after["Location"].startswith("/account/sign-in/")
    signed_in = Client().post("/account/sign-in/", {"username": coordinator.email, "password": TEST_PASSWORD})
    assert signed_in.status_code == 200  # refused, with the same message as a wrong password
    assert ModelLogEntry.objects.filter(action=Action.ACCOUNT_DEACTIVATED).count() == 1
    client_for(platform_admin).post(f"/account/manage/people/{coordinator.pk}/reactivate/")
    coordinator.refresh_from_db()
    assert coordinator.is_active


def test_admins_cannot_change_their_own_account(client_for, platform_admin: User) -> None:
    admin = client_for(platform_admin)
    assert admin.get(f"/account/manage/people/{platform_admin.pk}/").status_code == 404
    assert admin.post(f"/account/manage/people/{platform_admin.pk}/deactivate/").status_code == 404
    platform_admin.refresh_from_db()
    assert platform_admin.is_active


def test_unknown_ids_are_404_not_500(client_for, platform_admin: User) -> None:
    admin = client_for(platform_admin)
    for url in (
        "/account/manage/agencies/999999/",
        "/account/manage/people/999999/",
        "/account/manage/invitations/999999/revoke/",
    ):
        response = admin.post(url) if url.endswith("revoke/") else admin.get(url)
        assert response.status_code == 404, url


def test_bad_role_input_is_a_400_with_an_error_summary(client_for, platform_admin: User, isva: User) -> None:
    response = client_for(platform_admin).post(
        f"/account/manage/people/{isva.pk}/roles/grant/", {"role": "Root"}
    )
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()


def test_agency_page_query_count_does_not_grow_with_people(
    client_for, platform_admin: User, isva_agency: Agency, django_assert_num_queries
) -> None:
    admin = client_for(platform_admin)
    url = f"/account/manage/agencies/{isva_agency.pk}/"
    UserFactory(agency=isva_agency, roles=[Role.ISVA])
    services.invitation_send(
        actor=platform_admin,
        agency=isva_agency,
        email=f"a@{isva_agency.allowed_email_domains[0]}",
        role="ISVA",
    )
    admin.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert admin.get(url).status_code == 200
    for n in range(15):
        UserFactory(agency=isva_agency, roles=[Role.ISVA, Role.DROPIN_HOST])
        services.invitation_send(
            actor=platform_admin,
            agency=isva_agency,
            email=f"b{n}@{isva_agency.allowed_email_domains[0]}",
            role="ISVA",
        )
    with django_assert_num_queries(len(small)):
        assert admin.get(url).status_code == 200


def test_agency_list_query_count_does_not_grow_with_agencies(
    client_for, platform_admin: User, django_assert_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AgencyFactory

    admin = client_for(platform_admin)
    admin.get("/account/manage/")
    with CaptureQueriesContext(connection) as small:
        assert admin.get("/account/manage/").status_code == 200
    AgencyFactory.create_batch(12)
    with django_assert_num_queries(len(small)):
        assert admin.get("/account/manage/").status_code == 200


def test_audit_entries_refuse_secrets(isva: User) -> None:
    with pytest.raises(ValueError, match="may not carry"):
        record(instance=isva, action=Action.SIGN_IN, agency_id=isva.agency_id, password="x")  # noqa: S106
    with pytest.raises(ValueError, match="may not carry"):
        record(instance=isva, action=Action.SIGN_IN, agency_id=isva.agency_id, token="x")  # noqa: S106
    assert "password" not in ALLOWED_DATA_KEYS and "token" not in ALLOWED_DATA_KEYS


def test_security_events_are_logged_without_secrets(client: Client, isva: User, platform_admin: User) -> None:
    client.post("/account/sign-in/", {"username": isva.email, "password": "wrong-password-123"})
    client.post("/account/sign-in/", {"username": isva.email, "password": TEST_PASSWORD})
    client.post("/account/sign-in/", {"username": "nobody@example.org", "password": "wrong-password-123"})
    actions = list(ModelLogEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [Action.SIGN_IN_FAILED, Action.SIGN_IN]
    for entry in ModelLogEntry.objects.all():
        dumped = json.dumps(entry.data) + entry.label
        assert TEST_PASSWORD not in dumped and "wrong-password" not in dumped


def test_site_history_lists_security_events_and_filters_by_agency_and_user(
    client_for, platform_admin: User, isva: User, other_agency_isva: User
) -> None:
    services.role_grant(actor=platform_admin, user=isva, role=Role.DROPIN_HOST.value)
    services.role_grant(actor=platform_admin, user=other_agency_isva, role=Role.DROPIN_HOST.value)
    admin = client_for(platform_admin)
    everything = admin.get("/cms/reports/site-history/")
    assert everything.status_code == 200
    body = everything.content.decode()
    assert "Role granted" in body
    assert 'name="agency"' in body
    own = admin.get(f"/cms/reports/site-history/results/?agency={isva.agency_id}").content.decode()
    assert str(isva) in own and str(other_agency_isva) not in own
    other = admin.get(
        f"/cms/reports/site-history/results/?agency={other_agency_isva.agency_id}"
    ).content.decode()
    assert str(other_agency_isva) in other and str(isva) not in other
    by_user = admin.get(f"/cms/reports/site-history/results/?user={platform_admin.pk}").content.decode()
    assert str(isva) in by_user and str(other_agency_isva) in by_user


def test_site_history_agency_filter_rejects_nonsense(client_for, platform_admin: User) -> None:
    response = client_for(platform_admin).get("/cms/reports/site-history/?agency=not-a-number")
    assert response.status_code == 200


def test_editor_cannot_see_account_security_events(
    client_for, editor: User, platform_admin: User, isva: User
) -> None:
    services.role_grant(actor=platform_admin, user=isva, role=Role.DROPIN_HOST.value)
    body = client_for(editor).get("/cms/reports/site-history/results/").content.decode()
    assert "Role granted" not in body
