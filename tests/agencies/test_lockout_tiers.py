"""Sign-in lockout counts per account, per account and address, and per address with a much higher
ceiling (agencies.lockout, settings.SECURITY_LIMITS["sign_in"]): one office behind NAT is not
locked out by one person's wrong passwords."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from agencies.models import User
from tests.agencies.test_security import fail, set_sign_in_limits
from tests.factories.agencies import TEST_PASSWORD

pytestmark = pytest.mark.django_db

OFFICE = "192.0.2.10"  # one NAT address for a whole office
ELSEWHERE = "198.51.100.20"


def sign_in(email: str, ip: str, password: str = TEST_PASSWORD) -> int:
    return (
        Client()
        .post("/account/sign-in/", {"username": email, "password": password}, REMOTE_ADDR=ip)
        .status_code
    )


def test_the_configured_defaults_are_ten_per_account_and_a_hundred_per_address(settings) -> None:
    assert settings.SECURITY_LIMITS["sign_in"] == {"account": 10, "account_address": 10, "address": 100}


def test_ten_failures_lock_the_account_everywhere_but_not_a_colleague_at_the_same_address(
    isva: User, host: User
) -> None:
    # The shipped limits, not lowered ones.
    assert fail(Client(), isva.email, 10, ip=OFFICE) == [200] * 9 + [429]
    assert sign_in(isva.email, OFFICE) == 429  # the right password no longer helps
    assert sign_in(isva.email, ELSEWHERE) == 429  # per account: another address is locked too
    assert sign_in(host.email, OFFICE) == 302  # a colleague behind the same address signs in


def test_the_address_is_refused_only_at_its_own_ceiling(settings, isva: User, host: User) -> None:
    set_sign_in_limits(settings, 3, address=8)
    assert fail(Client(), isva.email, 3, ip=OFFICE) == [200, 200, 429]
    for n in range(4):  # 7 failures from the office in all: under the ceiling
        assert fail(Client(), f"guess{n}@example.org", 1, ip=OFFICE) == [200]
    assert sign_in(host.email, OFFICE) == 302
    assert fail(Client(), "guess-last@example.org", 1, ip=OFFICE) == [429]  # the 8th: the ceiling
    assert sign_in(host.email, OFFICE) == 429
    assert sign_in(host.email, ELSEWHERE) == 302  # the account itself is not locked


def test_the_account_and_address_count_has_its_own_limit(settings, isva: User) -> None:
    set_sign_in_limits(settings, 10, account_address=3, address=100)
    assert fail(Client(), isva.email, 3, ip=OFFICE) == [200, 200, 429]
    assert sign_in(isva.email, OFFICE) == 429
    assert sign_in(isva.email, ELSEWHERE) == 302  # 3 of the account's 10 used: not locked


@pytest.mark.parametrize(
    "variants",
    [
        ["ISVA@EXAMPLE.ORG", " isva@example.org", "Isva@Example.Org  "],
        ["\tisva@example.org\n", "isva@EXAMPLE.org", "isva@example.org"],
    ],
)
def test_obfuscated_usernames_count_as_the_same_account(settings, isva: User, variants: list[str]) -> None:
    set_sign_in_limits(settings, 3, address=100)
    isva.email = "isva@example.org"
    isva.save(update_fields=["email"])
    statuses = [fail(Client(), email, 1, ip=f"203.0.113.{n}")[0] for n, email in enumerate(variants)]
    assert statuses == [200, 200, 429]
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"isva@example.org"}
    assert sign_in("isva@example.org", ELSEWHERE) == 429


def test_a_lockout_is_a_clear_429_never_a_500(settings, isva: User) -> None:
    set_sign_in_limits(settings, 2)
    fail(Client(), isva.email, 2, ip=OFFICE)
    response = Client().post(
        "/account/sign-in/", {"username": isva.email, "password": TEST_PASSWORD}, REMOTE_ADDR=OFFICE
    )
    assert response.status_code == 429
    body = response.content.decode()
    assert "Sign-in is locked for now" in body and "15 minutes" in body


def test_a_colleague_signing_in_does_not_clear_anyone_elses_failures(
    settings, isva: User, host: User
) -> None:
    set_sign_in_limits(settings, 3, address=100)
    assert fail(Client(), isva.email, 2, ip=OFFICE) == [200, 200]
    assert sign_in(host.email, OFFICE) == 302  # a success from the same address
    assert fail(Client(), isva.email, 1, ip=OFFICE) == [429]  # isva's two failures still count


def test_signing_in_clears_the_accounts_own_failures(settings, isva: User) -> None:
    set_sign_in_limits(settings, 3, address=100)
    fail(Client(), isva.email, 2, ip=OFFICE)
    assert sign_in(isva.email, ELSEWHERE) == 302
    assert fail(Client(), isva.email, 2, ip=OFFICE) == [200, 200]


def test_a_lockout_parameter_without_a_limit_is_a_configuration_error(settings, rf) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from agencies.lockout import tier_of

    assert tier_of(["username", "ip_address"]) == tier_of(("ip_address", "username")) == "account_address"
    with pytest.raises(ImproperlyConfigured):
        tier_of("user_agent")
