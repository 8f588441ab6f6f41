"""The versioned JSON API (/api/v1/), one django-ninja router per app. Every endpoint needs a
signed-in session (CSRF-checked for writes); OpenAPI at /api/v1/openapi.json."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpRequest, HttpResponse, RawPostDataException
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.security import django_auth

from agencies.api import router as account_router
from agencies.dropins.api import router as dropins_router
from agencies.errors import error_body, status_for
from agencies.victims.meetings.api import router as pretrial_router
from scrutiny.api import router as scrutiny_router

api = NinjaAPI(
    title="Scrutiny Hub API",
    version="1",
    description="Drop-ins, scrutiny panels and account endpoints. Session authentication; every response "
    "is filtered and redacted for the signed-in user.",
    auth=django_auth,
    urls_namespace="api-v1",
    docs_url=None,  # the docs page loads assets from a CDN; the schema is at openapi.json
)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: a 413 (ninja's own handler made it a 500, with the
    traceback in the response under DEBUG)."""
    return api.create_response(request, {"detail": "The request body is too large."}, status=413)


@api.exception_handler(RawPostDataException)
def _body_already_read(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    """A form or multipart body: the CSRF check parses it as a form (request.POST), after which
    Django cannot give the raw body to the JSON parser. It was a 500."""
    return api.create_response(
        request, {"detail": "Send the request body as JSON, with Content-Type: application/json."}, status=415
    )


@api.exception_handler(ValidationError)
def _refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A service refused the request (agencies.errors: a ServiceError, or Django's ValidationError,
    which scrutiny's services raise): nothing was written. The one place a refusal becomes HTTP:
    the status its class gives (400, 403, 404, 409) and its messages as JSON (ErrorOut); it was a 500
    wherever an endpoint did not catch it itself."""
    return api.create_response(request, error_body(exc), status=status_for(exc))


api.add_router("/account/", account_router)
api.add_router("/dropins/", dropins_router)
api.add_router("/pre-trial-meetings/", pretrial_router)
api.add_router("/scrutiny/", scrutiny_router)


def _api_urlpatterns() -> list[URLPattern | URLResolver]:
    """Ninja answers unauthenticated calls with a JSON 401 itself, so the views are exempt from
    the sign-in redirect of LoginRequiredMiddleware (which would send APIs an HTML page)."""
    patterns, _app_name, _namespace = api.urls
    wrapped: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            wrapped.append(
                URLPattern(
                    pattern.pattern, login_not_required(pattern.callback), pattern.default_args, pattern.name
                )
            )
        else:
            wrapped.append(pattern)
    return wrapped


urlpatterns = (_api_urlpatterns(), "api-v1")
