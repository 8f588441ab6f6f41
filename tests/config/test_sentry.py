"""Sentry error reports (config.observability.sentry) leave without case text, cookies, tokens or
request bodies. A loopback HTTP server stands in for Sentry's ingest; the envelopes it receives
are searched for every secret the failing request carried."""

from __future__ import annotations

import gzip
import http.server
import json
import threading
import zlib
from collections.abc import Iterator

import pytest
import sentry_sdk
from django.conf import settings
from django.test import Client

from config.observability.sentry import before_breadcrumb, before_send, init_sentry
from tests.config.observability_urls import CASE_TEXT

SESSION_SECRET = "sessionvalue-5f1e2d3c4b5a69788796a5b4c3d2e1f0"
BEARER_SECRET = "bearer-token-9a8b7c6d5e4f3a2b1c0d"
CSRF_SECRET = "csrftokenvalue-abcdefabcdefabcdefabcdef12"
QUERY_SECRET = "query-token-31415926535"


class Ingest(http.server.BaseHTTPRequestHandler):
    received: list[bytes]

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding:
            raise AssertionError(f"unexpected encoding {encoding}")
        self.server.received.append(body)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def ingest() -> Iterator[tuple[str, list[bytes]]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Ingest)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    dsn = f"http://publickey@127.0.0.1:{server.server_address[1]}/1"
    try:
        yield dsn, server.received  # type: ignore[attr-defined]
    finally:
        sentry_sdk.init()  # no DSN: the client is off again for every later test
        server.shutdown()
        server.server_close()


def _fail_a_request() -> None:
    client = Client(raise_request_exception=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = SESSION_SECRET
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    response = client.post(
        f"/boom/?token={QUERY_SECRET}",
        {"text": CASE_TEXT},
        HTTP_AUTHORIZATION=f"Bearer {BEARER_SECRET}",
        HTTP_X_CSRFTOKEN=CSRF_SECRET,
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=10)


SECRETS = (CASE_TEXT, SESSION_SECRET, BEARER_SECRET, CSRF_SECRET, QUERY_SECRET)


@pytest.mark.django_db
@pytest.mark.urls("tests.config.observability_urls")
def test_without_the_scrubber_the_envelope_would_carry_the_secrets(ingest) -> None:
    """The harness can see a leak: with Sentry's default collection and no before_send, the case
    text (body, local variables, log arguments) and the query string's token arrive. (The SDK's own
    denylist already masks the cookie, Authorization and CSRF values; the scrubber drops those
    fields whole, tested below and in test_the_scrubber_drops_every_sensitive_field.)"""
    from sentry_sdk.integrations.django import DjangoIntegration

    dsn, received = ingest
    sentry_sdk.init(
        dsn=dsn, integrations=[DjangoIntegration()], data_collection={}, max_request_body_size="always"
    )
    _fail_a_request()
    envelopes = b"\n".join(received).decode("utf-8", "replace")
    assert "RuntimeError" in envelopes
    assert CASE_TEXT in envelopes and QUERY_SECRET in envelopes


@pytest.mark.django_db
@pytest.mark.urls("tests.config.observability_urls")
def test_error_reports_carry_no_case_text_cookie_token_or_body(ingest) -> None:
    dsn, received = ingest
    # As settings would with SENTRY_DSN set, plus PII and bodies switched on: the scrubber alone
    # must keep them out, whatever the SDK's defaults become.
    init_sentry(dsn=dsn, environment="test", data_collection={}, max_request_body_size="always")
    _fail_a_request()
    envelopes = b"\n".join(received).decode("utf-8", "replace")
    assert "RuntimeError" in envelopes and "the view failed" in envelopes  # the report did arrive
    assert "failed on %s" in envelopes  # the logged error too, as its template
    assert "/boom/" in envelopes  # the route, without its query string
    leaked = [secret for secret in SECRETS if secret in envelopes]
    assert not leaked, leaked
    assert "zqx" not in envelopes


def test_sentry_is_off_unless_a_dsn_is_set() -> None:
    assert settings.SENTRY_DSN is None
    assert sentry_sdk.get_client().dsn is None


def test_the_scrubber_drops_every_sensitive_field() -> None:
    """before_send on an event as permissive as an SDK could make it."""
    event = {
        "logger": "scrutiny.services",
        "logentry": {"message": "failed on %s", "params": [CASE_TEXT], "formatted": f"failed on {CASE_TEXT}"},
        "extra": {"text": CASE_TEXT},
        "transaction": "/boom/",
        "transaction_info": {"source": "url"},
        "user": {"id": "7", "email": "isva@example.org", "ip_address": "10.1.2.3"},
        "request": {
            "url": f"http://testserver/boom/?token={QUERY_SECRET}",
            "query_string": f"token={QUERY_SECRET}",
            "data": {"text": CASE_TEXT},
            "cookies": {"sessionid": SESSION_SECRET},
            "env": {"REMOTE_ADDR": "10.1.2.3"},
            "headers": {
                "Cookie": f"sessionid={SESSION_SECRET}",
                "Authorization": f"Bearer {BEARER_SECRET}",
                "X-Csrftoken": CSRF_SECRET,
                "X-Api-Key": BEARER_SECRET,
                "User-Agent": "pytest",
            },
        },
        "exception": {
            "values": [
                {"type": "RuntimeError", "stacktrace": {"frames": [{"vars": {"case_text": CASE_TEXT}}]}}
            ]
        },
        "breadcrumbs": {
            "values": [{"category": "scrutiny.services", "message": "x", "data": {"t": CASE_TEXT}}]
        },
    }
    scrubbed = before_send(event, None)
    text = json.dumps(scrubbed)
    leaked = [secret for secret in (*SECRETS, "isva@example.org", "10.1.2.3") if secret in text]
    assert not leaked, leaked
    assert scrubbed["request"] == {
        "url": "/boom/",
        "headers": {"User-Agent": "pytest", "X-Api-Key": "********************"},
    }
    assert scrubbed["exception"]["values"][0]["stacktrace"]["frames"][0]["vars"] == {
        "case_text": "********************"
    }
    assert scrubbed["logentry"] == {"message": "failed on %s", "params": [], "formatted": "failed on %s"}


@pytest.mark.parametrize("category", ["redis", "cache", "django.cache"])
def test_cache_and_redis_breadcrumbs_never_leave_the_process(category: str) -> None:
    """A session read through the cache names the session key in its command: such breadcrumbs are
    dropped when recorded and again before sending (a crumb recorded by an earlier client)."""
    crumb = {"category": category, "message": f"GET :1:agencies.sessions.v1:{SESSION_SECRET}", "data": {}}
    assert before_breadcrumb(dict(crumb), None) is None
    kept = {"category": "scrutiny.services", "message": "failed on %s"}
    event = before_send({"breadcrumbs": {"values": [dict(crumb), dict(kept)]}}, None)
    assert SESSION_SECRET not in json.dumps(event)
    assert event["breadcrumbs"]["values"] == [kept]
