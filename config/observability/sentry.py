"""Error reports to Sentry, only when SENTRY_DSN is set, scrubbed before they leave the process.

The scrubber applies the project's own error-report rules (scrutiny.reporting.
ScrutinyExceptionReporterFilter, the filter every scrutiny view's technical report uses, to every
event: no local variable values, no POST values) and goes further, because an event leaves our
infrastructure: no request body, cookies, query string or raw URL (paths carry ids and tokens: the
route pattern is sent instead), no Authorization, Cookie or CSRF header nor any header whose name
Django's filter treats as a secret, and records logged from scrutiny code (and Django's request
loggers, which interpolate paths) keep their message template only, as in our own logs
(scrutiny.reporting.CaseContentLogFilter).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

logger = logging.getLogger(__name__)

# Loggers whose interpolation arguments may carry case text or paths: template only.
TEMPLATE_ONLY_LOGGERS = ("scrutiny", "django.request", "django.security", "django.server")
_DROPPED_HEADERS = frozenset(
    {"cookie", "set-cookie", "authorization", "proxy-authorization", "x-csrftoken", "x-csrf-token"}
)
_DROPPED_REQUEST_KEYS = ("data", "cookies", "query_string", "env")


@functools.cache
def _filter() -> Any:
    # Imported on first use: settings call init_sentry before Django is set up.
    from scrutiny.reporting import ScrutinyExceptionReporterFilter

    return ScrutinyExceptionReporterFilter()


def _template_only(name: object) -> bool:
    return isinstance(name, str) and any(
        name == prefix or name.startswith(prefix + ".") for prefix in TEMPLATE_ONLY_LOGGERS
    )


def _scrub_frames(container: dict[str, Any] | None) -> None:
    for value in (container or {}).get("values") or ():
        for frame in (value.get("stacktrace") or {}).get("frames") or ():
            if "vars" in frame:
                frame["vars"] = dict.fromkeys(frame["vars"] or {}, _filter().cleansed_substitute)


def _scrub_headers(headers: Any) -> dict[str, Any]:
    if not isinstance(headers, dict):
        return {}
    kept = {}
    for name, value in headers.items():
        if name.lower() in _DROPPED_HEADERS:
            continue
        # Django's settings filter: a name matching API, TOKEN, KEY, SECRET, PASS, SIGNATURE, COOKIE.
        kept[name] = _filter().cleanse_setting(name.replace("-", "_").upper(), value)
    return kept


def _scrub_request(event: dict[str, Any]) -> None:
    request = event.get("request")
    if not isinstance(request, dict):
        return
    for key in _DROPPED_REQUEST_KEYS:
        request.pop(key, None)
    request["headers"] = _scrub_headers(request.get("headers"))
    transaction = event.get("transaction")
    if event.get("transaction_info", {}).get("source") == "url" and isinstance(transaction, str):
        request["url"] = transaction  # the route pattern, `/dropins/feed/{token}/calendar.ics`
    else:
        request.pop("url", None)


def _scrub_logentry(event: dict[str, Any]) -> None:
    logentry = event.get("logentry")
    if isinstance(logentry, dict) and _template_only(event.get("logger")):
        logentry["params"] = []
        logentry["formatted"] = logentry.get("message", "")
        event.pop("extra", None)


def before_send(event: dict[str, Any], hint: dict[str, Any] | None) -> dict[str, Any]:
    _scrub_frames(event.get("exception"))
    _scrub_frames(event.get("threads"))
    _scrub_request(event)
    _scrub_logentry(event)
    event.pop("user", None)
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [
            crumb for crumb in (_scrub_breadcrumb(b) for b in breadcrumbs.get("values") or ()) if crumb
        ]
    return event


def _scrub_breadcrumb(crumb: dict[str, Any]) -> dict[str, Any] | None:
    if crumb.get("category") in _DROPPED_BREADCRUMB_CATEGORIES:
        return None
    crumb.pop("data", None)  # before_breadcrumb already reduced log messages to their template
    return crumb


# Breadcrumbs of these categories are never kept: a cache or session command names its key
# (`GET …agencies.sessions.v1:<session key>`), and a key is a credential or names an object.
_DROPPED_BREADCRUMB_CATEGORIES = frozenset({"redis", "cache", "django.cache"})


def before_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any] | None) -> dict[str, Any] | None:
    """Runs when a breadcrumb is recorded: the log record is still at hand, so its template is."""
    if crumb.get("category") in _DROPPED_BREADCRUMB_CATEGORIES:
        return None
    record = (hint or {}).get("log_record")
    crumb.pop("data", None)
    if record is not None and _template_only(crumb.get("category")):
        crumb["message"] = str(record.msg)
    return crumb


def init_sentry(*, dsn: str, environment: str, release: str | None = None, **options: Any) -> None:
    """Called from settings when SENTRY_DSN is set. Errors only (no tracing, no profiling)."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration
    from sentry_sdk.integrations.redis import RedisIntegration

    defaults: dict[str, Any] = {
        # No user, cookies, bodies or query strings collected at all (the scrubber removes them too).
        "data_collection": {
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
        },
        "max_request_body_size": "never",
        "include_source_context": False,
        # Integrations named here only: no automatic Redis or HTTP-client breadcrumbs.
        "auto_enabling_integrations": False,
        # And never Redis's, even if an earlier client in the process set its patch up.
        "disabled_integrations": [RedisIntegration()],
        "integrations": [
            DjangoIntegration(transaction_style="url"),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        "traces_sample_rate": 0.0,
    }
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        **{**defaults, **options},
        # Not overridable: whatever else is collected goes through the scrubber.
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
    )
