"""Production settings serve pages: static files are collected with the manifest storage
(`config.settings.production`, DEBUG off) and gunicorn answers every page type, signed out and as
every demo role, with 200 and asset URLs that resolve. A reference the manifest cannot resolve
(an image the CSS names but nobody ships, a source map a bundle points at) makes collectstatic
fail, and then every page is a 500: this test is what catches it."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import database_url_for_subprocess, signed_in_client
from tests.live import ROOT, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SECRET_KEY = secrets.token_urlsafe(64)
# Production names its cookies with the __Host- prefix (config/settings/production.py).
SESSION_COOKIE = "__Host-sessionid"
# A manifest-storage name: name.<12 hex digits>.ext
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
MAX_PAGES_PER_PERSON = 40


@dataclass
class Production:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag in {"link", "script", "img"}:
            for name in ("href", "src"):
                value = values.get(name) or ""
                if value.startswith("/static/"):
                    self.assets.append(value)


def _production_env(tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp / "static"),
        "DATABASE_URL": database_url_for_subprocess(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # the documents the test process uploads
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="module")
def collected(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> dict[str, str]:
    """collectstatic with production settings, once for the module: the environment to serve it."""
    tmp_path = tmp_path_factory.mktemp("production")
    with django_db_blocker.unblock():
        env = _production_env(tmp_path)
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, f"collectstatic failed with production settings:\n{collect.stderr}"
    assert (tmp_path / "static" / "staticfiles.json").exists()
    return env


@pytest.fixture
def production(collected: dict[str, str], tmp_path: Path) -> Iterator[Production]:
    """gunicorn (two workers) on this run's test database, one per test: each test flushes and
    re-seeds the database, and a server's in-process caches (Wagtail's site root paths, our
    route cache) would otherwise outlive the pages they name, which no deployment does."""
    env = collected
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "2",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Production(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{server.log()}")
        try:
            status, _, _ = fetch(server, "/healthz")
        except OSError:
            status = 0
        if status == 200:
            break
        time.sleep(0.3)
    else:
        process.terminate()
        pytest.fail(f"gunicorn did not become healthy:\n{server.log()}")
    yield server
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(server: Production, path: str, *, session: str | None = None) -> tuple[int, str, str]:
    """GET as a browser behind the TLS terminator would arrive (X-Forwarded-Proto: https, which
    production trusts): status, body and Location."""
    request = urllib.request.Request(server.url + path, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    if session:
        request.add_header("Cookie", f"{SESSION_COOKIE}={session}")
    try:
        with _opener.open(request, timeout=30) as response:
            return response.status, response.read().decode(errors="replace"), ""
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")


def page_type(path: str) -> str:
    """/dropins/sessions/12/ and /dropins/sessions/13/ are one page type."""
    return re.sub(r"\d+", "N", urlsplit(path).path)


def crawl(server: Production, *, session: str | None) -> tuple[dict[str, int], set[str]]:
    """One page of every page type reachable from the home page in four steps (at most
    MAX_PAGES_PER_PERSON), with its status; and every static asset those pages name."""
    statuses: dict[str, int] = {}
    seen_types: set[str] = set()
    assets: set[str] = set()
    frontier = ["/"]
    for _depth in range(5):
        following: list[str] = []
        for path in frontier:
            if page_type(path) in seen_types or len(statuses) >= MAX_PAGES_PER_PERSON:
                continue
            seen_types.add(page_type(path))
            status, body, _ = fetch(server, path, session=session)
            statuses[path] = status
            if status != 200:
                continue
            parser = _Links()
            parser.feed(body)
            assets.update(parser.assets)
            for href in parser.links:
                target = urlsplit(urljoin(path, href))
                if target.netloc or target.scheme not in {"", "http", "https"}:
                    continue
                if target.path.startswith(("/static/", "/documents/", "/media/")):
                    continue
                following.append(target.path + (f"?{target.query}" if target.query else ""))
        frontier = following
    return statuses, assets


def session_for(email: str) -> str:
    from agencies.models import User

    # The session row is written (signed) with production's key, as production's sign-in would.
    with override_settings(SECRET_KEY=SECRET_KEY):
        client = signed_in_client(User.objects.get(email=email))
        return client.session.session_key or ""


def assert_served(server: Production, statuses: dict[str, int], assets: set[str], who: str) -> None:
    failures = [f"{path}: {status}" for path, status in statuses.items() if status >= 500]
    assert not failures, (
        f"{who}: server errors with production settings:\n"
        + "\n".join(failures)
        + "\n"
        + server.log()[-6000:]
    )
    assert statuses["/"] == 200, f"{who}: home page answered {statuses['/']}"
    assert assets, f"{who}: the home page names no static assets"
    for asset in sorted(assets):
        assert HASHED.search(urlsplit(asset).path), f"{who}: {asset} is not a manifest (hashed) name"
        status, _, _ = fetch(server, asset)
        assert status == 200, f"{who}: {asset} answered {status}"
    assert "Missing staticfiles manifest entry" not in server.log()


def test_production_settings_serve_every_page_type_signed_out(production: Production) -> None:
    call_command("seed_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
    statuses, assets = crawl(production, session=None)
    for path in ("/accessibility/", "/account/sign-in/", "/account/password-reset/", "/search/?q=guidance"):
        status, body, _ = fetch(production, path)
        statuses[path] = status
        assert status == 200, f"{path}: {status}"
        parser = _Links()
        parser.feed(body)
        assets.update(parser.assets)
    status, body, _ = fetch(production, "/no-such-page/")
    assert status == 404
    assert "Page not found" in body
    assert len(statuses) >= 6, statuses
    assert_served(production, statuses, assets, "signed out")


def test_production_settings_serve_every_page_type_for_every_role(production: Production) -> None:
    from agencies.demo import USERS

    call_command("seed_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
    for spec in USERS:
        statuses, assets = crawl(production, session=session_for(spec.email))
        # Signed in: the home page and the pages its navigation links to.
        assert len([s for s in statuses.values() if s == 200]) >= 3, (spec.email, statuses)
        assert_served(production, statuses, assets, spec.email)
