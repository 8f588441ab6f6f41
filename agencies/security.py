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
    return str(value).strip().lower()
