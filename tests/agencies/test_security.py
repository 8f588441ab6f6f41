"""Lockout (django-axes), the idle timeout, and the security headers (CSP, Permissions-Policy,
frame denial, referrer policy, cookies)."""

import time

import pytest
from django.contrib.auth import get_user
from django.test import Client
from wagtail.models import ModelLogEntry

from agencies import services
from agencies.audit import Action
from agencies.middleware import LAST_ACTIVITY_SESSION_KEY
from agencies.models import User
from tests.factories.agencies import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def set_sign_in_limits(
    settings, account: int, address: int | None = None, account_address: int | None = None
) -> None:
    """Lower the sign-in limits for a test (settings.SECURITY_LIMITS, the one place they live)."""
    limits = {**settings.SECURITY_LIMITS}
    limits["sign_in"] = {
        "account": account,
        "account_address": account_address or account,
        "address": address or account * 10,
    }
    settings.SECURITY_LIMITS = limits


def fail(client: Client, email: str, times: int, ip: str = "10.0.0.1") -> list[int]:
    return [
        client.post(
            "/account/sign-in/", {"username": email, "password": "not-the-password"}, REMOTE_ADDR=ip
        ).status_code
        for _ in range(times)
    ]


def test_account_locks_after_repeated_failures_with_a_clear_message(settings, isva: User) -> None:
    set_sign_in_limits(settings, 3)
    client = Client()
    assert fail(client, isva.email, 2) == [200, 200]
    assert fail(client, isva.email.upper(), 1) == [429]  # case-insensitive: the same account
    locked = client.post(
        "/account/sign-in/", {"username": isva.email, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Sign-in is locked for now" in body and "15 minutes" in body
    assert not get_user(client).is_authenticated
    assert ModelLogEntry.objects.filter(action=Action.LOCKED_OUT, object_id=str(isva.pk)).exists()


def test_address_locks_after_failures_across_accounts(settings, isva: User, host: User) -> None:
    set_sign_in_limits(settings, 3, address=3)
    client = Client()
    fail(client, "first@example.org", 1, ip="10.0.0.2")
    fail(client, "second@example.org", 1, ip="10.0.0.2")
    assert fail(client, "third@example.org", 1, ip="10.0.0.2") == [429]
    blocked = client.post(
        "/account/sign-in/", {"username": host.email, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert blocked.status_code == 429
    other_address = Client().post(
        "/account/sign-in/", {"username": host.email, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.3"
    )
    assert other_address.status_code == 302


def _fail_via_proxy(forwarded_for: str, email: str) -> int:
    """A failed sign-in arriving through the reverse proxy (socket address: the proxy's)."""
    return (
        Client()
        .post(
            "/account/sign-in/",
            {"username": email, "password": "not-the-password"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )
        .status_code
    )


def test_without_trusted_proxies_a_forged_forwarded_for_cannot_dodge_the_address_lockout(
    settings, isva: User
) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    set_sign_in_limits(settings, 3, address=3)
    # A different forged address and account every time: the socket's address still counts.
    statuses = [_fail_via_proxy(f"203.0.113.{n}", f"guess{n}@example.org") for n in range(4)]
    assert statuses == [200, 200, 429, 429]
    assert _fail_via_proxy("198.51.100.7", isva.email) == 429


def test_behind_one_trusted_proxy_clients_are_locked_out_separately(settings, isva: User) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    set_sign_in_limits(settings, 3, address=3)
    attacker = [_fail_via_proxy("203.0.113.5", f"guess{n}@example.org") for n in range(3)]
    assert attacker == [200, 200, 429]
    # The attacker cannot escape by prepending a forged entry: the proxy's own entry is the last.
    assert _fail_via_proxy("198.51.100.99, 203.0.113.5", "another@example.org") == 429
    # Someone else behind the same proxy is not locked out, and signs in.
    colleague = Client().post(
        "/account/sign-in/",
        {"username": isva.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert colleague.status_code == 302


def test_client_ip_ignores_malformed_forwarded_for(settings, rf) -> None:
    from agencies.security import client_ip_address

    settings.TRUSTED_PROXY_COUNT = 1
    assert (
        client_ip_address(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="nonsense"))
        == "127.0.0.1"
    )
    assert client_ip_address(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
    assert client_ip_address(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=" ::1 ")) == "::1"
    settings.TRUSTED_PROXY_COUNT = 2
    forwarded = "1.1.1.1, 203.0.113.5, 10.0.0.2"
    assert (
        client_ip_address(rf.get("/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR=forwarded))
        == "203.0.113.5"
    )


def test_lockout_of_an_unknown_address_is_audited_without_the_address(settings, isva: User) -> None:
    from agencies.services import email_keyed_hash

    set_sign_in_limits(settings, 2)
    domain = isva.agency.allowed_email_domains[0]
    assert fail(Client(), f"ghost@{domain}", 3, ip="10.0.0.44")[-1] == 429
    entry = ModelLogEntry.objects.filter(action=Action.LOCKED_OUT).latest("pk")
    assert entry.data == {
        "agency_id": isva.agency_id,
        "email_domain": domain,
        "email_hash": email_keyed_hash(f"ghost@{domain}"),
    }
    assert "ghost" not in str(entry.data)


def test_lockout_page_is_the_same_for_unknown_accounts(settings, isva: User) -> None:
    set_sign_in_limits(settings, 2)
    known = fail(Client(), isva.email, 3, ip="10.1.0.1")
    unknown = fail(Client(), "nobody@example.org", 3, ip="10.1.0.2")
    assert known == unknown == [200, 429, 429]


def test_admin_unlock_lets_the_person_sign_in_again(
    client_for, settings, platform_admin: User, isva: User
) -> None:
    set_sign_in_limits(settings, 2)
    fail(Client(), isva.email, 2, ip="10.2.0.1")
    retry = Client().post(
        "/account/sign-in/", {"username": isva.email, "password": TEST_PASSWORD}, REMOTE_ADDR="10.2.0.2"
    )
    assert retry.status_code == 429
    response = client_for(platform_admin).post(f"/account/manage/people/{isva.pk}/unlock/")
    assert response.status_code == 302
    ok = Client().post(
        "/account/sign-in/", {"username": isva.email, "password": TEST_PASSWORD}, REMOTE_ADDR="10.2.0.2"
    )
    assert ok.status_code == 302
    assert ModelLogEntry.objects.filter(action=Action.UNLOCKED, user=platform_admin).exists()


def test_password_reset_does_not_reveal_accounts(client: Client, isva: User) -> None:
    known = client.post("/account/password-reset/", {"email": isva.email})
    unknown = client.post("/account/password-reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


# --- Idle timeout -------------------------------------------------------------------------------


def _age_session(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = int(time.time()) - seconds
    session.save()


def test_case_roles_are_signed_out_after_30_idle_minutes(client_for, coordinator: User) -> None:
    client = client_for(coordinator)
    page = client.get("/account/notifications/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "you will be signed out if you do nothing for 30 minutes" in body
    assert "Stay signed in" in body
    _age_session(client, 29 * 60)
    assert client.get("/account/notifications/").status_code == 200
    _age_session(client, 31 * 60)
    response = client.get("/account/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/?next=")
    assert not get_user(client).is_authenticated
    assert ModelLogEntry.objects.filter(action=Action.SESSION_TIMED_OUT).count() == 1
    follow = client.get(response["Location"])
    assert "signed out because you had not done anything" in follow.content.decode()


def test_idle_api_call_gets_json_401(client_for, panel_member: User) -> None:
    client = client_for(panel_member)
    client.get("/api/v1/account/notifications")
    _age_session(client, 31 * 60)
    response = client.get("/api/v1/account/notifications")
    assert response.status_code == 401
    assert "inactivity" in response.json()["detail"]


def test_stay_signed_in_works_without_javascript(client_for, coordinator: User) -> None:
    client = client_for(coordinator)
    client.get("/account/notifications/")
    _age_session(client, 28 * 60)
    response = client.post("/account/session/extend/", {"next": "/account/notifications/"})
    assert response.status_code == 302 and response["Location"] == "/account/notifications/"
    assert time.time() - client.session[LAST_ACTIVITY_SESSION_KEY] < 5
    json_response = client.post("/account/session/extend/", HTTP_ACCEPT="application/json")
    assert json_response.json()["expires_in"] == 30 * 60


def test_non_case_roles_have_no_idle_timeout(client_for, isva: User) -> None:
    client = client_for(isva)
    body = client.get("/account/notifications/").content.decode()
    assert "Stay signed in" not in body
    _age_session(client, 5 * 60 * 60)
    assert client.get("/account/notifications/").status_code == 200


def test_sign_in_is_recorded(client: Client, isva: User) -> None:
    client.post("/account/sign-in/", {"username": isva.email, "password": TEST_PASSWORD})
    assert ModelLogEntry.objects.filter(action=Action.SIGN_IN, object_id=str(isva.pk)).exists()


# --- Headers --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/account/sign-in/", "/accessibility/"])
def test_strict_security_headers(client: Client, home_page, path: str) -> None:
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_and_samesite(client: Client, isva: User) -> None:
    response = client.post("/account/sign-in/", {"username": isva.email, "password": TEST_PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_services_refuse_people_who_cannot_manage(isva: User, coordinator: User) -> None:
    from django.core.exceptions import PermissionDenied

    for call in (
        lambda: services.role_grant(actor=isva, user=coordinator, role="ISVA"),
        lambda: services.role_remove(actor=coordinator, user=isva, role="ISVA"),
        lambda: services.account_deactivate(actor=isva, user=coordinator),
        lambda: services.mfa_reset(actor=isva, user=coordinator),
        lambda: services.lockout_clear(actor=isva, user=coordinator),
    ):
        with pytest.raises(PermissionDenied):
            call()
