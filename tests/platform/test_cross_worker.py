"""The scale-out stack (platform/launch.py: nginx, gunicorn, two daphne workers, a task worker) on
PostgreSQL and Redis: an event raised by an HTTP request served by gunicorn reaches a browser
connected through nginx to one daphne worker, and clients of both daphne workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings

from tests.conftest import database_url_for_subprocess
from tests.factories import NotificationFactory
from tests.live import ROOT, Endpoint, session_cookie_for, ws_connect

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


@dataclass
class Stack:
    url: str
    daphne: list[Endpoint]
    process: subprocess.Popen[str]


@pytest.fixture
def stack(tmp_path) -> Iterator[Stack]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_for_subprocess(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "platform/launch.py",
            "--ws-workers",
            "2",
            "--http-workers",
            "2",
            "--run-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # the launcher prints one line: ready ... or why it stopped
    if not line.startswith("ready "):
        process.kill()
        logs = "\n".join(
            f"== {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in tmp_path.glob("*.log")
        )
        pytest.fail(f"platform/launch.py did not start: {line}{process.stdout.read()}\n{logs}")
    fields = dict(part.split("=", 1) for part in line.split()[2:])
    yield Stack(
        url=line.split()[1],
        daphne=[Endpoint(int(p)) for p in fields["daphne"].split(",")],
        process=process,
    )
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _wait_for(ws: Any, kind: str, timeout: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if message.get("kind") == kind:
            return message


def test_an_event_from_an_http_worker_reaches_clients_of_every_daphne_worker(
    stack: Stack, isva, browser
) -> None:
    for _ in range(3):
        NotificationFactory(recipient=isva)
    # A client on each daphne worker, straight to its port.
    direct = [ws_connect(endpoint, "/ws/notifications/", user=isva) for endpoint in stack.daphne]  # type: ignore[arg-type]
    for ws in direct:
        assert _wait_for(ws, "hello")["unread"] == 3

    def signed_in_context() -> Any:
        context = browser.new_context(base_url=stack.url, bypass_csp=True)
        context.set_default_timeout(15_000)
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_for(isva), "url": stack.url}]
        )
        return context

    watching_context, acting_context = signed_in_context(), signed_in_context()
    try:
        watching = watching_context.new_page()
        sockets: list[Any] = []
        watching.on("websocket", lambda ws: sockets.append(ws))
        with watching.expect_websocket() as opened:
            watching.goto("/account/notifications/")
        opened.value.wait_for_event("framereceived")  # hello: subscribed through nginx
        assert watching.locator("[data-unread-count]").inner_text() == "3"

        acting = acting_context.new_page()
        acting.goto("/account/notifications/")
        acting.get_by_role("button", name="Mark all as read").click()  # POST through nginx to gunicorn
        acting.wait_for_load_state()

        watching.wait_for_function(
            "() => document.querySelector('[data-unread-count]').textContent.trim() === '0'", timeout=10_000
        )
        for ws in direct:
            assert _wait_for(ws, "notifications.read")["unread"] == 0
    finally:
        watching_context.close()
        acting_context.close()
        for ws in direct:
            ws.close()
