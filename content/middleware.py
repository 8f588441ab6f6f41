"""The Wagtail admin's `next` parameter, checked before any admin view runs."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse

BAD_NEXT = "The return address (next) is not a web address. Go back and try again from the page."


def _unusable_next(value: str) -> bool:
    """Whether Django's redirect() would fail on `value` after Wagtail accepted it.
    wagtail.admin.utils.get_valid_next_url_from_request checks only the host, and redirect()
    reads a value with neither "/" nor "." as a URL pattern name (NoReverseMatch: `next=43`) and
    refuses a Location with a line break or other control character (BadHeaderError)."""
    if any(unicodedata.category(char)[0] == "C" for char in value):
        return True
    return "/" not in value and "." not in value


class AdminNextParameterMiddleware:
    """Answers 400, before the view, any admin request whose `next` (query or form) would make
    Wagtail's redirect after the action a 500: the workflow actions (approve, request changes)
    had already done their work when the redirect raised. Real admin links always carry a path."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.prefix:
            self.prefix = reverse("wagtailadmin_home")
        if request.path.startswith(self.prefix):
            values = request.GET.getlist("next")
            if request.method == "POST":
                values += request.POST.getlist("next")
            if any(value and _unusable_next(value) for value in values):
                return HttpResponseBadRequest(BAD_NEXT, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
