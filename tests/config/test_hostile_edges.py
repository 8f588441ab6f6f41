"""Hostile input at the edges of the stack that used to be a 500 with a traceback: a NUL byte in a
query string (PostgreSQL refuses it), a form-encoded or multipart body sent to the JSON API, a
body over the size limit, a WebSocket frame nested deeper than the JSON parser's recursion limit,
and a WebSocket handshake to a path no consumer serves. Each is now a 4xx (or a close code), with
nothing written and no traceback logged."""

from __future__ import annotations

import json
import logging

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client, override_settings

from agencies.dropins.models import Booking
from config.routing import websocket_urlpatterns
from scrutiny.models import Panel
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.ERROR)
    return caplog


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    # django.security's one-line record of a refused request (RequestDataTooBig) is wanted.
    logged = [
        record
        for record in caplog.records
        if record.exc_info
        or (record.levelno >= logging.ERROR and not record.name.startswith("django.security"))
    ]
    assert not logged, [record.getMessage() for record in logged]


@pytest.mark.parametrize(
    "path",
    [
        "/search/?q=a&theme=%00",
        "/search/?q=%00",
        "/search/?q=a&page=%00",
        "/?x=%00",
        "/account/sign-in/?next=%00",
        "/search/?q%00=a",
    ],
)
def test_a_nul_byte_in_the_query_string_is_a_400(path: str, errors: pytest.LogCaptureFixture) -> None:
    response = Client().get(path)
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    _no_tracebacks(errors)


def test_a_nul_byte_in_a_signed_in_query_string_is_a_400(isva) -> None:
    response = signed_in_client(isva).get("/dropins/?area=%00")
    assert response.status_code == 400


@pytest.fixture
def dropin_session(cps_agency, area):
    from tests.factories.dropins import DropInScheduleFactory, DropInSessionFactory

    return DropInSessionFactory(schedule=DropInScheduleFactory(host_agency=cps_agency, allowed_areas=[area]))


def _writes(isva, coordinator, dropin_session) -> list[tuple[Client, str]]:
    return [
        (signed_in_client(isva), f"/api/v1/dropins/sessions/{dropin_session.pk}/book"),
        (signed_in_client(coordinator), "/api/v1/scrutiny/panels"),
    ]


@pytest.mark.parametrize("csrf", [False, True])
def test_a_multipart_body_to_the_json_api_is_a_4xx(isva, coordinator, dropin_session, csrf, errors) -> None:
    """With a CSRF token in the form (as a browser's form post has), the CSRF check reads the body
    as a form first: 415. Without, the JSON parser refuses it: 400."""
    for client, url in _writes(isva, coordinator, dropin_session):
        client.handler.enforce_csrf_checks = csrf
        if csrf:
            client.get("/account/notifications/")  # a CSRF cookie, as a browser would hold
            token = client.cookies["csrftoken"].value
            response = client.post(url, {"topic": "process", "name": "P", "csrfmiddlewaretoken": token})
        else:
            response = client.post(url, {"topic": "process", "name": "P"})
        if csrf:
            assert response.status_code == 415, (url, response.status_code, response.content[:300])
            assert "application/json" in response.json()["detail"]
        else:
            assert response.status_code == 400, (url, response.status_code, response.content[:300])
            assert response.json() == {"detail": "Cannot parse request body"}
    assert not Booking.objects.exists()
    assert not Panel.objects.exists()
    _no_tracebacks(errors)


def test_a_form_encoded_body_to_the_json_api_is_a_4xx(isva, coordinator, dropin_session) -> None:
    for client, url in _writes(isva, coordinator, dropin_session):
        response = client.post(url, "topic=process", content_type="application/x-www-form-urlencoded")
        assert response.status_code in {400, 415}, (url, response.content[:300])
    assert not Booking.objects.exists()


@pytest.mark.parametrize("debug", [False, True])
def test_a_json_body_over_the_size_limit_is_a_413_without_a_traceback(
    isva, dropin_session, debug, errors
) -> None:
    body = json.dumps({"topic": "process", "question": "x" * (6 * 1024 * 1024)})
    with override_settings(DEBUG=debug):
        response = signed_in_client(isva).post(
            f"/api/v1/dropins/sessions/{dropin_session.pk}/book", body, content_type="application/json"
        )
    assert response.status_code == 413
    assert "Traceback" not in response.content.decode()
    assert not Booking.objects.exists()
    _no_tracebacks(errors)


@pytest.fixture
def _in_memory_layer():
    with override_settings(CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}):
        channel_layers.backends.clear()
        yield
        channel_layers.backends.clear()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_in_memory_layer")
def test_a_websocket_frame_nested_past_the_recursion_limit_is_answered_not_fatal(isva, errors) -> None:
    from agencies.realtime.consumers import MAX_CLIENT_MESSAGE

    async def scenario() -> tuple[list[dict[str, object]], dict[str, object]]:
        communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/notifications/")
        communicator.scope["user"] = isva
        connected, _ = await communicator.connect()
        assert connected
        answers = [await communicator.receive_json_from(timeout=5)]  # the hello
        depth = min(2000, MAX_CLIENT_MESSAGE // 2)
        await communicator.send_to(text_data="[" * depth + "]" * depth)
        answers.append(await communicator.receive_json_from(timeout=5))
        await communicator.send_json_to({"kind": "ping"})
        pong = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return answers, pong

    with override_settings(DEBUG=False):
        answers, pong = async_to_sync(scenario)()
    assert answers[-1] == {"kind": "error", "message": "Messages must be JSON."}
    assert pong == {"kind": "pong"}  # still open and working
    _no_tracebacks(errors)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/nope/", "/ws/", "/nope", "/ws/notifications/extra/"])
def test_a_websocket_handshake_to_an_unknown_path_is_refused_without_a_traceback(path, isva, errors) -> None:
    async def scenario() -> tuple[bool, object]:
        communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
        communicator.scope["user"] = isva
        connected, code = await communicator.connect()
        return connected, code

    connected, _code = async_to_sync(scenario)()
    assert connected is False
    _no_tracebacks(errors)
