"""A real `websockets` client against real daphne processes."""

import http.cookiejar
import json
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from websockets.exceptions import InvalidStatus

from agencies.services import notification_send
from tests.factories import NotificationFactory
from tests.live import LiveServer, session_cookie_for, ws_connect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _post_as(server: LiveServer, user, path: str) -> int:
    """POST a form through the server as a signed-in user, the way a browser would (CSRF included)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    session = session_cookie_for(user)
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
    with opener.open(
        urllib.request.Request(f"{server.url}/account/notifications/", headers=headers)
    ) as response:
        assert response.status == 200
    csrf = next(cookie.value for cookie in jar if cookie.name == settings.CSRF_COOKIE_NAME)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf}).encode()
    headers["Cookie"] += f"; {settings.CSRF_COOKIE_NAME}={csrf}"
    request = urllib.request.Request(f"{server.url}{path}", data=data, headers=headers, method="POST")
    with opener.open(request) as response:
        return response.status


def test_anonymous_connection_is_refused(daphne_server, home_page) -> None:
    with pytest.raises(InvalidStatus) as refused:
        ws_connect(daphne_server, "/ws/notifications/")
    assert refused.value.response.status_code == 403


def test_foreign_origin_is_refused_even_when_signed_in(daphne_server, isva) -> None:
    with pytest.raises(InvalidStatus) as refused:
        ws_connect(daphne_server, "/ws/notifications/", user=isva, origin="https://evil.example.com")
    assert refused.value.response.status_code == 403
    with pytest.raises(InvalidStatus):
        ws_connect(daphne_server, "/ws/notifications/", user=isva, origin=None)


def test_unknown_socket_path_is_refused(daphne_server, isva) -> None:
    with pytest.raises(InvalidStatus):
        ws_connect(daphne_server, "/ws/no-such-thing/", user=isva)


def test_signed_in_client_is_accepted_and_hears_an_event_after_commit(daphne_server, isva) -> None:
    NotificationFactory.create_batch(2, recipient=isva)
    with ws_connect(daphne_server, "/ws/notifications/", user=isva) as socket:
        hello = json.loads(socket.recv(timeout=5))
        assert hello == {"kind": "hello", "seq": {f"user.{isva.pk}": 0}, "unread": 2}
        # The service runs inside daphne (an HTTP request), commits, then publishes.
        assert _post_as(daphne_server, isva, "/account/notifications/read/") == 200
        event = json.loads(socket.recv(timeout=5))
        assert event == {"kind": "notifications.read", "group": f"user.{isva.pk}", "seq": 1, "unread": 0}
        socket.send(json.dumps({"kind": "ping"}))
        assert json.loads(socket.recv(timeout=5)) == {"kind": "pong"}


@pytest.mark.redis
def test_event_published_by_this_process_reaches_a_daphne_client_through_redis(daphne_server, isva) -> None:
    with ws_connect(daphne_server, "/ws/notifications/", user=isva) as socket:
        json.loads(socket.recv(timeout=5))
        notification = notification_send(recipient=isva, title="Waitlist place confirmed")
        event = json.loads(socket.recv(timeout=5))
        assert event["kind"] == "notification.created"
        assert event["notification"] == {
            "id": notification.pk,
            "title": "Waitlist place confirmed",
            "url": "",
        }


@pytest.mark.redis
def test_event_raised_in_one_daphne_process_reaches_a_client_of_another(daphne_pair, isva) -> None:
    first, second = daphne_pair
    assert first.process.pid != second.process.pid
    NotificationFactory.create_batch(3, recipient=isva)
    with ws_connect(second, "/ws/notifications/", user=isva) as socket:
        assert json.loads(socket.recv(timeout=5))["unread"] == 3
        assert _post_as(first, isva, "/account/notifications/read/") == 200
        event = json.loads(socket.recv(timeout=5))
        assert event["kind"] == "notifications.read"
        assert event["unread"] == 0
