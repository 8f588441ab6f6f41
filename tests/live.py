"""The live-stack harness: real daphne processes on loopback ports serving the test database,
Chromium driven by Playwright, axe-core, and a websockets client."""

from __future__ import annotations

import contextlib
import http.cookies
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from websockets.sync.client import ClientConnection, connect

from agencies.models import User

ROOT = Path(__file__).resolve().parent.parent
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Endpoint:
    """Where a local server answers: HTTP and WebSocket on one port."""

    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


@dataclass
class LiveServer(Endpoint):
    """One daphne process serving config.asgi:application."""

    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_daphne(database_url: str, *, extra_env: dict[str, str] | None = None) -> LiveServer:
    port = free_port()
    log_dir = ROOT / "var" / "test-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"daphne-{port}.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(port=port, process=process, log_path=log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited with {process.returncode}:\n{server.log()}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response,  # noqa: S310
        ):
            if response.status == 200:
                return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"daphne did not become healthy within 30 s:\n{server.log()}")


@pytest.fixture(scope="session")
def daphne_server(django_db_setup: None, django_db_blocker: Any) -> Iterator[LiveServer]:
    """A real daphne process serving this run's test database (use with transactional_db)."""
    from tests.conftest import database_url_for_subprocess

    with django_db_blocker.unblock():
        database_url = database_url_for_subprocess()
    server = start_daphne(database_url)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def daphne_pair(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two daphne processes sharing the database and (with REDIS_URL) the Redis channel layer."""
    from tests.conftest import database_url_for_subprocess

    with django_db_blocker.unblock():
        database_url = database_url_for_subprocess()
    first = start_daphne(database_url)
    second = start_daphne(database_url)
    yield first, second
    first.stop()
    second.stop()


def session_cookie_for(user: User) -> str:
    """Sign the user in through Django's test client and return the session cookie value
    (the session row is committed, so a daphne process reads it)."""
    from tests.conftest import signed_in_client

    client = signed_in_client(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def ws_connect(
    server: LiveServer,
    path: str,
    *,
    user: User | None = None,
    origin: str | None = "same",
) -> ClientConnection:
    headers = {}
    if user is not None:
        cookie = http.cookies.SimpleCookie()
        cookie[settings.SESSION_COOKIE_NAME] = session_cookie_for(user)
        headers["Cookie"] = cookie.output(header="", attrs=[]).strip()
    return connect(
        f"{server.ws_url}{path}",
        origin=server.url if origin == "same" else origin,  # type: ignore[arg-type]
        additional_headers=headers,
        open_timeout=10,
    )


# Browser ------------------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from tests.conftest import chromium_path

    executable = chromium_path()
    if executable is None:
        pytest.skip("needs Chromium")  # the browser marker's setup hook has already failed it in CI
    # Playwright's sync API keeps an event loop on this thread; Django's async-safety check would
    # then refuse ORM calls made by the test itself. Allowed only while a browser module runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    yield instance
    instance.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def page_maker(browser: Any, server: Endpoint, *, timeout_ms: int = 10_000) -> Iterator[Any]:
    """Yields a factory of pages on `server`, each in its own browser context (its own cookies),
    and closes them all afterwards. axe-core is injected as an inline script, so the contexts
    bypass the CSP (the CSP is tested on its own). Options of the factory go to the context
    (`java_script_enabled=False`, ...)."""
    contexts = []

    def make(**options: Any) -> Any:
        context = browser.new_context(base_url=server.url, bypass_csp=True, **options)
        context.set_default_timeout(timeout_ms)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def new_page(browser: Any, daphne_server: LiveServer) -> Iterator[Any]:
    """A factory of pages, each in its own browser context (its own cookies): call it once per person."""
    yield from page_maker(browser, daphne_server)


@pytest.fixture
def page(new_page: Any) -> Any:
    return new_page()


def totp_code(hex_key: str, *, after_t: int = -1) -> str:
    """The current code of a TOTP key (django-otp's defaults: 30 s steps, 6 digits). A code is
    accepted once per step, so when the current step is used up (`after_t`), the next step's code
    (within django-otp's tolerance of one step) is returned instead."""
    from binascii import unhexlify

    from django_otp.oath import TOTP

    totp = TOTP(unhexlify(hex_key.encode()))
    totp.time = time.time()
    if totp.t() <= after_t:
        totp.time = (after_t + 1) * totp.step + 1
    return f"{totp.token():06d}"


def sign_in(page: Any, email: str, password: str) -> None:
    """Sign in through the real pages, including the two-factor step: the code is computed from
    the account's authenticator key (or, at first sign-in, from the key the set-up page shows)."""
    page.goto("/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    # Wait for the navigation the click starts (and its redirects), not the old page's load state.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/account/two-factor/check/" in page.url:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user__email=email.strip().lower(), confirmed=True).first()
        assert device is not None, f"{email} has no authenticator to sign in with"
        page.get_by_label("Code").fill(totp_code(device.key, after_t=device.last_t))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    elif "/account/two-factor/set-up/" in page.url:
        from agencies.mfa import hex_key_from_base32

        key = page.locator("[data-manual-key]").text_content() or ""
        page.get_by_label("Code").fill(totp_code(hex_key_from_base32(key)))
        with page.expect_navigation():
            page.get_by_role("button", name="Confirm and continue").click()
        with page.expect_navigation():
            page.get_by_role("link", name="I have saved my codes").click()
        page.wait_for_load_state()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core with the WCAG 2.2 A and AA rules; return the violations."""
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return list(result["violations"])


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    summary = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )
    assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n{summary}"


def assert_pages_accessible(page: Any, paths: dict[str, int] | list[str] | tuple[str, ...]) -> None:
    """Visit each path in one page (one signed-in session, one seeded database) and check its
    status (200 unless the mapping says otherwise) and axe; report every failing path at once.

    One test per page type would re-seed the demo data and open a browser context each time; this
    keeps each path's failure visible in the message at a fraction of the cost."""
    expected = dict(paths) if isinstance(paths, dict) else dict.fromkeys(paths, 200)
    failures = []
    for path, status in expected.items():
        response = page.goto(path)
        if response is None or response.status != status:
            failures.append(f"{path}: status {response.status if response else None}, expected {status}")
            continue
        violations = axe_violations(page)
        failures.extend(
            f"{path}: {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in violations
        )
    assert not failures, "Pages failing status or axe (WCAG 2.2 AA):\n" + "\n".join(failures)
