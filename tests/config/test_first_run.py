"""A clean first run (issue 19): BASE_URL follows where daphne serves, seed_demo ends with a short
summary instead of raw emails, development emails go to files, the calendar part of a booking
email names its charset once, and `demo_code` prints the code and nothing else."""

from __future__ import annotations

import email
import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from agencies.dropins.tasks import EmailKind, render_booking_email
from config.settings.base import mail_domain, served_base_url
from tests.factories.dropins import BookingFactory, DropInScheduleFactory, DropInSessionFactory

ROOT = Path(__file__).resolve().parents[2]


def _settings_in_subprocess(module: str, names: list[str], **env: str) -> list[str]:
    """Read settings the way a fresh process does, with exactly this environment."""
    clean = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT", "BASE_URL", "EMAIL_BACKEND"}}
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    code = (
        "import django; from django.conf import settings; django.setup(); "
        f"print('\\n'.join(str(getattr(settings, n)) for n in {names!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout.strip().splitlines()


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", 8000, "http://127.0.0.1:8000"),
        ("localhost", 8123, "http://localhost:8123"),
        ("0.0.0.0", 9000, "http://127.0.0.1:9000"),  # noqa: S104 - every interface: links to loopback
        ("::1", 8000, "http://[::1]:8000"),
        ("scrutiny.example.org", 80, "http://scrutiny.example.org"),
    ],
)
def test_the_served_address_follows_host_and_port(host: str, port: int, expected: str) -> None:
    assert served_base_url(host, port) == expected


def test_the_sender_is_no_reply_at_the_sites_own_host() -> None:
    assert mail_domain("https://scrutiny.example.org/") == "scrutiny.example.org"
    assert mail_domain("http://127.0.0.1:8000") == "localhost"
    assert mail_domain("http://[::1]:8000") == "localhost"


def test_development_settings_link_to_the_port_make_run_serves_and_write_mail_to_files() -> None:
    base, backend, path, sender = _settings_in_subprocess(
        "config.settings.dev",
        ["WAGTAILADMIN_BASE_URL", "EMAIL_DELIVERY_BACKEND", "EMAIL_FILE_PATH", "DEFAULT_FROM_EMAIL"],
        HOST="localhost",
        PORT="8123",
    )
    assert base == "http://localhost:8123"
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert Path(path) == ROOT / "var" / "mail"
    assert sender == "Scrutiny Hub <no-reply@localhost>"
    assert ".invalid" not in sender
    explicit = _settings_in_subprocess(
        "config.settings.dev", ["WAGTAILADMIN_BASE_URL"], PORT="8123", BASE_URL="https://hub.example.org/"
    )
    assert explicit == ["https://hub.example.org"]


def test_no_custom_setting_ships_that_nothing_reads() -> None:
    from django.conf import settings

    assert not hasattr(settings, "SCRUTINY_HUB")
    assert not hasattr(settings, "BASE_URL")  # read once, as WAGTAILADMIN_BASE_URL
    for name in ("FEEDBACK_EMAIL", "ACCESSIBILITY_EMAIL"):
        assert ".invalid" not in getattr(settings, name)


@pytest.mark.django_db
def test_the_calendar_part_names_its_charset_once_and_links_to_the_served_port(
    settings, host, isva, area
) -> None:
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8123"
    schedule = DropInScheduleFactory(host_agency=host.agency, allowed_areas=[area])
    session = DropInSessionFactory(schedule=schedule, starts_at=timezone.now() + timedelta(days=3))
    booking = BookingFactory(session=session, isva=isva)
    raw = render_booking_email(booking, EmailKind.CONFIRMED).message().as_bytes()
    parsed = email.message_from_bytes(raw)
    (part,) = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    header = part["Content-Type"]
    assert header.lower().count("charset") == 1, header
    assert part.get_content_charset() == "utf-8"
    assert part.get_filename() == "invite.ics"
    calendar = part.get_payload(decode=True).decode()
    assert "URL:http://127.0.0.1:8123/dropins/sessions/" in calendar
    body = next(p for p in parsed.walk() if p.get_content_type() == "text/plain")
    assert "http://127.0.0.1:8123/dropins/my-bookings/" in body.get_payload(decode=True).decode()


@pytest.mark.django_db
def test_seed_demo_ends_with_a_short_summary_and_prints_no_email(settings, tmp_path) -> None:
    from agencies.demo import DEMO_PASSWORD, USERS

    settings.DEBUG = True
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8123"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    first, again = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=again)
    for out in (first.getvalue(), again.getvalue()):
        assert "Site:      http://127.0.0.1:8123/" in out
        assert DEMO_PASSWORD in out
        for spec in USERS:
            assert spec.email in out
        assert "make demo-code EMAIL=" in out
        assert f"files in {tmp_path / 'mail'}/" in out
        assert "Content-Type:" not in out and "BEGIN:VCALENDAR" not in out and "Subject:" not in out
    assert len(first.getvalue().splitlines()) < 40, first.getvalue()
    assert len(again.getvalue().splitlines()) < 20, again.getvalue()


def test_demo_code_prints_the_code_and_nothing_else(settings) -> None:
    from agencies.demo import demo_code

    settings.DEBUG = True
    out = StringIO()
    before = demo_code("coordinator@dalesford-cps.example.org")
    call_command("demo_code", "Coordinator@dalesford-cps.example.org", stdout=out)
    after = demo_code("coordinator@dalesford-cps.example.org")
    printed = out.getvalue()
    assert printed.count("\n") == 1
    assert printed.strip() in {before, after}  # the code may roll over between the calls
    with pytest.raises(CommandError, match="no published authenticator key"):
        call_command("demo_code", "chair@independent.example.org")
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_code", "coordinator@dalesford-cps.example.org")


def test_make_demo_code_prints_just_the_code() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    # -o: the shared virtualenv and builds count as made (this checkout's files may be newer).
    stamps = ["-o", ".venv/.installed", "-o", "node_modules/.installed", "-o", "frontend/dist/.built"]
    result = subprocess.run(
        ["make", "-s", *stamps, "demo-code", "EMAIL=coordinator@dalesford-cps.example.org"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().isdigit() and len(result.stdout.strip()) == 6, result.stdout
    assert "objects imported" not in result.stdout + result.stderr
