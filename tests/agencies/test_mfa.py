"""Two-factor authentication: enforced on every request for MFA roles (deep links, the CMS, the
API), enrolment with a QR code and manual key, recovery codes, resets, session rotation."""

import re
import time

import pytest
from django.contrib.auth import get_user
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from agencies import mfa, services
from agencies.audit import Action
from agencies.models import User
from agencies.roles import ROLE_TABLE, Role
from tests.factories.agencies import TEST_PASSWORD
from tests.live import totp_code

pytestmark = pytest.mark.django_db


def password_only(user: User) -> Client:
    """Signed in with the password, second step not yet done (the real sign-in form)."""
    client = Client()
    response = client.post("/account/sign-in/", {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert get_user(client).pk == user.pk
    return client


def enrol(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=mfa.TOTP_DEVICE_NAME, confirmed=True)


def test_every_mfa_role_holds_a_capability_that_demands_mfa() -> None:
    for role, spec in ROLE_TABLE.items():
        assert bool(spec.permissions & mfa.MFA_PERMISSIONS) is spec.needs_mfa, role


@pytest.mark.parametrize(
    "path",
    ["/account/notifications/", "/cms/", "/cms/pages/", "/", "/account/manage/", "/no-such-page/"],
)
def test_mfa_role_without_device_is_sent_to_enrolment_from_any_deep_link(
    coordinator: User, path: str
) -> None:
    client = password_only(coordinator)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/set-up/?next=")
    assert path.replace("/", "%2F") in response["Location"]


def test_mfa_role_with_device_is_sent_to_the_check(panel_member: User) -> None:
    enrol(panel_member)
    client = password_only(panel_member)
    response = client.get("/account/notifications/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/check/?next=%2Faccount%2Fnotifications%2F"


def test_api_answers_json_403_before_the_second_step(governance_member: User) -> None:
    enrol(governance_member)
    client = password_only(governance_member)
    response = client.get("/api/v1/account/notifications")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert "Two-factor" in response.json()["detail"]
    post = client.post("/api/v1/account/notifications/read")
    assert post.status_code == 403


def test_isva_is_not_asked_for_mfa_and_cannot_open_the_mfa_pages(isva: User) -> None:
    client = password_only(isva)
    assert client.get("/account/notifications/").status_code == 200
    assert client.get("/account/two-factor/set-up/").status_code == 403
    assert client.get("/account/two-factor/check/").status_code == 403


def test_enrolment_with_qr_code_and_manual_key_then_recovery_codes(coordinator: User) -> None:
    client = password_only(coordinator)
    page = client.get("/account/two-factor/set-up/?next=/account/notifications/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in body
    manual = re.search(r"data-manual-key>([A-Z2-7 ]+)<", body).group(1)
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert mfa.hex_key_from_base32(manual) == device.key
    # Reloading keeps the same key (the scanned QR code stays valid).
    assert manual in client.get("/account/two-factor/set-up/").content.decode()

    wrong = client.post("/account/two-factor/set-up/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "<title>Error:" in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles: 1 s after one failure, doubling after each

    before = client.session.session_key
    done = client.post(
        "/account/two-factor/set-up/", {"code": totp_code(device.key), "next": "/account/notifications/"}
    )
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.content.decode())
    assert len(codes) == len(set(codes)) == 10
    assert client.session.session_key != before  # rotated on privilege change
    assert client.get("/account/notifications/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert ModelLogEntry.objects.filter(action=Action.MFA_ENROLLED, object_id=str(coordinator.pk)).exists()


def test_check_with_totp_code_rotates_session_and_follows_next(panel_member: User) -> None:
    device = enrol(panel_member)
    client = password_only(panel_member)
    before = client.session.session_key
    response = client.post(
        "/account/two-factor/check/", {"code": totp_code(device.key), "next": "/account/notifications/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/notifications/"
    assert client.session.session_key != before
    assert client.get("/cms/").status_code in {200, 302, 403}  # past MFA: Wagtail decides
    assert client.get("/account/notifications/").status_code == 200


def test_check_refuses_offsite_next(panel_member: User) -> None:
    device = enrol(panel_member)
    client = password_only(panel_member)
    response = client.post(
        "/account/two-factor/check/", {"code": totp_code(device.key), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_wrong_code_is_refused_and_audited(panel_member: User) -> None:
    enrol(panel_member)
    client = password_only(panel_member)
    response = client.post("/account/two-factor/check/", {"code": "123456"})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert client.get("/account/notifications/").status_code == 302
    assert ModelLogEntry.objects.filter(action=Action.MFA_FAILED).count() == 1


def test_recovery_code_works_once(panel_member: User) -> None:
    enrol(panel_member)
    codes = services.recovery_codes_regenerate(user=panel_member)
    client = password_only(panel_member)
    response = client.post("/account/two-factor/check/", {"code": codes[0].upper().replace("-", " ")})
    assert response.status_code == 302
    assert client.get("/account/notifications/").status_code == 200
    assert mfa.recovery_codes_left(panel_member) == 9
    again = password_only(panel_member)
    assert again.post("/account/two-factor/check/", {"code": codes[0]}).status_code == 200
    assert again.get("/account/notifications/").status_code == 302
    entry = ModelLogEntry.objects.get(action=Action.RECOVERY_CODE_USED)
    assert entry.data == {"agency_id": panel_member.agency_id, "codes_left": 9}


def test_recovery_codes_page_regenerates_and_invalidates_old_codes(client_for, coordinator: User) -> None:
    client = client_for(coordinator)
    old = services.recovery_codes_regenerate(user=coordinator)
    assert "10 unused recovery codes" in client.get("/account/two-factor/").content.decode()
    response = client.post("/account/two-factor/")
    new = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", response.content.decode())
    assert len(new) == 10
    assert not StaticToken.objects.filter(token__in=old).exists()


def test_signed_in_client_helper_passes_mfa(client_for, coordinator, platform_admin) -> None:
    assert client_for(coordinator).get("/account/notifications/").status_code == 200
    assert client_for(platform_admin).get("/account/manage/").status_code == 200


def test_granting_an_mfa_role_demands_mfa_at_the_next_request(isva: User, platform_admin: User) -> None:
    client = password_only(isva)
    assert client.get("/account/notifications/").status_code == 200
    services.role_grant(actor=platform_admin, user=isva, role=Role.PANEL_MEMBER.value)
    response = client.get("/account/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/set-up/")


def test_mfa_reset_ends_verification_of_open_sessions(client_for, coordinator, platform_admin) -> None:
    client = client_for(coordinator)
    assert client.get("/account/notifications/").status_code == 200
    services.mfa_reset(actor=platform_admin, user=coordinator)
    response = client.get("/account/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/set-up/")
    assert ModelLogEntry.objects.filter(action=Action.MFA_RESET, user=platform_admin).exists()


def test_sign_out_works_before_the_second_step(coordinator: User) -> None:
    client = password_only(coordinator)
    response = client.post("/account/sign-out/")
    assert response.status_code == 302
    assert not get_user(client).is_authenticated


def test_mfa_pages_render_for_mfa_roles_without_inline_script(coordinator: User) -> None:
    client = password_only(coordinator)
    body = client.get("/account/two-factor/set-up/").content.decode()
    assert "<script>" not in body
    assert "style=" not in body
    assert 'autocomplete="one-time-code"' in body
