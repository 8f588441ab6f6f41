"""Helpers the account pages share."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """Where to go after this step: a path on this site only (never another host, never a bare
    word that redirect() would try to reverse as a view name)."""
    candidate = str(request.POST.get("next") or request.GET.get("next") or "")
    if (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default
