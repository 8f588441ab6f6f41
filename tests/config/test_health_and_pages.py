import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_channel_layer(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "channel_layer": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_channel_layer_fails(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    class BrokenLayer:
        async def new_channel(self, prefix: str = "") -> str:
            raise ConnectionError("layer down")

    monkeypatch.setattr("config.views.get_channel_layer", lambda: BrokenLayer())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {"database": "ok", "channel_layer": "failed"}


def test_healthz_refuses_writes(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


def test_accessibility_statement_is_public_and_in_model_format(client: Client) -> None:
    response = client.get("/accessibility/")
    assert response.status_code == 200
    body = response.content.decode()
    for heading in (
        "How accessible this website is",
        "Feedback and contact information",
        "Enforcement procedure",
        "Compliance status",
    ):
        assert heading in body


def test_unknown_url_is_a_styled_404(client: Client, home_page) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "govuk-generic-header" in body


def test_csrf_failure_is_a_styled_403_that_saves_nothing() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/sign-in/", {"username": "x@example.org", "password": "y"})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


def test_server_error_page_renders_without_a_request_context() -> None:
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html
    assert "<script" not in html


@pytest.mark.parametrize("path", ["/", "/accessibility/", "/account/sign-in/", "/no-such-page/"])
def test_pages_have_no_inline_script_and_no_crown(client: Client, home_page, path: str) -> None:  # type: ignore[no-untyped-def]
    body = client.get(path).content.decode()
    # Every <script> loads a file (ready for a strict Content-Security-Policy).
    for chunk in body.split("<script")[1:]:
        assert chunk.lstrip().startswith("src="), chunk[:80]
    assert "govuk-header__crown" not in body and "GOV.UK" not in body
    assert 'class="govuk-skip-link"' in body
    assert "govuk-phase-banner" in body
    assert "/accessibility/" in body
