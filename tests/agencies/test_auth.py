import re

import pytest
from django.contrib.auth import get_user
from django.core import mail
from django.test import Client

from agencies.models import User
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


@pytest.mark.parametrize("path", ["/account/notifications/", "/cms/", "/cms/pages/"])
def test_deny_by_default_redirects_anonymous_visitors_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/?next=")


def test_password_reset_does_not_reveal_whether_an_account_exists(client: Client, isva: User) -> None:
    known = client.post("/account/password-reset/", {"email": isva.email})
    unknown = client.post("/account/password-reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/account/password-reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [isva.email]


def test_password_reset_link_sets_a_new_password_once(client: Client, isva: User) -> None:
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


def test_user_manager_lowercases_email_and_requires_it(cps_agency) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.create_user(email="Mixed.Case@Example.ORG", password=TEST_PASSWORD, agency=cps_agency)
    assert user.email == "mixed.case@example.org"
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user(email="", password=TEST_PASSWORD, agency=cps_agency)
