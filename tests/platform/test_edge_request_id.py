"""One request ID from nginx to the app, on the real stack (platform/launch.py with --access-log):
a request without X-Request-ID gets nginx's, a well-formed one is kept, a malformed one (too long,
a space, a control character) is replaced before it reaches the app; the response carries the ID,
and nginx's access-log line and the app's JSON log line for the request name the same one."""

from __future__ import annotations

import http.client
import json
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import database_url_for_subprocess
from tests.platform.stack import RunningStack, start_stack

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{1,128}")


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Iterator[RunningStack]:
    with django_db_blocker.unblock():
        database_url = database_url_for_subprocess()
    run = tmp_path_factory.mktemp("request-id")
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url}
    args = ["--ws-workers", "1", "--http-workers", "1", "--no-task-worker", "--access-log"]
    running = start_stack(run, env, args)
    yield running
    running.stop()


def _post(stack: RunningStack, path: str, request_id: bytes | None = None) -> http.client.HTTPResponse:
    """A POST without a CSRF token: the app refuses it with a 403 and logs a line naming the path
    (django.security.csrf, WARNING; a 404 is not logged at the default levels)."""
    port = int(stack.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    connection.putrequest("POST", path)
    connection.putheader("Content-Length", "0")
    if request_id is not None:
        connection.putheader("X-Request-ID", request_id)
    connection.endheaders()
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _lines(path: Any, needle: str, *, within: float = 10) -> list[dict[str, Any]]:
    """The JSON log lines in `path` that mention `needle`, once there is one (nginx buffers its
    access log for up to a second; a worker's stderr is line-buffered)."""
    deadline = time.monotonic() + within
    while True:
        found = []
        if path.exists():
            for line in path.read_text(errors="replace").splitlines():
                if needle in line and line.startswith("{"):
                    found.append(json.loads(line))
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _app_log(stack: RunningStack) -> Any:
    return next(p for p in stack.run.glob("gunicorn*.log"))


def test_a_request_without_an_id_gets_one_in_the_response_and_in_both_logs(stack: RunningStack) -> None:
    path = f"/no-such-page-{uuid.uuid4().hex}/"
    response = _post(stack, path)
    assert response.status == 403
    request_id = response.getheader("X-Request-ID")
    assert request_id is not None and re.fullmatch(r"[0-9a-f]{32}", request_id), request_id
    assert len(response.headers.get_all("X-Request-ID") or []) == 1
    edge = _lines(stack.run / "nginx-access.log", path)
    assert [line["request_id"] for line in edge] == [request_id], edge
    app = _lines(_app_log(stack), path)
    assert app and {line["request_id"] for line in app} == {request_id}, stack.logs()


def test_a_well_formed_id_is_kept_from_the_client_to_the_app(stack: RunningStack) -> None:
    sent = f"client-{uuid.uuid4().hex}:1.2_3"
    path = f"/no-such-page-{uuid.uuid4().hex}/"
    response = _post(stack, path, sent.encode())
    assert response.getheader("X-Request-ID") == sent
    assert [line["request_id"] for line in _lines(stack.run / "nginx-access.log", path)] == [sent]
    assert {line["request_id"] for line in _lines(_app_log(stack), path)} == {sent}


@pytest.mark.parametrize(
    "malformed",
    [b"x" * 129, b"two words", b"tab\there", b"semi;colon", b'quote"d', "caf\u00e9".encode()],
    ids=["too-long", "space", "control", "semicolon", "quote", "non-ascii"],
)
def test_a_malformed_id_is_replaced_and_never_logged(stack: RunningStack, malformed: bytes) -> None:
    path = f"/no-such-page-{uuid.uuid4().hex}/"
    response = _post(stack, path, malformed)
    request_id = response.getheader("X-Request-ID")
    assert request_id is not None and WELL_FORMED.fullmatch(request_id) and request_id.encode() != malformed
    edge = _lines(stack.run / "nginx-access.log", path)
    app = _lines(_app_log(stack), path)
    assert [line["request_id"] for line in edge] == [request_id]
    assert app and {line["request_id"] for line in app} == {request_id}
    raw = malformed.decode("latin-1")
    for log in (stack.run / "nginx-access.log", _app_log(stack)):
        assert raw not in log.read_text(errors="replace")


def test_nginx_s_own_error_page_carries_the_id_too(stack: RunningStack) -> None:
    # A request nginx refuses itself (over client_max_body_size) never reaches the app.
    port = int(stack.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    connection.putrequest("POST", "/account/sign-in/")
    connection.putheader("Content-Length", str(21 * 1024 * 1024))
    connection.putheader("X-Request-ID", "edge-refusal-1")
    connection.endheaders()
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 413
    assert response.getheader("X-Request-ID") == "edge-refusal-1"
