"""bench/stack.py: the benches' settings are production's, and the printed list of differences is
computed from the two modules (not a hand-kept list)."""

from __future__ import annotations

import io
import os

import pytest

from bench import stack


def test_flatten_opens_dictionaries_key_by_key() -> None:
    flat = stack.flatten({"DEBUG": False, "DATABASES": {"default": {"CONN_MAX_AGE": 60}}, "EMPTY": {}})
    assert flat == {"DEBUG": "False", "DATABASES['default']['CONN_MAX_AGE']": "60", "EMPTY": "{}"}


def test_differences_name_each_changed_added_or_removed_value_and_hide_secrets() -> None:
    production = {"A": "1", "SAME": "x", "SECRET_KEY": "'p'", "GONE": "2", "URL": "'redis://u:pw@h/0'"}
    bench = {"A": "3", "SAME": "x", "SECRET_KEY": "'b'", "NEW": "4", "URL": "'redis://u:other@h/0'"}
    assert stack.differences(production, bench) == [
        ("A", "1", "3"),
        ("GONE", "2", "(not set)"),
        ("NEW", "(not set)", "4"),
        ("SECRET_KEY", "(hidden)", "(hidden)"),
        ("URL", "'redis://u:***@h/0'", "'redis://u:***@h/0'"),
    ]


def test_format_lists_every_difference_or_says_there_are_none() -> None:
    assert "(no differences)" in stack.format_differences([])
    text = stack.format_differences([("SECURE_SSL_REDIRECT", "True", "False")])
    assert "config.settings.production" in text
    assert "SECURE_SSL_REDIRECT  production True  ->  bench False" in text


@pytest.mark.slow
def test_bench_settings_are_production_changed_only_for_plain_http_on_loopback() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BENCH_", "SECURE_"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = io.StringIO()
    rows = stack.print_differences(env, file=out)
    assert {name for name, _, _ in rows} == {
        "ALLOWED_HOSTS",
        "SECRET_KEY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    }, out.getvalue()
    assert "SECURE_SSL_REDIRECT" in out.getvalue()


@pytest.mark.slow
def test_a_bench_switch_shows_up_in_the_differences() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BENCH_", "SECURE_"))}
    env.update({"BENCH_CONN_MAX_AGE": "0", "DATABASE_URL": "postgres://bench@127.0.0.1:5432/bench"})
    rows = {name: (production, bench) for name, production, bench in stack.settings_differences(env)}
    assert rows["DATABASES['default']['CONN_MAX_AGE']"] == ("60", "0")
