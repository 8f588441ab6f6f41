"""Views for the observability tests (tests/config/test_logging_json.py, test_sentry.py)."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.mail import EmailMessage
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as project_urlpatterns

# Stands for case content: must never reach a log line or an error report.
CASE_TEXT = "zqx-case-text-Complainant-disclosed-at-the-bus-stop"

logger = logging.getLogger("tests.observability")
case_logger = logging.getLogger("scrutiny.services")


@login_not_required
def log_and_mail(request: HttpRequest) -> HttpResponse:
    logger.info("view ran")
    EmailMessage(subject="Seat confirmed", body="Body", to=["isva@example.org"]).send()
    return HttpResponse("ok")


@csrf_exempt
@login_not_required
def boom(request: HttpRequest) -> HttpResponse:
    case_text = request.POST.get("text", CASE_TEXT)
    case_logger.warning("working on %s", case_text)  # a breadcrumb
    case_logger.error("failed on %s", case_text)  # an event of its own
    raise RuntimeError("the view failed")


@login_not_required
def unavailable(request: HttpRequest) -> HttpResponse:
    return HttpResponse("try later", status=503)  # logged by django.request after the middleware


urlpatterns = [
    path("unavailable/", unavailable, name="unavailable"),
    path("log-and-mail/", log_and_mail, name="log-and-mail"),
    path("boom/", boom, name="boom"),
    *project_urlpatterns,  # the middleware reverses some of the project's names
]
