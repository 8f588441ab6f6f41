"""Hostile query strings on the GET forms: guidance search, the drop-in session filter and the
paginated lists. Never a 500; nothing is written by a GET."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import signed_in_client
from tests.hostile import HOSTILE_SETTINGS, encode, form_body, models_of, rolled_back, snapshot

pytestmark = pytest.mark.django_db

TABLES = models_of("content", "dropins", "agencies.User")


def _get(client: Client, url: str, pairs: list[tuple[str, str]]):
    query = encode(pairs)
    with rolled_back():
        before = snapshot(TABLES)
        response = client.get(f"{url}?{query}")
        assert response.status_code < 500
        assert snapshot(TABLES) == before
    return response


@HOSTILE_SETTINGS
@given(
    data=form_body(
        {
            "q": ["charging advice", "", "AND OR NOT", '"unclosed'],
            "theme": ["", "case-strategy"],
            "page": ["1", "2", "0", "-1"],
        }
    ),
    signed_in=st.booleans(),
)
def test_guidance_search(home_page, isva, data, signed_in) -> None:
    client = signed_in_client(isva) if signed_in else Client()
    _get(client, reverse("content:search"), data)


@HOSTILE_SETTINGS
@given(
    data=form_body(
        {
            "area": ["", "1"],
            "mode": ["", "online", "in_person"],
            "from_date": ["", "2026-01-01"],
            "to_date": ["", "2026-12-31"],
            "page": ["1", "2", "999999999999999999999"],
        }
    )
)
def test_session_filter(isva, data) -> None:
    _get(signed_in_client(isva), reverse("dropins:session-list"), data)
