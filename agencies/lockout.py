"""Sign-in lockout with a different limit per kind of count (django-axes' database handler).

django-axes counts failed sign-ins for each entry of AXES_LOCKOUT_PARAMETERS (here: the account,
the account from one address, and the address across accounts) but compares every count with the
one AXES_FAILURE_LIMIT. The address needs a much higher ceiling than the account, or ten wrong
passwords for one account lock out everyone behind the same NAT address. This handler keeps
django-axes' storage, signals, cool-off, reset and admin unlock, and changes two things:

- `get_failures` answers on the account's scale: the account limit minus the fewest failures any
  count has left before its own limit (settings.SECURITY_LIMITS["sign_in"]). django-axes locks
  when that reaches AXES_FAILURE_LIMIT (the account limit), that is exactly when some count has
  reached its own limit.
- A successful sign-in clears that account's failures only. django-axes' default clears every
  count the request matches, so anyone signing in from an address would wipe the address's count
  and other accounts' failures from it.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Sum
from django.http import HttpRequest

# Each AXES_LOCKOUT_PARAMETERS entry -> its limit's name in SECURITY_LIMITS["sign_in"].
TIERS = {
    ("username",): "account",
    ("ip_address", "username"): "account_address",
    ("ip_address",): "address",
}


def sign_in_limits() -> dict[str, int]:
    return dict(settings.SECURITY_LIMITS["sign_in"])


def account_failure_limit(request: HttpRequest | None = None, credentials: Any = None) -> int:
    """AXES_FAILURE_LIMIT: failures for one account (from any address) before it is locked."""
    return int(sign_in_limits()["account"])


def tier_of(parameter: str | list[str] | tuple[str, ...]) -> str:
    key = (parameter,) if isinstance(parameter, str) else tuple(sorted(parameter))
    try:
        return TIERS[key]
    except KeyError:
        raise ImproperlyConfigured(f"No sign-in limit for the lockout parameter {parameter!r}.") from None


class TieredLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        limits = sign_in_limits()
        parameters = get_lockout_parameters(request, credentials)
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        headroom = min(
            int(limits[tier_of(parameter)]) - count
            for parameter, count in zip(parameters, counts, strict=True)
        )
        return account_failure_limit() - headroom

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
