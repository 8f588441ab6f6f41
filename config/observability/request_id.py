"""One request ID per HTTP request and per WebSocket connection, carried in a context variable.

The ID comes from an incoming `X-Request-ID` header when it is a plausible one (1 to 128 letters,
digits, `.`, `_`, `:` or `-`: nothing that could break a log line or a header), otherwise it is
generated (32 hex digits). It is returned in the response's `X-Request-ID` header and added to
every log record emitted while the request or connection is handled (config.observability.logging),
including those of emails sent during it (config.observability.email) and of tasks run in it.
"""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
_SCOPE_HEADER = b"x-request-id"
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return request_id_var.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(candidate: str | bytes | None) -> str:
    """The caller's ID if it is safe to log and echo, else a new one."""
    if isinstance(candidate, bytes):
        try:
            candidate = candidate.decode("ascii")
        except UnicodeDecodeError:
            candidate = None
    if candidate and _VALID.fullmatch(candidate):
        return candidate
    return new_request_id()


def on_request_started(sender: Any, environ: Any = None, scope: Any = None, **kwargs: Any) -> None:
    """Django's request_started signal (WSGI: `environ`, ASGI: `scope`): the ID is set before the
    first middleware runs and stays set until request_finished, so the handler's own log lines
    after the middleware (django.request's "Not Found: …", "Internal Server Error: …") have it."""
    if environ is not None:
        request_id_var.set(accepted_request_id(environ.get(_META_KEY)))
    elif scope is not None:
        request_id_var.set(_scope_request_id(scope.get("headers", ())))


def on_request_finished(sender: Any, **kwargs: Any) -> None:
    request_id_var.set(None)  # a thread serves many requests


class RequestIdMiddleware:
    """Outermost middleware: puts the request's ID (set by on_request_started) on the request and
    in the response's header. Without the signal (a request built by hand), it sets the ID itself
    for the middleware and view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_var.get()
        token = None
        if request_id is None:
            request_id = accepted_request_id(request.META.get(_META_KEY))
            token = request_id_var.set(request_id)
        request.request_id = request_id
        try:
            response = self.get_response(request)
        finally:
            if token is not None:
                request_id_var.reset(token)
        response[HEADER] = request_id
        return response


def _scope_request_id(headers: Iterable[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name.lower() == _SCOPE_HEADER:
            return accepted_request_id(value)
    return new_request_id()


ASGIApp = Callable[
    [dict[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[Any]
]


class WebSocketRequestIdMiddleware:
    """ASGI middleware for the websocket protocol: the connection's ID (from the upgrade request's
    `X-Request-ID` or generated) is in `scope["request_id"]` and in the context variable for the
    consumer's whole life, so its log lines carry it. The accept message offers it as a response
    header (ASGI allows it; daphne 4 does not send accept headers, other servers do)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope.get("type") != "websocket":
            return await self.app(scope, receive, send)
        request_id = _scope_request_id(scope.get("headers", ()))
        scope = {**scope, "request_id": request_id}

        async def send_with_id(message: dict[str, Any]) -> None:
            if message.get("type") == "websocket.accept":
                headers = [h for h in message.get("headers", ()) if h[0].lower() != _SCOPE_HEADER]
                message = {**message, "headers": [*headers, (_SCOPE_HEADER, request_id.encode())]}
            await send(message)

        token = request_id_var.set(request_id)
        try:
            return await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)
