"""Leak tests: a canary string in a private (group-restricted) page, its document and its image
must never reach a signed-out visitor or a signed-in person outside the restriction, on any route:
the page URL, preview, revisions and history, listing pages, related links, search, sitemap, RSS,
the API, document URLs, image URLs and media files. A panel member (inside the restriction) does
see it, which shows each check can fail."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from content.models import GuidancePage
from tests.conftest import signed_in_client
from tests.content.privacy import CANARY, build_privacy_world

pytestmark = pytest.mark.django_db


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _routes(world: Any) -> list[str]:
    page = world.private_page
    # A second revision so revision URLs have something to compare and show.
    page.get_latest_revision_as_object().save_revision()
    revisions = list(page.revisions.order_by("pk").values_list("pk", flat=True))
    media = settings.MEDIA_URL
    return [
        page.url,
        "/",
        world.index.url,
        world.index.url + "?theme=disclosure",
        world.public_page.url,
        world.board.url,
        world.private_publication.url,
        reverse("content:search") + "?q=minutes",
        # Queries never contain the canary itself: the search page echoes the query.
        reverse("content:search") + "?q=partners",
        reverse("content:search") + "?q=summary",
        reverse("content:search") + "?q=partners&theme=disclosure",
        "/sitemap.xml",
        "/feed/",
        "/rss/",
        "/api/v2/pages/",
        "/api/v2/pages/?search=partners",
        f"/api/v2/pages/{page.pk}/",
        "/api/v1/docs",
        f"/cms/pages/{page.pk}/",
        f"/cms/pages/{page.pk}/edit/",
        f"/cms/pages/{page.pk}/edit/preview/",
        f"/cms/pages/{page.pk}/view_draft/",
        f"/cms/pages/{page.pk}/history/",
        f"/cms/pages/{page.pk}/revisions/{revisions[0]}/view/",
        f"/cms/pages/{page.pk}/revisions/compare/{revisions[0]}...{revisions[-1]}/",
        "/cms/pages/search/?q=partners",
        "/cms/documents/?q=document",
        "/cms/images/?q=image",
        world.private_document.url,
        media + world.private_document.file.name,
        reverse("content:image", args=[world.private_image.pk, 640]),
        reverse("content:image", args=[world.collection_image.pk, 640]),
        media + world.private_image.file.name,
        media + world.collection_image.file.name,
    ]


@pytest.fixture
def world(home_page, roles):
    return build_privacy_world(home_page)


def _leaks(client: Client, routes: list[str]) -> list[tuple[str, int]]:
    leaks = []
    for route in routes:
        response = client.get(route)
        assert response.status_code < 500, route
        if CANARY in _body(response).lower() or (
            response.status_code == 200 and route.startswith(settings.MEDIA_URL)
        ):
            leaks.append((route, response.status_code))
    return leaks


def test_signed_out_visitor_never_sees_the_canary(world) -> None:
    assert _leaks(Client(), _routes(world)) == []


def test_signed_in_person_outside_the_restriction_never_sees_the_canary(world, isva, host) -> None:
    routes = _routes(world)
    assert _leaks(signed_in_client(isva), routes) == []
    assert _leaks(signed_in_client(host), routes) == []


def test_person_inside_the_restriction_sees_the_private_page_and_files(
    world, panel_member, governance_member
) -> None:
    client = signed_in_client(panel_member)
    assert CANARY in _body(client.get(world.private_page.url))
    assert CANARY in _body(client.get(world.private_document.url))
    image = client.get(reverse("content:image", args=[world.private_image.pk, 640]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["Cache-Control"].startswith("private")
    assert client.get(reverse("content:image", args=[world.collection_image.pk, 640])).status_code == 200
    assert CANARY in _body(client.get(reverse("content:search") + "?q=partners"))
    assert f"Partners only {CANARY}" in _body(client.get(world.index.url))
    assert f"Partners only {CANARY}" in _body(client.get(world.public_page.url))  # related guidance
    assert CANARY not in _body(client.get(world.board.url))  # that publication is for governance only
    governance = signed_in_client(governance_member)
    assert f"Minutes {CANARY}" in _body(governance.get(world.board.url))
    assert CANARY in _body(governance.get(world.private_publication.url))
    # Media files are never served directly, even to people inside.
    assert client.get(settings.MEDIA_URL + world.private_document.file.name).status_code == 404


def test_public_files_are_served_to_everyone(world) -> None:
    client = Client()
    assert _body(client.get(world.public_document.url)).startswith("Public minutes")
    assert client.get(reverse("content:image", args=[world.public_image.pk, 320])).status_code == 200
    assert 'src="/files/images/' in _body(client.get(world.public_page.url))


def test_unpublished_pages_and_their_files_stay_private(world, isva) -> None:
    world.public_page.unpublish()
    page = GuidancePage.objects.get(pk=world.public_page.pk)
    for client in (Client(), signed_in_client(isva)):
        assert client.get(page.url or "/guidance/public-guidance/").status_code == 404
        assert client.get(reverse("content:image", args=[world.public_image.pk, 320])).status_code == 404
        assert client.get(world.public_document.url).status_code in {302, 404}
        assert "Public guidance" not in _body(client.get(reverse("content:search") + "?q=public"))


def test_image_widths_are_limited(world) -> None:
    assert Client().get(reverse("content:image", args=[world.public_image.pk, 1234])).status_code == 404
    assert Client().get(reverse("content:image", args=[999999, 320])).status_code == 404
