import re

import pytest
from django.contrib.auth import get_user
from django.core import mail
from django.test import Client
from wagtail.models import ModelLogEntry

from agencies.models import AgencyKind, User
from tests.factories.agencies import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_users_sign_in_with_their_email_address(client: Client, isva: User) -> None:
    response = client.post(
        "/account/sign-in/", {"username": "ISVA@test-isva.example.org", "password": TEST_PASSWORD}
    )
    # Email addresses are case-insensitive: the manager lower-cases on the way in.
    assert response.status_code == 302
    assert get_user(client).pk == isva.pk


def test_sign_in_then_reach_a_protected_page(client: Client, isva: User) -> None:
    response = client.post(
        "/account/sign-in/?next=/account/notifications/",
        {"username": isva.email, "password": TEST_PASSWORD, "next": "/account/notifications/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/notifications/"
    assert get_user(client).pk == isva.pk
    assert client.get("/account/notifications/").status_code == 200


def test_sign_in_rotates_the_session_key(client: Client, isva: User) -> None:
    client.get("/account/sign-in/")
    session = client.session
    session["marker"] = "before"
    session.save()
    before = client.session.session_key
    client.post("/account/sign-in/", {"username": isva.email, "password": TEST_PASSWORD})
    assert client.session.session_key != before


def test_wrong_password_and_unknown_account_get_the_same_message(client: Client, isva: User) -> None:
    wrong = client.post("/account/sign-in/", {"username": isva.email, "password": "nope-nope-nope"})
    unknown = client.post(
        "/account/sign-in/", {"username": "nobody@example.org", "password": "nope-nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 200
    for response in (wrong, unknown):
        body = response.content.decode()
        assert "Enter a correct email address and password." in body
        assert "govuk-error-summary" in body
        assert "<title>Error: Sign in" in body
    isva.is_active = False
    isva.save()
    inactive = client.post("/account/sign-in/", {"username": isva.email, "password": TEST_PASSWORD})
    assert "Enter a correct email address and password." in inactive.content.decode()
    assert not get_user(client).is_authenticated


def test_sign_in_allows_password_managers(client: Client) -> None:
    body = client.get("/account/sign-in/").content.decode()
    assert 'autocomplete="username"' in body
    assert 'autocomplete="current-password"' in body
    assert "onpaste" not in body


def test_sign_out_is_post_only_and_ends_the_session(client: Client, isva: User) -> None:
    client.force_login(isva)
    assert client.get("/account/sign-out/").status_code == 405
    response = client.post("/account/sign-out/")
    assert response.status_code == 302
    assert not get_user(client).is_authenticated
    from agencies.audit import Action

    entry = ModelLogEntry.objects.get(action=Action.SIGN_OUT)
    assert entry.object_id == str(isva.pk) and entry.user_id == isva.pk
    assert Client().post("/account/sign-out/").status_code == 302  # signed out already: no entry
    assert ModelLogEntry.objects.filter(action=Action.SIGN_OUT).count() == 1


@pytest.mark.parametrize("path", ["/account/notifications/", "/cms/", "/cms/pages/"])
def test_deny_by_default_redirects_anonymous_visitors_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/?next=")


def test_password_reset_does_not_reveal_whether_an_account_exists(
    client: Client, isva: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/account/password-reset/", {"email": isva.email})
        unknown = client.post("/account/password-reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/account/password-reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [isva.email]


def test_password_reset_link_sets_a_new_password_once(
    client: Client, isva: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/password-reset/", {"email": isva.email})
    link = re.search(r"http://testserver(/account/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 200
    assert "govuk-error-summary" in weak.content.decode()
    new_password = "a brand new passphrase for testing"
    done = client.post(set_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    isva.refresh_from_db()
    assert isva.check_password(new_password)
    again = client.get(link, follow=True)
    assert "This link has expired or was already used" in again.content.decode()


def test_passwords_are_hashed_with_argon2_in_production_settings() -> None:
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_user_manager_lowercases_email_and_requires_it(cps_agency) -> None:
    user = User.objects.create_user(email="Mixed.Case@Example.ORG", password=TEST_PASSWORD, agency=cps_agency)
    assert user.email == "mixed.case@example.org"
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user(email="", password=TEST_PASSWORD, agency=cps_agency)


def _normalised(body: str, email: str) -> str:
    body = body.replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="X"', body)


def test_unknown_address_failure_is_audited_without_the_address_or_a_user(client: Client, isva: User) -> None:
    from wagtail.models import ModelLogEntry

    from agencies.audit import Action
    from agencies.services import email_keyed_hash

    domain = isva.agency.allowed_email_domains[0]
    unknown = f"Nobody.Here@{domain.upper()}"
    users_before = User.objects.count()
    password = "an-attempted-secret-passphrase"
    unknown_response = client.post("/account/sign-in/", {"username": unknown, "password": password})
    wrong_response = Client().post("/account/sign-in/", {"username": isva.email, "password": password})

    assert User.objects.count() == users_before
    entry = ModelLogEntry.objects.get(action=Action.SIGN_IN_FAILED_UNKNOWN)
    assert entry.user_id is None
    assert entry.data == {
        "agency_id": isva.agency_id,  # the agency that allows the domain: filterable by agency
        "email_domain": domain,
        "email_hash": email_keyed_hash(unknown.lower()),
    }
    stored = str(entry.data) + entry.object_id + str(entry.label)
    assert "nobody" not in stored.lower() and password not in stored
    assert ModelLogEntry.objects.filter(action=Action.SIGN_IN_FAILED, object_id=str(isva.pk)).count() == 1

    # The visitor cannot tell the two apart: same status, same page (bar the echoed address and
    # the per-response CSRF token).
    assert unknown_response.status_code == wrong_response.status_code == 200
    assert _normalised(unknown_response.content.decode(), unknown) == _normalised(
        wrong_response.content.decode(), isva.email
    )


def test_unknown_address_at_no_agency_is_audited_against_the_site(client: Client, isva: User) -> None:
    """No operator agency in this test: the default site carries the entry."""
    from wagtail.models import ModelLogEntry, Site

    from agencies.audit import Action

    client.post("/account/sign-in/", {"username": "someone@elsewhere.example", "password": "x" * 20})
    hostile = client.post("/account/sign-in/", {"username": "not an address" * 500, "password": "x"})
    assert hostile.status_code == 200  # a clear form error, never a 500 (axes' 255-char column)
    entries = list(ModelLogEntry.objects.filter(action=Action.SIGN_IN_FAILED_UNKNOWN).order_by("pk"))
    assert [entry.data["email_domain"] for entry in entries] == ["elsewhere.example", ""]
    site = Site.objects.get(is_default_site=True)
    assert all(entry.object_id == str(site.pk) and entry.data["agency_id"] is None for entry in entries)


def test_unknown_address_failures_show_in_the_site_history(client_for, platform_admin: User) -> None:
    from agencies.audit import Action
    from tests.factories import AgencyFactory

    operator = AgencyFactory(name="Operator", kind=AgencyKind.PLATFORM_OPERATOR, area=None)
    Client().post("/account/sign-in/", {"username": "ghost@elsewhere.example", "password": "x" * 20})
    response = client_for(platform_admin).get("/cms/reports/site-history/")
    assert response.status_code == 200
    assert "Failed sign-in for an address with no account" in response.content.decode()
    entry = ModelLogEntry.objects.get(action=Action.SIGN_IN_FAILED_UNKNOWN)
    assert entry.object_id == str(operator.pk) and entry.data["agency_id"] is None
