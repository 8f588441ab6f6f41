"""Wagtail's admin API (/cms/api/main/: pages, documents, images) lists only what the user may
open (issue 13, point 7).

The reproduction: a platform administrator (who may enter the CMS to manage accounts, but edits
no pages and holds no collection permission) listed the title and download URL of every document
and image, including ones used only on a restricted page or only in a draft. Documents and images
are now listed by the same rule as their downloads (content.selectors.can_view_file, with the
collection's view restrictions), pages by Wagtail's own page permissions. An editor, who previews
drafts and so may open every file used on pages, still lists them all: the check can fail both
ways."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, PageViewRestriction

from agencies.roles import Role
from tests.conftest import signed_in_client
from tests.content.privacy import png
from tests.factories.content import guidance_index, guidance_page

pytestmark = pytest.mark.django_db

DOCUMENTS = "/cms/api/main/documents/"
IMAGES = "/cms/api/main/images/"
PAGES = "/cms/api/main/pages/"


class World:
    def __init__(self, home_page: Any) -> None:
        root = Collection.get_first_root_node()
        Document, Image = get_document_model(), get_image_model()

        def document(title: str) -> Any:
            return Document.objects.create(
                title=title,
                file=ContentFile(title.encode(), name=f"{title.lower().replace(' ', '-')}.txt"),
                collection=root,
            )

        def image(title: str, colour: str) -> Any:
            return Image.objects.create(title=title, file=png(colour), collection=root)

        self.public_doc = document("Public doc")
        self.restricted_doc = document("Restricted doc")
        self.draft_doc = document("Draft only doc")
        self.new_page_doc = document("Unpublished page doc")
        self.unused_doc = document("Unused doc")
        self.public_image = image("Public image", "blue")
        self.restricted_image = image("Restricted image", "red")
        self.draft_image = image("Draft only image", "green")
        index = guidance_index(home_page)

        def blocks(doc: Any, picture: Any) -> list[tuple[str, Any]]:
            return [
                ("document", {"document": doc, "title": ""}),
                ("image", {"image": picture, "alt_text": "A chart", "caption": ""}),
            ]

        self.public_page = guidance_page(
            index, title="Public guidance", body=blocks(self.public_doc, self.public_image)
        )
        self.restricted_page = guidance_page(
            index, title="Board only guidance", body=blocks(self.restricted_doc, self.restricted_image)
        )
        restriction = PageViewRestriction.objects.create(
            page=self.restricted_page, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.set([Group.objects.get(name=Role.GOVERNANCE_MEMBER.value)])
        # A draft of the public page adds a document and an image: used only in that draft.
        draft = self.public_page.get_latest_revision_as_object()
        draft.body = [*blocks(self.public_doc, self.public_image), *blocks(self.draft_doc, self.draft_image)]
        draft.save_revision()
        # A page never published.
        guidance_page(
            index, title="Never published", body=blocks(self.new_page_doc, self.public_image), publish=False
        )


@pytest.fixture
def world(home_page, roles) -> World:
    return World(home_page)


def _titles(client: Client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return {item["title"] for item in response.json()["items"]}


def test_a_platform_admin_lists_only_files_they_may_open(world, platform_admin) -> None:
    client = signed_in_client(platform_admin)
    assert _titles(client, DOCUMENTS) == {"Public doc"}
    assert _titles(client, IMAGES) == {"Public image"}
    for hidden in (world.restricted_doc, world.draft_doc, world.new_page_doc, world.unused_doc):
        assert client.get(f"{DOCUMENTS}{hidden.pk}/").status_code == 404, hidden.title
        assert hidden.title not in _titles(client, f"{DOCUMENTS}?search=doc"), hidden.title
    for hidden in (world.restricted_image, world.draft_image):
        assert client.get(f"{IMAGES}{hidden.pk}/").status_code == 404, hidden.title
    # And every file listed can be opened; every file refused is not listed.
    for item in client.get(DOCUMENTS).json()["items"]:
        assert client.get(item["meta"]["download_url"]).status_code == 200


def test_a_platform_admin_lists_no_pages(world, platform_admin) -> None:
    """Wagtail's page permissions: the administrator edits no page, so explores none."""
    client = signed_in_client(platform_admin)
    assert _titles(client, PAGES) == set()
    assert client.get(f"{PAGES}{world.restricted_page.pk}/").status_code == 404


def test_a_draft_only_document_is_not_served_from_the_live_page(world, platform_admin, isva) -> None:
    """Wagtail's reference index is rebuilt from the page's row (its live content) after each save,
    so the download and the listing follow the live page: a document or image added only in a
    draft is not public yet."""
    from django.urls import reverse

    for client in (signed_in_client(platform_admin), signed_in_client(isva), Client()):
        assert client.get(world.draft_doc.url).status_code in {302, 404}
        assert client.get(reverse("content:image", args=[world.draft_image.pk, 640])).status_code in {
            302,
            404,
        }
        assert client.get(world.public_doc.url).status_code == 200


def test_an_editor_lists_every_file_used_on_pages_they_edit(world, editor) -> None:
    client = signed_in_client(editor)
    documents = _titles(client, DOCUMENTS)
    assert {"Public doc", "Restricted doc", "Draft only doc", "Unpublished page doc"} <= documents
    assert {"Public image", "Restricted image", "Draft only image"} <= _titles(client, IMAGES)
    pages = _titles(client, PAGES)
    assert {"Public guidance", "Board only guidance", "Never published"} <= pages
    for item in client.get(DOCUMENTS).json()["items"]:
        assert client.get(item["meta"]["download_url"]).status_code == 200, item["title"]


def test_a_governance_member_lists_restricted_files_of_their_board(
    world, governance_member, platform_admin
) -> None:
    member = signed_in_client(governance_member)
    assert "Restricted doc" in _titles(member, DOCUMENTS)
    assert "Restricted doc" not in _titles(signed_in_client(platform_admin), DOCUMENTS)


def test_the_admin_api_refuses_people_outside_the_cms(world, isva) -> None:
    for url in (DOCUMENTS, IMAGES, PAGES):
        response = signed_in_client(isva).get(url)
        assert response.status_code in {302, 403}, url
        assert b"Restricted doc" not in response.content
        assert Client().get(url).status_code in {302, 403}
