"""Rate limits on requests that send email (agencies.ratelimits, settings.SECURITY_LIMITS): password
resets and invitations, per target account and per client address, held in the cache so they hold
across sessions; over a limit nothing is sent, and a reset still answers the neutral page."""

import pytest
from django.core import mail
from django.test import Client
from wagtail.models import ModelLogEntry

from agencies import ratelimits
from agencies.audit import Action
from agencies.models import Agency, Invitation, User
from scrutiny.models import AccessEvent

pytestmark = pytest.mark.django_db

RESET = "/account/password-reset/"


def set_limits(settings, scope: str, account: int, address: int) -> None:
    limits = {**settings.SECURITY_LIMITS}
    limits[scope] = {"account": account, "address": address, "window_seconds": 3600}
    settings.SECURITY_LIMITS = limits


def reset(email: str, ip: str = "10.9.0.1") -> tuple[int, str]:
    """A reset request from a new client each time: no shared session or cookie."""
    response = Client().post(RESET, {"email": email}, REMOTE_ADDR=ip)
    return response.status_code, response.get("Location", "")


def test_the_shipped_limits(settings) -> None:
    limits = settings.SECURITY_LIMITS
    assert limits["password_reset"] == {"account": 3, "address": 20, "window_seconds": 3600}
    assert limits["invitation_resend"] == {"account": 3, "address": 50, "window_seconds": 3600}


# --- Password reset ---------------------------------------------------------------------------------


def test_n_plus_one_reset_requests_send_n_emails_and_all_answer_the_same(
    settings, isva: User, django_capture_on_commit_callbacks
) -> None:
    set_limits(settings, "password_reset", account=3, address=100)
    with django_capture_on_commit_callbacks(execute=True):
        answers = [reset(isva.email) for _ in range(4)]
    assert answers == [(302, "/account/password-reset/sent/")] * 4  # the refusal looks the same
    assert len(mail.outbox) == 3
    assert all(message.to == [isva.email] for message in mail.outbox)


def test_the_shipped_reset_limit_holds(isva: User, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            reset(isva.email)
    assert len(mail.outbox) == 3


def test_another_account_is_unaffected(
    settings, isva: User, host: User, django_capture_on_commit_callbacks
) -> None:
    set_limits(settings, "password_reset", account=2, address=100)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            reset(isva.email)
        reset(host.email)
    assert [m.to for m in mail.outbox] == [[isva.email], [isva.email], [host.email]]


@pytest.mark.parametrize(
    "variant", ["ISVA@TEST-ISVA.EXAMPLE.ORG", "  isva@test-isva.example.org  ", "Isva@Test-Isva.Example.Org"]
)
def test_obfuscated_addresses_count_as_the_same_account(
    settings, isva: User, variant: str, django_capture_on_commit_callbacks
) -> None:
    set_limits(settings, "password_reset", account=2, address=100)
    with django_capture_on_commit_callbacks(execute=True):
        reset(isva.email, ip="10.9.0.1")
        reset(variant, ip="10.9.0.2")  # another address too: the account's count is its own
        reset(variant, ip="10.9.0.3")
    assert len(mail.outbox) == 2


def test_one_address_asking_for_many_accounts_is_limited(
    settings, isva: User, host: User, django_capture_on_commit_callbacks
) -> None:
    set_limits(settings, "password_reset", account=10, address=3)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            reset(f"nobody{n}@example.org")
        reset(isva.email)  # the third from this address: sent
        reset(host.email)  # the fourth: refused
        reset(host.email, ip="10.9.0.77")  # another address: sent
    assert [m.to for m in mail.outbox] == [[isva.email], [host.email]]
    assert mail.outbox[1].to == [host.email]


def test_a_refusal_is_a_security_event_once_per_window(settings, isva: User) -> None:
    set_limits(settings, "password_reset", account=1, address=100)
    for _ in range(4):
        reset(isva.email)
    entries = ModelLogEntry.objects.filter(action=Action.RATE_LIMITED)
    assert [(e.object_id, e.data) for e in entries] == [
        (str(isva.pk), {"agency_id": isva.agency_id, "reason": "password_reset:account"})
    ]
    # Chained into the access audit with the other account security events.
    assert AccessEvent.objects.filter(verb="security", object_type="agencies.rate_limited").count() == 1


def test_a_refusal_for_an_address_with_no_account_stores_no_address(settings, isva: User) -> None:
    set_limits(settings, "password_reset", account=1, address=100)
    domain = isva.agency.allowed_email_domains[0]
    for _ in range(2):
        reset(f"ghost@{domain}")
    entry = ModelLogEntry.objects.get(action=Action.RATE_LIMITED)
    assert entry.data["reason"] == "password_reset:account"
    assert entry.data["email_domain"] == domain
    assert "ghost" not in str(entry.data)


def test_a_cache_that_cannot_count_allows_the_request(settings, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> bool:
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimits.cache, "add", broken)
    set_limits(settings, "password_reset", account=1, address=1)
    verdicts = [
        ratelimits.hit("password_reset", account="a@example.org", address="10.0.0.1") for _ in range(3)
    ]
    assert all(v.allowed for v in verdicts)


def test_the_window_ends_with_the_counter(settings, monkeypatch) -> None:
    """When the counter has expired (deleted here, as the cache does at the window's end), the
    subject starts again; the key holds a keyed hash, never the address."""
    set_limits(settings, "password_reset", account=1, address=100)
    assert ratelimits.hit("password_reset", account="a@example.org", address=None).allowed
    assert not ratelimits.hit("password_reset", account="A@example.org ", address=None).allowed
    key = ratelimits._key("password_reset", "account", "a@example.org")
    assert "example" not in key
    ratelimits.cache.delete(key)
    assert ratelimits.hit("password_reset", account="a@example.org", address=None).allowed


# --- Invitations ------------------------------------------------------------------------------------


def invite(client: Client, agency: Agency, email: str, ip: str = "10.8.0.1"):
    return client.post(
        f"/account/manage/agencies/{agency.pk}/invite/", {"email": email, "role": "ISVA"}, REMOTE_ADDR=ip
    )


def test_n_plus_one_invitations_to_one_address_send_n_emails(
    settings, client_for, platform_admin: User, isva_agency: Agency, django_capture_on_commit_callbacks
) -> None:
    set_limits(settings, "invitation_resend", account=2, address=100)
    domain = isva_agency.allowed_email_domains[0]
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            invite(client_for(platform_admin), isva_agency, email).status_code  # a new session each time
            for email in [f"new@{domain}", f"NEW@{domain.upper()}", f" New@{domain} "]
        ]
        other = invite(client_for(platform_admin), isva_agency, f"other@{domain}")
    assert statuses == [302, 302, 429]
    assert other.status_code == 302  # another address is unaffected
    assert len(mail.outbox) == 3
    assert Invitation.objects.filter(email=f"new@{domain}").count() == 2
    entry = ModelLogEntry.objects.get(action=Action.RATE_LIMITED)
    assert entry.user_id == platform_admin.pk
    assert entry.data["reason"] == "invitation_resend:account"
    assert "new@" not in str(entry.data)


def test_a_refused_invitation_says_why_on_the_normal_page(
    settings, client_for, platform_admin: User, isva_agency: Agency
) -> None:
    set_limits(settings, "invitation_resend", account=1, address=100)
    domain = isva_agency.allowed_email_domains[0]
    admin = client_for(platform_admin)
    invite(admin, isva_agency, f"new@{domain}")
    refused = invite(admin, isva_agency, f"new@{domain}")
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Too many invitations have been sent to this email address recently" in body
    assert "govuk-error-summary" in body


def test_many_invitations_from_one_address_are_limited(
    settings, client_for, platform_admin: User, isva_agency: Agency, django_capture_on_commit_callbacks
) -> None:
    set_limits(settings, "invitation_resend", account=10, address=2)
    domain = isva_agency.allowed_email_domains[0]
    admin = client_for(platform_admin)
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [invite(admin, isva_agency, f"person{n}@{domain}").status_code for n in range(3)]
        elsewhere = invite(admin, isva_agency, f"person9@{domain}", ip="10.8.0.2").status_code
    assert statuses == [302, 302, 429]
    assert elsewhere == 302
    assert len(mail.outbox) == 3
    assert "from your connection" in invite(admin, isva_agency, f"person5@{domain}").content.decode()
