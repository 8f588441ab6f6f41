"""Refusals at the edge of the stack, before any view or other middleware reads the request."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse


class HostileRequestMiddleware:
    """A NUL byte anywhere in the query string (a name or a value) is a 400: no view has a use for
    one, and PostgreSQL refuses it as a query parameter (a DataError, so a 500, wherever a view
    filtered on the value, as the site search's theme filter did)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL byte in the query string")
        return self.get_response(request)
