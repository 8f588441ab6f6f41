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
from tests.factories.base import ModelFactory


class ThemeFactory(ModelFactory[Theme]):
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


def bulk_guidance_pages(
    index: GuidanceIndexPage, count: int, *, themes: list[Theme], prefix: str = "Bulk"
) -> None:
    """Many live guidance pages under `index` fast: tree paths computed here and rows inserted in
    batches (add_child per page would take minutes for thousands). Not search-indexed."""
    import uuid

    from django.contrib.contenttypes.models import ContentType

    index.refresh_from_db()
    content_type = ContentType.objects.get_for_model(GuidancePage)
    last = index.get_last_child()
    start = (GuidancePage._str2int(last.path[-GuidancePage.steplen :]) if last else 0) + 1
    now = timezone.now()
    pages = []
    for offset in range(count):
        number = start + offset
        slug = f"{prefix.lower()}-{number}"
        pages.append(
            GuidancePage(
                path=index._get_path(index.path, index.depth + 1, number),
                depth=index.depth + 1,
                numchild=0,
                title=f"{prefix} guidance {number}",
                draft_title=f"{prefix} guidance {number}",
                slug=slug,
                url_path=f"{index.url_path}{slug}/",
                content_type=content_type,
                locale_id=index.locale_id,
                translation_key=uuid.uuid4(),
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                summary="Bulk summary.",
                body=[("rich_text", "<p>Bulk body.</p>")],
            )
        )
    Page.objects.bulk_create(
        [
            Page(
                **{f.attname: getattr(p, f.attname) for f in Page._meta.concrete_fields if f.attname != "id"}
            )
            for p in pages
        ],
        batch_size=200,
    )
    created = dict(Page.objects.filter(path__in=[p.path for p in pages]).values_list("path", "pk"))
    for page in pages:
        page.pk = page.page_ptr_id = created[page.path]
    fields = list(GuidancePage._meta.local_concrete_fields)
    for batch_start in range(0, len(pages), 100):
        GuidancePage._base_manager._insert(
            pages[batch_start : batch_start + 100], fields=fields, using="default"
        )
    through = GuidancePage.themes.through
    through.objects.bulk_create(
        [through(guidancepage_id=page.pk, theme_id=theme.pk) for page in pages for theme in themes],
        batch_size=500,
    )
    Page.objects.filter(pk=index.pk).update(numchild=index.numchild + count)
    index.refresh_from_db()
