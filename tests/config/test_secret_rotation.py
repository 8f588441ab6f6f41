"""Rotating SECRET_KEY (docs/operations.md, "Rotating secrets"): with the previous key in
SECRET_KEY_FALLBACKS people stay signed in; without it every session ends."""

from __future__ import annotations

import os
import subprocess
import sys

from django.test import override_settings

from tests.conftest import signed_in_client
from tests.live import ROOT

OLD_KEY = "old-" + "k" * 60
NEW_KEY = "new-" + "n" * 60


def test_a_session_survives_a_rotation_only_with_the_old_key_as_a_fallback(isva) -> None:
    with override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[]):
        kept, ended = signed_in_client(isva), signed_in_client(isva)
        for client in (kept, ended):
            assert client.get("/dropins/my-bookings/").status_code == 200
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY]):
        assert kept.get("/dropins/my-bookings/").status_code == 200
    # Django re-keys a session it accepted through a fallback: it now stands on the new key alone.
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[]):
        assert kept.get("/dropins/my-bookings/").status_code == 200
        response = ended.get("/dropins/my-bookings/")
        assert response.status_code == 302
        assert response["Location"].startswith("/account/sign-in/")


def test_production_reads_the_fallback_keys_from_the_environment() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=NEW_KEY,
        SECRET_KEY_FALLBACKS=f"{OLD_KEY}, second-{OLD_KEY}",
        ALLOWED_HOSTS="hub.example.org",
    )
    script = "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == repr([OLD_KEY, f"second-{OLD_KEY}"])
