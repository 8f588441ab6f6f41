"""Factories for content: themes, and pages built through Wagtail's tree (add_child)."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone
from wagtail.models import Page

from content.models import (
    Audience,
    GovernanceBoardPage,
    GuidanceIndexPage,
    GuidancePage,
    PublicationDocument,
    PublicationPage,
    Theme,
)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test theme {n}")
    slug = factory.Sequence(lambda n: f"test-theme-{n}")


def _add(parent: Page, page: Page, *, publish: bool) -> Any:
    page.live = publish
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


def guidance_index(parent: Page, *, title: str = "Guidance", slug: str = "guidance") -> GuidanceIndexPage:
    return _add(parent, GuidanceIndexPage(title=title, slug=slug), publish=True)


def guidance_page(
    index: GuidanceIndexPage,
    *,
    title: str,
    slug: str | None = None,
    summary: str = "A short summary of good practice.",
    body: list[tuple[str, Any]] | None = None,
    themes: list[Theme] | None = None,
    audience: str = Audience.ALL_PARTNERS,
    publish: bool = True,
    **fields: Any,
) -> GuidancePage:
    page = GuidancePage(
        title=title,
        slug=slug or title.lower().replace(" ", "-"),
        summary=summary,
        body=body or [("rich_text", "<p>Body text.</p>")],
        audience=audience,
        **fields,
    )
    page.themes = themes or []
    return _add(index, page, publish=publish)


def board_page(
    parent: Page, *, title: str = "National governance board", **fields: Any
) -> GovernanceBoardPage:
    return _add(
        parent, GovernanceBoardPage(title=title, slug=title.lower().replace(" ", "-"), **fields), publish=True
    )


def publication_page(
    board: GovernanceBoardPage, *, title: str, documents: tuple[Any, ...] = (), **fields: Any
) -> PublicationPage:
    page = PublicationPage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        publication_date=fields.pop("publication_date", timezone.localdate()),
        **fields,
    )
    page.documents = [PublicationDocument(document=document) for document in documents]
    return _add(board, page, publish=True)
