"""Where TLS terminates, on the real stack with production settings (platform/launch.py with a
self-signed certificate on loopback): nginx speaks TLS 1.2/1.3 only and sends HSTS once; its
plain-HTTP listener answers health probes and sends everything else to https, once; a client's own
X-Forwarded-Proto is never believed, an outer terminator's is, from its address only.

The trusted terminator is 127.0.0.2 (Linux routes all of 127.0.0.0/8 to loopback), so one stack
shows a trusted and an untrusted client side by side."""

from __future__ import annotations

import http.client
import secrets
import ssl
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import database_url_for_subprocess
from tests.live import free_port
from tests.platform.stack import RunningStack, self_signed, start_stack

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

TERMINATOR = "127.0.0.2"
HSTS = "max-age=31536000; includeSubDomains; preload"
PAGE = "/api/v1/openapi.json"  # a public page that needs no collected static files


class Ports:
    def __init__(self) -> None:
        self.https = free_port()
        self.http = free_port()


@pytest.fixture(scope="module")
def ports() -> Ports:
    return Ports()


@pytest.fixture(scope="module")
def stack(
    ports: Ports, tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Iterator[RunningStack]:
    with django_db_blocker.unblock():
        database_url = database_url_for_subprocess()
    run = tmp_path_factory.mktemp("edge")
    cert, key = self_signed(run.parent)
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
    }
    args = [
        "--port", str(ports.https), "--http-port", str(ports.http),
        "--tls-cert", str(cert), "--tls-key", str(key), "--trusted-proxy", TERMINATOR,
        "--ws-workers", "1", "--http-workers", "1", "--no-task-worker",
    ]  # fmt: skip
    running = start_stack(run, env, args)
    yield running
    running.stop()


def _https(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # our own self-signed certificate
    connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=15, context=context)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _http(
    port: int, path: str, headers: dict[str, str] | None = None, source: str = "127.0.0.1"
) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15, source_address=(source, 0))
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.mark.parametrize("path", ["/healthz", "/healthz/live", "/healthz/ready"])
def test_probes_over_plain_http_are_answered_not_redirected(
    stack: RunningStack, ports: Ports, path: str
) -> None:
    response = _http(ports.http, path)
    assert response.status == 200, (response.status, response.getheader("Location"))


def test_pages_over_plain_http_go_to_https_once(stack: RunningStack, ports: Ports) -> None:
    response = _http(ports.http, PAGE)
    assert response.status == 301
    assert response.getheader("Location") == f"https://127.0.0.1:{ports.https}{PAGE}"
    followed = _https(ports.https, PAGE)
    assert followed.status == 200  # no second redirect: no loop


def test_https_sends_hsts_once_on_pages_and_probes(stack: RunningStack, ports: Ports) -> None:
    for path in (PAGE, "/healthz/live"):
        response = _https(ports.https, path)
        assert response.status == 200
        assert response.headers.get_all("Strict-Transport-Security") == [HSTS]


def test_a_clients_own_forwarded_proto_is_never_believed(stack: RunningStack, ports: Ports) -> None:
    # Claiming https over plain HTTP: still sent to https, and no HSTS from Django.
    spoofed = _http(ports.http, PAGE, {"X-Forwarded-Proto": "https"})
    assert spoofed.status == 301
    probe = _http(ports.http, "/healthz/live", {"X-Forwarded-Proto": "https"})
    assert probe.status == 200 and probe.getheader("Strict-Transport-Security") is None
    # Claiming http over TLS: nginx says https regardless, so no redirect (no loop).
    assert _https(ports.https, PAGE, {"X-Forwarded-Proto": "http"}).status == 200


def test_an_outer_terminator_is_believed_from_its_address_only(stack: RunningStack, ports: Ports) -> None:
    forwarded = _http(ports.http, PAGE, {"X-Forwarded-Proto": "https"}, source=TERMINATOR)
    assert forwarded.status == 200  # served, not redirected back to the terminator (no loop)
    assert forwarded.getheader("Strict-Transport-Security") is not None  # Django sees https
    # The terminator forwarding plain http is sent to https, once.
    assert _http(ports.http, PAGE, {"X-Forwarded-Proto": "http"}, source=TERMINATOR).status == 301


def _handshake(port: int, *, version: ssl.TLSVersion, ciphers: str | None = None) -> str:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = context.maximum_version = version
    if ciphers:
        context.set_ciphers(ciphers)
    import socket

    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw) as tls,
    ):
        return f"{tls.version()} {tls.cipher()[0]}"


def test_tls_is_1_2_or_1_3_with_forward_secret_ciphers_only(stack: RunningStack, ports: Ports) -> None:
    assert _handshake(ports.https, version=ssl.TLSVersion.TLSv1_3).startswith("TLSv1.3 ")
    assert _handshake(ports.https, version=ssl.TLSVersion.TLSv1_2).startswith("TLSv1.2 ECDHE-")
    # A TLS 1.2 client offering only static-RSA key exchange (no forward secrecy) is refused.
    with pytest.raises(ssl.SSLError):
        _handshake(ports.https, version=ssl.TLSVersion.TLSv1_2, ciphers="AES128-GCM-SHA256:AES256-GCM-SHA384")
    # And TLS 1.1, where this client's OpenSSL still offers it.
    try:
        _handshake(ports.https, version=ssl.TLSVersion.TLSv1_1, ciphers="DEFAULT:@SECLEVEL=0")
    except ssl.SSLError:
        pass
    else:
        pytest.fail("TLS 1.1 was accepted")
