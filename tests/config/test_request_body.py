"""config.request_body: a refusal sent before the body was read still reads the body to its end,
so gunicorn keeps the connection sound for the next request nginx sends on it. The effect on the
real stack (no 502 for the next client) is tests/platform/test_supervisor_faults.py."""

from __future__ import annotations

import io

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import RequestFactory

from config.request_body import DrainRequestBodyMiddleware


class CountingInput(io.BytesIO):
    """wsgi.input that remembers how much was read from it."""


def _request(body: bytes) -> tuple[WSGIRequest, CountingInput]:
    stream = CountingInput(body)
    request = RequestFactory().generic(
        "POST", "/account/sign-in/", data=b"", content_type="multipart/form-data; boundary=x"
    )
    environ = {**request.environ, "wsgi.input": stream, "CONTENT_LENGTH": str(len(body))}
    return WSGIRequest(environ), stream


def test_a_refusal_that_never_read_the_body_still_consumes_it() -> None:
    body = b"--x\r\n" + b"a" * (300 * 1024) + b"\r\n--x--\r\n"  # past gunicorn's 64 KB drain
    request, stream = _request(body)
    response = DrainRequestBodyMiddleware(lambda r: HttpResponse(status=403))(request)
    assert response.status_code == 403
    assert stream.tell() == len(body)


def test_a_body_the_view_read_is_left_as_it_was() -> None:
    request, stream = _request(b"field=value")

    def view(r: WSGIRequest) -> HttpResponse:
        assert r.body == b"field=value"
        return HttpResponse("ok")

    assert DrainRequestBodyMiddleware(view)(request).status_code == 200
    assert stream.tell() == len(b"field=value")
