"""Rate limits for requests that send email (password resets, invitations), in the project's cache.

Each scope in settings.SECURITY_LIMITS (the one place every limit lives) allows `account`
requests per target account (the email address typed, normalised as the User manager stores it:
trimmed and lower-cased) and `address` requests per client address, within `window_seconds` of
the first one. The window starts at a subject's first request and its counter expires with it, so
there is no shared clock boundary at which everyone's count resets at once.

Counters are cache entries (locmem in one process, Redis when scaled out): `add` then `incr`, both
atomic on Redis, so the limit holds across processes, sessions and cookies. Keys carry a keyed
hash of the subject, never the address itself. If the cache cannot count (Redis unreachable), the
request is allowed and a warning logged: the limit is a brake on email floods, and a cache outage
must not stop people resetting their passwords.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

KEY_SALT = "agencies.ratelimits"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    # Which limit refused the request ("account" or "address"), when one did.
    exceeded: str | None = None
    # This is the first request over that limit in its window: record it (once per window, so a
    # flood does not write a flood of audit entries).
    first_refusal: bool = False


def normalise_account(email: str) -> str:
    return str(email or "").strip().lower()


def _key(scope: str, kind: str, value: str) -> str:
    digest = salted_hmac(KEY_SALT, f"{scope}:{kind}:{value}", algorithm="sha256").hexdigest()[:40]
    return f"ratelimit:{scope}:{kind}:{digest}"


def _count(key: str, window: int) -> int | None:
    """This request's number in its window, or None if the cache cannot count."""
    try:
        if cache.add(key, 1, timeout=window):
            return 1
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr: this request opens a new window
            cache.add(key, 1, timeout=window)
            return 1
    except Exception as exc:  # noqa: BLE001 - any cache failure: allow, and say so
        logger.warning("Rate limit not counted, cache unavailable (%s)", exc.__class__.__name__)
        return None


def hit(scope: str, *, account: str, address: str | None) -> Verdict:
    """Count one request for `account` from `address` against `scope`'s limits. The address is
    counted first; a request it refuses does not use up the target account's allowance."""
    limits = settings.SECURITY_LIMITS[scope]
    window = int(limits["window_seconds"])
    for kind, value in (("address", address or ""), ("account", normalise_account(account))):
        if not value:
            continue
        count = _count(_key(scope, kind, value), window)
        if count is None:
            continue
        limit = int(limits[kind])
        if count > limit:
            logger.warning("Rate limit reached: %s per %s", scope, kind)
            return Verdict(allowed=False, exceeded=kind, first_refusal=count == limit + 1)
    return Verdict(allowed=True)
