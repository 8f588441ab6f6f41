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


def _url(world, name: str, scope: str) -> str:
    if name == "content:search":
        return reverse(name) + "?q=guidance"
    image = {
        "public": world.public_image,
        "private": world.private_image,
        "collection": world.collection_image,
        "bad-width": world.public_image,
    }[scope]
    return reverse(name, args=[image.pk, 123 if scope == "bad-width" else 320])


def test_content_permission_matrix(request, home_page, roles) -> None:
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


# The publication-check override page (content.publication_admin, in the Wagtail admin) ---------------
# For a page held by a hit: the workflow's reviewers (content editors for the 2i step, governance
# members for the board) open it; the page's own author may open it but cannot override (tested in
# test_publication_checks); roles without the CMS are sent to sign in or refused; a platform
# administrator, who cannot edit pages, finds nothing.
OVERRIDE_PAGE = {
    "anonymous": 302,
    "isva": 302,
    "host": 302,
    "coordinator": 302,
    "panel_member": 302,
    "governance": 200,
    "editor": 200,
    "admin": 404,
}


def test_publication_check_override_page_matrix(request, home_page, roles) -> None:
    from content.services import guidance_workflow_ensure
    from tests.factories.content import guidance_index, guidance_page

    guidance_workflow_ensure()
    author = request.getfixturevalue("editor")
    page = guidance_page(guidance_index(home_page), title="Clean guidance", slug="held", publish=False)
    page.seo_title = "Advice: call 07700 900123"
    page.save()
    page.save_revision(user=author)
    page.get_workflow().start(page, author)
    url = reverse("content_identifier_check", args=[page.pk])
    missing = reverse("content_identifier_check", args=[987654321])
    clients = {"anonymous": Client()}
    for role, fixture in FIXTURES.items():
        clients[role] = signed_in_client(request.getfixturevalue(fixture))
    failures = []
    for role in ROLES:
        status = clients[role].get(url).status_code
        if status != OVERRIDE_PAGE[role]:
            failures.append(f"{role}: {status}, expected {OVERRIDE_PAGE[role]}")
        if clients[role].get(missing).status_code not in (302, 404):
            failures.append(f"{role}: an unknown page id was not a 404")
    assert failures == []
