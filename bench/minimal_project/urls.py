"""The minimal project's one view, at / (and at the launcher's readiness probe path)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("", ok), path("healthz/ready", ok)]
