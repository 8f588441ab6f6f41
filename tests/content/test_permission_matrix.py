"""Runs tests/content/matrix.py: every content URL for every role and scope; never a 500, never an
unexpected 200."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import signed_in_client
from tests.content.matrix import MATRIX, ROLES
from tests.content.privacy import build_privacy_world

pytestmark = pytest.mark.django_db

FIXTURES = {
    "isva": "isva",
    "host": "host",
    "coordinator": "coordinator",
    "panel_member": "panel_member",
    "governance": "governance_member",
    "editor": "editor",
    "admin": "platform_admin",
}


def _url(world, name: str, scope: str) -> str:  # type: ignore[no-untyped-def]
    if name == "content:search":
        return reverse(name) + "?q=guidance"
    image = {
        "public": world.public_image,
        "private": world.private_image,
        "collection": world.collection_image,
        "bad-width": world.public_image,
    }[scope]
    return reverse(name, args=[image.pk, 123 if scope == "bad-width" else 320])


def test_content_permission_matrix(request, home_page, roles) -> None:  # type: ignore[no-untyped-def]
    world = build_privacy_world(home_page)
    clients = {"anonymous": Client()}
    for role, fixture in FIXTURES.items():
        clients[role] = signed_in_client(request.getfixturevalue(fixture))
    failures = []
    for name, scope, expected in MATRIX:
        url = _url(world, name, scope)
        for role in ROLES:
            status = clients[role].get(url).status_code
            if status != expected[role]:
                failures.append(f"{name} [{scope}] as {role}: {status}, expected {expected[role]}")
    assert failures == []
