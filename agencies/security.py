"""Small hooks the security libraries call (django-axes)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in attempt is for, normalised as the User manager stores it, so
    `Alex@Example.org` and `alex@example.org ` count towards the same lockout."""
    value = ""
    if credentials:
        value = credentials.get("username") or credentials.get("email") or ""
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("username", "")
    # Cut to an email address's longest length: django-axes stores it in a 255-character column,
    # and a longer value (never an account) would fail the write on PostgreSQL (a 500).
    return str(value).strip().lower()[:254]


def client_ip_address(request: HttpRequest) -> str | None:
    """The client address django-axes locks out (AXES_CLIENT_IP_CALLABLE).

    With TRUSTED_PROXY_COUNT = 0 (the default) only the socket's address counts: X-Forwarded-For
    is whatever the client typed, so it is ignored and cannot be used to dodge a lockout. With N
    trusted proxies in front (nginx in platform/launch.py: N = 1), the Nth X-Forwarded-For entry
    from the right is the address the outermost trusted proxy saw; entries further left were
    written by the client and are ignored. A header too short or not an IP address falls back to
    the socket's address (everyone behind the proxy then shares one lockout, never none)."""
    import ipaddress

    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR")
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if count <= 0:
        return remote
    entries = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [part for part in entries if part]
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
