import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import Env, ImproperlyConfiguredEnv

ROOT = Path(__file__).resolve().parents[2]


def test_env_reads_types_and_defaults() -> None:
    env = Env({"FLAG": "yes", "N": "7", "HOSTS": "a.example, b.example ,", "EMPTY": ""})
    assert env.bool("FLAG") is True
    assert env.bool("MISSING", default=True) is True
    assert env.int("N", 1) == 7
    assert env.int("EMPTY", 3) == 3
    assert env.list("HOSTS") == ["a.example", "b.example"]
    assert env.str("EMPTY", "fallback") == "fallback"
    assert env.optional("EMPTY") is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda env: env.str("SECRET_KEY"), "SECRET_KEY"),
        (lambda env: env.bool("FLAG"), "FLAG must be true or false"),
        (lambda env: env.int("N", 1), "N must be a whole number"),
        (lambda env: env.list("ALLOWED_HOSTS"), "ALLOWED_HOSTS"),
    ],
)
def test_env_errors_name_the_variable(call, message: str) -> None:
    with pytest.raises(ImproperlyConfiguredEnv, match=message):
        call(Env({"FLAG": "maybe", "N": "seven"}))


def _run_with_production_settings(extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **extra})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key() -> None:
    result = _run_with_production_settings({"ALLOWED_HOSTS": "hub.example.org"}, "check")
    assert result.returncode != 0
    assert "Set the environment variable SECRET_KEY." in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = _run_with_production_settings({"SECRET_KEY": "x" * 64}, "check")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_check_deploy_reports_no_warnings() -> None:
    secret = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    result = _run_with_production_settings(
        {"SECRET_KEY": secret, "ALLOWED_HOSTS": "hub.example.org"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
