"""The versioned JSON API (/api/v1/), one django-ninja router per app. Every endpoint needs a
signed-in session (CSRF-checked for writes); OpenAPI at /api/v1/openapi.json."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpRequest, HttpResponse, RawPostDataException
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import ValidationError as InputInvalid
from ninja.operation import Operation
from ninja.security import django_auth

from agencies.api import ErrorOut
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


NON_FIELD = "__all__"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@api.exception_handler(InputInvalid)
def _invalid_input(request: HttpRequest, exc: InputInvalid) -> HttpResponse:
    """A path, query or body the schema refuses: a 422 in the ErrorOut shape every other 4xx has
    (ninja's own answer put a list in `detail`). Messages and locations only: the value sent is
    never echoed back (it may be case content)."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ())) or NON_FIELD
        errors.setdefault(where, []).append(str(error.get("msg") or "Invalid value."))
    detail = "The request is not valid: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
    field = next(iter(errors)) if len(errors) == 1 and NON_FIELD not in errors else None
    body = {"detail": detail, "errors": errors, "field": field, "code": "invalid"}
    return api.create_response(request, body, status=422)


def statuses_every_operation_can_return(operation: Operation) -> set[int]:
    """The statuses an operation can answer before its own code runs, whatever that code is, so no
    endpoint has to remember them: 401 (signed out; every operation with an auth callback), 403 (the
    CSRF check of session auth on a write), 413 (a write's body over DATA_UPLOAD_MAX_MEMORY_SIZE),
    415 (a form or multipart POST body where a JSON one is expected) and 422 (a query, body or constrained
    path parameter the schema refuses). The 403, 404 and 409 an endpoint answers itself it declares
    in its decorator."""
    statuses: set[int] = set()
    writes = UNSAFE_METHODS.intersection(operation.methods)
    if operation.auth_callbacks:
        statuses.add(401)
        if writes and any(getattr(auth, "csrf", False) for auth in operation.auth_callbacks):
            statuses.add(403)
    if writes:
        statuses.add(413)
    if "POST" in operation.methods and any(m.__ninja_param_source__ == "body" for m in operation.models):
        statuses.add(415)  # the CSRF check reads a POST's form body, which leaves none for JSON
    if any(_can_refuse(model) for model in operation.models):
        statuses.add(422)
    return statuses


def _can_refuse(model: Any) -> bool:
    """Whether ninja can refuse this input with a 422: any query or body field; a path field only
    when it has constraints (a plain `int` path segment that is not digits matches no URL: 404)."""
    if model.__ninja_param_source__ != "path":
        return bool(model.model_fields)
    return any(field.metadata for field in model.model_fields.values())


def _document_common_statuses() -> None:
    """Adds those statuses, as ErrorOut, to every operation's responses (and so to the schema)."""
    for bound_router in api._get_bound_routers():
        for path_view in bound_router.path_operations.values():
            for operation in path_view.operations:
                for status in statuses_every_operation_can_return(operation):
                    operation.response_models.setdefault(status, operation._create_response_model(ErrorOut))


api.add_router("/account/", account_router)
api.add_router("/dropins/", dropins_router)
api.add_router("/pre-trial-meetings/", pretrial_router)
api.add_router("/scrutiny/", scrutiny_router)
_document_common_statuses()


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
