"""Hostile-input harness shared by the `test_hostile_*.py` modules.

Forms: hypothesis draws a form body from each field's valid values and a pool of hostile ones
(arbitrary unicode, NUL, lone surrogates sent as invalid UTF-8, right-to-left overrides, 1 MB
strings, 10^30 numbers, wrong types, other agencies' ids), drops and duplicates fields, and posts
it raw through the Django test client. Every example runs inside a savepoint that is rolled back,
so examples never leak into each other.

The checks (`assert_handled`): never a 500 (the test client re-raises the exception, so a crash
fails the example with its traceback); a rejection is a 4xx, a page with a GOV.UK error summary,
or a redirect that refuses (it carries an error message, as Wagtail's admin and our action views
do, or it sends the visitor to sign in); on a rejection the snapshot of the relevant tables (row
counts and a hash of every value) is unchanged. A redirect is accepted only when it refuses
nothing; an outcome that is saved with a caution (held back for an identifier check) flashes a
warning, not an error, so it is not mistaken for a refusal.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote_from_bytes

from django.apps import apps
from django.conf import settings as django_settings
from django.contrib import messages as django_messages
from django.core.cache import cache
from django.db import models, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.shortcuts import resolve_url
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

# Deterministic and bounded: the same examples on every run, a few seconds per form.
HOSTILE_SETTINGS = settings(
    derandomize=True,
    deadline=None,
    database=None,
    max_examples=20,
    # No "explain" phase: it re-runs failing examples under a tracer, minutes on this machine.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

MEGABYTE = "x" * 1_000_000
HOSTILE_VALUES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",  # a lone surrogate: sent as invalid UTF-8
    "\udfff\ud800x",
    "\u202egnp.exe",  # right-to-left override
    "\ufeff\u200b\u200d",
    "𝕏" * 300,
    MEGABYTE,
    "9" * 31,  # 10^30 and more
    str(10**30),
    "-" + str(10**30),
    "1e309",
    "NaN",
    "-1",
    "0",
    "2.5",
    "[]",
    '{"a": 1}',
    "null",
    "true",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../../etc/passwd",
    "%00",
    "0000-00-00",
    "9999-99-99",
    "2024-02-30",
    "99999-12",
    "25:61",
    "\n" * 500,
]


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_VALUES),
        st.text(max_size=40),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=8),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
    )


FieldValues = dict[str, Sequence[str]]


@st.composite
def form_body(draw: st.DrawFn, fields: FieldValues, *, hostile: Sequence[str] = ()) -> list[tuple[str, str]]:
    """A form body as (name, value) pairs. Each field is valid, hostile, missing or duplicated;
    `hostile` adds values worth trying in every field (for example other agencies' ids)."""
    extra = st.sampled_from(list(hostile)) if hostile else st.nothing()
    bad = st.one_of(hostile_text(), extra)
    pairs: list[tuple[str, str]] = []
    for name, valid in fields.items():
        good = st.sampled_from(list(valid)) if valid else bad
        how = draw(st.sampled_from(["valid", "valid", "valid", "hostile", "missing", "duplicate"]))
        if how == "valid":
            pairs.append((name, draw(good)))
        elif how == "hostile":
            pairs.append((name, draw(bad)))
        elif how == "duplicate":
            pairs.append((name, draw(st.one_of(good, bad))))
            pairs.append((name, draw(st.one_of(good, bad))))
    if draw(st.booleans()):
        pairs.append((draw(st.sampled_from(["__proto__", "id", "pk", "x" * 300])), draw(bad)))
    return pairs


def encode(pairs: Iterable[tuple[str, str]]) -> str:
    """URL-encode raw: lone surrogates become invalid UTF-8 bytes, as a hostile client sends them."""
    return "&".join(
        f"{quote_from_bytes(k.encode('utf-8', 'surrogatepass'))}="
        f"{quote_from_bytes(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in pairs
    )


def post_raw(client: Client, url: str, pairs: Iterable[tuple[str, str]]) -> Any:
    """Post as a browser does: CSRF checks on, the page's token first in the body (a body without
    it never reaches a view), then the hostile fields."""
    token = _get_new_csrf_string()
    client.handler.enforce_csrf_checks = True
    client.cookies[django_settings.CSRF_COOKIE_NAME] = token
    body = encode([("csrfmiddlewaretoken", token), *pairs])
    return client.post(url, data=body, content_type="application/x-www-form-urlencoded")


def models_of(*labels: str, exclude: Iterable[str] = ()) -> list[type[models.Model]]:
    """Every concrete model of the named apps (`app_label` or `app_label.Model`), minus `exclude`."""
    skipped = {name.lower() for name in exclude}
    found: list[type[models.Model]] = []
    for label in labels:
        if "." in label:
            found.append(apps.get_model(label))
        else:
            found.extend(apps.get_app_config(label).get_models())
    return [
        m
        for m in found
        if not m._meta.abstract
        and not m._meta.proxy
        and f"{m._meta.app_label}.{m._meta.model_name}" not in skipped
    ]


def _stable(value: Any) -> Any:
    """A value whose repr depends only on its content: a StreamField value (Wagtail's StreamValue
    has no repr of its own, so two reads of an unchanged row differed) as its stored JSON."""
    prep = getattr(value, "get_prep_value", None)
    return prep() if callable(prep) else value


def snapshot(tables: Sequence[type[models.Model]]) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every value, per table."""
    result = {}
    for model in tables:
        rows = [tuple(map(_stable, row)) for row in model._base_manager.order_by("pk").values_list()]
        digest = hashlib.sha256(repr(rows).encode("utf-8", "surrogatepass")).hexdigest()
        result[model._meta.label] = (len(rows), digest)
    return result


@contextmanager
def rolled_back() -> Iterator[None]:
    """One hypothesis example: a savepoint rolled back afterwards, and a clean cache (rate limits,
    lockout counters) so examples are independent."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    cache.clear()


def flashed(response: Any) -> list[Any]:
    """The messages this request added for the next page (the test client keeps the request).
    Only the queued ones: messages loaded from an earlier example's cookie are not this answer's."""
    request = getattr(response, "wsgi_request", None)
    storage = getattr(request, "_messages", None)
    return list(getattr(storage, "_queued_messages", []))


def is_refusing_redirect(response: Any) -> bool:
    """A redirect that refuses: an error message for the next page (our action views, Wagtail's
    admin on a permission or validation refusal) or a trip to the sign-in page."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    if any(message.level >= django_messages.ERROR for message in flashed(response)):
        return True
    location = response.get("Location", "")
    sign_in = {resolve_url(django_settings.LOGIN_URL), django_settings.WAGTAIL_FRONTEND_LOGIN_URL}
    return location.split("?", 1)[0] in sign_in


def is_rejection(response: Any) -> bool:
    return (
        400 <= response.status_code < 500
        or (response.status_code == 200 and b"govuk-error-summary" in response.content)
        or is_refusing_redirect(response)
    )


def is_accepted_redirect(response: Any) -> bool:
    return response.status_code in (302, 303) and not is_refusing_redirect(response)


def assert_handled(
    response: Any,
    before: dict[str, tuple[int, str]],
    after: dict[str, tuple[int, str]],
    *,
    accepted: Callable[[Any], bool] = is_accepted_redirect,
) -> None:
    assert response.status_code < 500, response.status_code
    if accepted(response) and not is_refusing_redirect(response):
        return
    assert is_rejection(response), (
        f"neither accepted nor a visible rejection: {response.status_code} {response.content[:300]!r}"
    )
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"rejected ({response.status_code}) but these tables changed: {changed}"


def check_post(
    client: Client,
    url: str,
    pairs: list[tuple[str, str]],
    tables: Sequence[type[models.Model]],
    **kwargs: Any,
) -> Any:
    """Post `pairs` to `url` in a rolled-back savepoint and run the checks; returns the response."""
    with rolled_back():
        before = snapshot(tables)
        response = post_raw(client, url, pairs)
        after = snapshot(tables)
        assert_handled(response, before, after, **kwargs)
        if not is_rejection(response):
            assert_no_nul_stored(tables)
    return response


def assert_no_nul_stored(tables: Sequence[type[models.Model]]) -> None:
    """Whatever was accepted never stores a NUL or a lone surrogate."""
    for model in tables:
        for row in model._base_manager.values_list():
            for value in row:
                if isinstance(value, str):
                    assert "\x00" not in value, (model._meta.label, value[:80])
                    value.encode("utf-8")  # raises on a lone surrogate
