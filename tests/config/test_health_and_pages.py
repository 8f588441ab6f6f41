import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


READY = {"database": "ok", "cache": "ok", "channel_layer": "ok", "task_queue": "ok"}


@pytest.mark.parametrize("path", ["/healthz", "/healthz/ready"])
def test_readiness_reports_each_dependency(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": READY}
    assert "no-cache" in response["Cache-Control"]


def test_liveness_answers_without_touching_any_dependency(
    client: Client, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries
) -> None:
    def explode(*args, **kwargs):
        raise AssertionError("liveness reached a dependency")

    monkeypatch.setattr("config.health.get_channel_layer", explode)
    monkeypatch.setattr("config.health.cache.get", explode)
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_is_503_naming_the_failed_check(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    class BrokenLayer:
        async def new_channel(self, prefix: str = "") -> str:
            raise ConnectionError("redis://:hunter2@10.0.0.9:6379 refused")

    monkeypatch.setattr("config.health.get_channel_layer", lambda: BrokenLayer())
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {**READY, "channel_layer": "failed"}
    assert b"hunter2" not in response.content and b"10.0.0.9" not in response.content


def test_a_cache_that_drops_writes_fails_readiness(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    # What the tolerant Redis cache does while Redis is away: writes vanish, reads miss.
    monkeypatch.setattr("config.health.cache.set", lambda *args, **kwargs: None)
    monkeypatch.setattr("config.health.cache.get", lambda *args, **kwargs: None)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {**READY, "cache": "failed"}


def test_a_check_past_its_budget_is_a_timeout_and_the_answer_still_comes_in_time(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import time

    from config import health as views

    async def frozen() -> bool:
        await asyncio.sleep(30)
        return True

    monkeypatch.setattr(views, "HEALTH_CHECK_BUDGET_SECONDS", 0.2)
    monkeypatch.setitem(views.READINESS_CHECKS, "database", frozen)
    monkeypatch.setitem(views.READINESS_CHECKS, "cache", frozen)
    started = time.monotonic()
    response = client.get("/healthz/ready")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["checks"] == {**READY, "database": "timeout", "cache": "timeout"}
    assert elapsed < 5  # side by side, each cut at its budget (not 30 s, not 2 x 30 s)


@pytest.mark.parametrize("path", ["/healthz", "/healthz/live", "/healthz/ready"])
def test_health_checks_refuse_writes(client: Client, path: str) -> None:
    assert client.post(path).status_code == 405


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


def test_unknown_url_is_a_styled_404(client: Client, home_page) -> None:
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
def test_pages_have_no_inline_script_and_no_crown(client: Client, home_page, path: str) -> None:
    body = client.get(path).content.decode()
    # Every <script> loads a file (ready for a strict Content-Security-Policy).
    for chunk in body.split("<script")[1:]:
        assert chunk.lstrip().startswith("src="), chunk[:80]
    assert "govuk-header__crown" not in body and "GOV.UK" not in body
    assert 'class="govuk-skip-link"' in body
    assert "govuk-phase-banner" in body
    assert "/accessibility/" in body
