"""A page tree with a canary string in a private page, its document and its image, for the leak
tests and the permission matrix."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, PageViewRestriction

from agencies.roles import Role
from content.services import partner_collection_ensure
from tests.factories.content import ThemeFactory, board_page, guidance_index, guidance_page, publication_page

CANARY = "zebracanary"  # one word, so search can find it


def png(colour: str = "red") -> ImageFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 800), colour).save(buffer, "PNG")
    return ImageFile(buffer, name=f"{colour}.png")


@dataclass
class PrivacyWorld:
    index: Any
    public_page: Any
    private_page: Any
    private_document: Any
    private_image: Any
    collection_image: Any
    public_image: Any
    public_document: Any
    board: Any
    private_publication: Any


def build_privacy_world(home_page: Any) -> PrivacyWorld:
    """A public guidance page that links to a private one; the private page is restricted to the
    Panel member and Governance member groups and carries the canary in its title, summary, body,
    its document (title and file) and its image (title); a second image sits in the partner-only
    collection."""
    root = Collection.get_first_root_node()
    Image = get_image_model()
    Document = get_document_model()
    private_image = Image.objects.create(title=f"Image {CANARY}", file=png("red"), collection=root)
    public_image = Image.objects.create(title="Public picture", file=png("blue"), collection=root)
    collection_image = Image.objects.create(
        title=f"Partner image {CANARY}", file=png("green"), collection=partner_collection_ensure()
    )
    private_document = Document.objects.create(
        title=f"Document {CANARY}",
        file=ContentFile(f"Private minutes {CANARY}\n".encode(), name="private-minutes.txt"),
        collection=root,
    )
    public_document = Document.objects.create(
        title="Public minutes",
        file=ContentFile(b"Public minutes\n", name="public-minutes.txt"),
        collection=root,
    )
    theme = ThemeFactory(name="Disclosure", slug="disclosure")
    index = guidance_index(home_page)
    private_page = guidance_page(
        index,
        title=f"Partners only {CANARY}",
        slug="partners-only",
        summary=f"Summary {CANARY}",
        themes=[theme],
        body=[
            ("rich_text", f"<p>Body {CANARY}</p>"),
            ("image", {"image": private_image, "alt_text": "A chart", "caption": ""}),
            ("image", {"image": collection_image, "alt_text": "A chart", "caption": ""}),
            ("document", {"document": private_document, "title": "Minutes"}),
        ],
    )
    restriction = PageViewRestriction.objects.create(
        page=private_page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set(
        Group.objects.filter(name__in=[Role.PANEL_MEMBER.value, Role.GOVERNANCE_MEMBER.value])
    )
    public_page = guidance_page(
        index,
        title="Public guidance",
        slug="public-guidance",
        themes=[theme],
        body=[
            ("rich_text", "<p>Public body about disclosure.</p>"),
            ("image", {"image": public_image, "alt_text": "A picture", "caption": ""}),
            ("document", {"document": public_document, "title": "Public minutes"}),
            ("related_guidance", {"heading": "Related guidance", "pages": [private_page]}),
        ],
    )
    board = board_page(home_page, title="Test board")
    private_publication = publication_page(
        board, title=f"Minutes {CANARY}", summary=f"Minutes summary {CANARY}"
    )
    restriction = PageViewRestriction.objects.create(
        page=private_publication, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set(Group.objects.filter(name=Role.GOVERNANCE_MEMBER.value))
    return PrivacyWorld(
        index=index,
        public_page=public_page,
        private_page=private_page,
        private_document=private_document,
        private_image=private_image,
        collection_image=collection_image,
        public_image=public_image,
        public_document=public_document,
        board=board,
        private_publication=private_publication,
    )
