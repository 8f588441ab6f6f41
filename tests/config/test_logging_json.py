"""JSON logs (config.observability.logging) with request IDs (config.observability.request_id):
one object per line, the request's ID in each line of the request, its emails and its WebSocket
consumer, and never case content (scrubbed by scrutiny.reporting.CaseContentLogFilter, which stays
in the chain)."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.test import override_settings

from config.observability.logging import JsonFormatter, RequestIdFilter
from config.observability.request_id import WebSocketRequestIdMiddleware, request_id_var
from scrutiny.reporting import CaseContentLogFilter
from tests.config.observability_urls import CASE_TEXT

ROOT = Path(__file__).resolve().parents[2]
GENERATED = re.compile(r"[0-9a-f]{32}")


def _console_handler() -> logging.Handler:
    """The handler settings.LOGGING configured on the root logger."""
    for handler in logging.getLogger().handlers:
        if any(isinstance(f, RequestIdFilter) for f in handler.filters):
            return handler
    raise AssertionError("no root handler has the request ID filter")


class Lines:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def __call__(self) -> list[dict]:
        raw = self.stream.getvalue().splitlines()
        return [json.loads(line) for line in raw]  # each line alone is one JSON object

    @property
    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture
def json_lines() -> Iterator[Lines]:
    """A copy of the console handler (same formatter, same filters, in order) writing to a buffer."""
    console = _console_handler()
    stream = io.StringIO()
    capture = logging.StreamHandler(stream)
    capture.setFormatter(console.formatter)
    for log_filter in console.filters:
        capture.addFilter(log_filter)
    root = logging.getLogger()
    root.addHandler(capture)
    try:
        yield Lines(stream)
    finally:
        root.removeHandler(capture)


def test_the_console_handler_formats_json_after_the_case_content_filter() -> None:
    console = _console_handler()
    assert isinstance(console.formatter, JsonFormatter)
    kinds = [type(f) for f in console.filters]
    assert CaseContentLogFilter in kinds and kinds.count(CaseContentLogFilter) == 1


def test_one_json_object_per_line_even_for_multiline_messages_and_tracebacks(json_lines) -> None:
    log = logging.getLogger("tests.observability")
    log.warning("two\nlines")
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed")
    first, second = json_lines()
    assert len(json_lines.text.splitlines()) == 2
    assert first["message"] == "two\nlines" and first["level"] == "WARNING"
    assert first["logger"] == "tests.observability" and first["request_id"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", first["time"])
    assert "ValueError: boom" in second["exc_info"]


def test_case_text_in_a_scrutiny_record_never_reaches_the_json_line(json_lines) -> None:
    """The existing log-leak rule (tests/scrutiny/test_services.py), through the JSON format: the
    arguments go (CaseContentLogFilter) and so do `extra=` fields, which JSON would otherwise print."""
    logging.getLogger("scrutiny.services").error(
        "failed for %s", CASE_TEXT, extra={"case_text": CASE_TEXT, "detail": {"text": CASE_TEXT}}
    )
    logging.getLogger("tests.observability").info("other code keeps its extras", extra={"shown": "yes"})
    scrutiny_line, other_line = json_lines()
    assert CASE_TEXT not in json_lines.text and "zqx" not in json_lines.text
    assert scrutiny_line["message"] == "failed for %s"
    assert other_line["shown"] == "yes"  # the extras mechanism works: its absence above is the filter


@pytest.mark.urls("tests.config.observability_urls")
@override_settings(
    EMAIL_BACKEND="config.observability.email.ObservedEmailBackend",
    EMAIL_DELIVERY_BACKEND="django.core.mail.backends.locmem.EmailBackend",
)
def test_every_line_of_a_request_and_its_email_carries_the_callers_request_id(client, json_lines) -> None:
    response = client.get("/log-and-mail/", HTTP_X_REQUEST_ID="edge-7f3a.42:b_c")
    assert response.status_code == 200 and response["X-Request-ID"] == "edge-7f3a.42:b_c"
    lines = json_lines()
    assert {line["message"] for line in lines} >= {"view ran", "Email sent: 1 of 1 message(s)"}
    assert {line["request_id"] for line in lines} == {"edge-7f3a.42:b_c"}
    assert mail.outbox[-1].extra_headers["X-Request-ID"] == "edge-7f3a.42:b_c"
    assert request_id_var.get() is None  # unset after the request


@pytest.mark.django_db
@pytest.mark.urls("tests.config.observability_urls")
def test_the_handlers_own_lines_after_the_middleware_carry_the_id_too(client, json_lines) -> None:
    """django.request logs an error response after the middleware chain has returned."""
    response = client.get("/unavailable/", HTTP_X_REQUEST_ID="rid-503")
    assert response.status_code == 503 and response["X-Request-ID"] == "rid-503"
    (line,) = [line for line in json_lines() if line["logger"] == "django.request"]
    assert line["message"] == "Service Unavailable: /unavailable/" and line["request_id"] == "rid-503"
    assert request_id_var.get() is None  # request_finished unset it


@pytest.mark.parametrize(
    "sent",
    ["", "x" * 129, "has space", 'quote"d', "new\nline", "semi;colon", "caf\u00e9", "<script>"],
)
def test_an_unsafe_incoming_request_id_is_replaced_by_a_generated_one(client, sent: str) -> None:
    response = client.get("/healthz/live", headers={"X-Request-ID": sent} if "\n" not in sent else {})
    if "\n" in sent:  # a header cannot hold a newline; the WSGI environ can
        response = client.get("/healthz/live", HTTP_X_REQUEST_ID=sent)
    assert response.status_code == 200
    assert GENERATED.fullmatch(response["X-Request-ID"]), response["X-Request-ID"]


def test_without_a_header_each_request_gets_its_own_id(client) -> None:
    first = client.get("/healthz/live")["X-Request-ID"]
    second = client.get("/healthz/live")["X-Request-ID"]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second


def test_the_longest_accepted_id_is_128_characters(client) -> None:
    assert client.get("/healthz/live", HTTP_X_REQUEST_ID="a" * 128)["X-Request-ID"] == "a" * 128


class LoggingConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        logging.getLogger("tests.observability").info("socket connecting")
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        logging.getLogger("tests.observability").info("socket received")
        await self.send(text_data="ok")


# The consumer's dispatch closes old database connections (channels.db): where an earlier test
# left one open in the executor's thread, that is database access.
@pytest.mark.django_db
@pytest.mark.asyncio
async def test_a_websocket_consumers_lines_carry_the_connections_request_id(json_lines) -> None:
    app = WebSocketRequestIdMiddleware(LoggingConsumer.as_asgi())
    communicator = WebsocketCommunicator(app, "/ws/x/", headers=[(b"x-request-id", b"ws-abc-123")])
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_to(text_data="hi")
    assert await communicator.receive_from() == "ok"
    await communicator.disconnect()
    lines = [line for line in json_lines() if line["logger"] == "tests.observability"]
    assert [line["message"] for line in lines] == ["socket connecting", "socket received"]
    assert {line["request_id"] for line in lines} == {"ws-abc-123"}


# The consumer's dispatch closes old database connections (channels.db): where an earlier test
# left one open in the executor's thread, that is database access.
@pytest.mark.django_db
@pytest.mark.asyncio
async def test_a_websocket_without_a_usable_id_gets_one_in_scope_and_accept_headers() -> None:
    seen = {}

    class Recorder(AsyncWebsocketConsumer):
        async def connect(self) -> None:
            seen["scope"] = self.scope["request_id"]
            seen["var"] = request_id_var.get()
            await self.accept()

    app = WebSocketRequestIdMiddleware(Recorder.as_asgi())
    communicator = WebsocketCommunicator(app, "/ws/x/", headers=[(b"x-request-id", b"bad id\xff")])
    connected, _ = await communicator.connect()
    assert connected and GENERATED.fullmatch(seen["scope"]) and seen["var"] == seen["scope"]
    await communicator.disconnect()


def test_the_websocket_stack_of_config_asgi_sets_request_ids() -> None:
    from config.asgi import application

    assert isinstance(application.application_mapping["websocket"], WebSocketRequestIdMiddleware)


@pytest.mark.slow
def test_json_is_productions_format_and_plain_is_make_runs() -> None:
    code = "from django.conf import settings; print(settings.LOGGING['handlers']['console']['formatter'])"
    base_env = {k: v for k, v in os.environ.items() if k not in ("LOG_FORMAT", "DJANGO_SETTINGS_MODULE")}
    formats = {}
    for module, extra in (
        ("config.settings.production", {"SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "hub.example.org"}),
        ("config.settings.dev", {}),
    ):
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env={**base_env, **extra, "DJANGO_SETTINGS_MODULE": module},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        formats[module] = result.stdout.strip().splitlines()[-1]
    assert formats == {"config.settings.production": "json", "config.settings.dev": "plain"}


@pytest.mark.asyncio
async def test_the_fan_out_tasks_every_socket_shares_log_no_connections_id(json_lines) -> None:
    """agencies.realtime.fanout starts its tasks inside the first connection's context; their lines
    must not claim to be that connection's."""
    import asyncio

    log = logging.getLogger("tests.observability")
    token = request_id_var.set("first-socket")
    try:
        await asyncio.create_task(asyncio.to_thread(lambda: None), name="unrelated")
        await asyncio.create_task(_log_once(log, "from a socket's own task"), name="socket-task")
        await asyncio.create_task(_log_once(log, "from the hub"), name="fanout-deliver")
    finally:
        request_id_var.reset(token)
    lines = {line["message"]: line["request_id"] for line in json_lines()}
    assert lines == {"from a socket's own task": "first-socket", "from the hub": None}


async def _log_once(log: logging.Logger, message: str) -> None:
    log.info(message)
