"""Every read of content, taking the viewer: what pages, documents and images they may see.

Wagtail serves a restricted page's own URL through its view restrictions; everything else that
lists or links pages (guidance index, home page, related guidance, search, board publications,
documents and images used on pages) goes through `visible_pages` here.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.http import urlencode
from wagtail.models import BaseViewRestriction, Page, ReferenceIndex
from wagtail.permission_policies.pages import PagePermissionPolicy

from agencies.models import User
from agencies.permissions import Perm, has
from content.models import (
    Audience,
    GovernanceBoardPage,
    GuidanceIndexPage,
    GuidancePage,
    PublicationPage,
    Theme,
)
from content.restrictions import Restriction, content_version, filter_choices, restriction_set

Viewer = User | AnonymousUser
LISTING_PAGE_SIZE = 20
page_permission_policy = PagePermissionPolicy()


def _restriction_blocks(restriction: Restriction, viewer: Viewer, group_ids: set[int]) -> bool:
    if restriction.restriction_type == BaseViewRestriction.LOGIN:
        return not viewer.is_authenticated
    if restriction.restriction_type == BaseViewRestriction.GROUPS:
        if viewer.is_authenticated and viewer.is_superuser:
            return False
        return not (restriction.group_ids & group_ids)
    # Shared passwords are switched off (WAGTAIL_ALLOW_SHARED_PASSWORD_PAGE); treat as closed.
    return True


def hidden_paths(*, viewer: Viewer) -> list[str]:
    """Tree paths of restricted pages the viewer does not pass (their descendants are hidden too).
    The restriction list is shared configuration (content.restrictions); the viewer's sign-in and
    groups are read per request, and the groups only when a group restriction exists."""
    restrictions = restriction_set().restrictions
    group_ids: set[int] = set()
    if viewer.is_authenticated and any(
        r.restriction_type == BaseViewRestriction.GROUPS for r in restrictions
    ):
        group_ids = set(viewer.groups.values_list("pk", flat=True))
    return [r.path for r in restrictions if _restriction_blocks(r, viewer, group_ids)]


def visibility_key(*, viewer: Viewer) -> str:
    """A cache key part for "what this viewer may see of the content": the content version and
    the restricted subtrees hidden from them. Two viewers with the same key see the same pages, so
    a fragment listing pages may be shared between them (never anything else about the viewer).
    Fragments add the revision and sign-in state (content.fragments.page_fragment_key)."""
    hidden = "|".join(sorted(hidden_paths(viewer=viewer)))
    return hashlib.sha256(f"{content_version()}#{hidden}".encode()).hexdigest()


def is_visible(page: Page, hidden: list[str]) -> bool:
    """The same test as `visible_pages`, for a page already loaded."""
    return bool(page.live) and not any(page.path.startswith(path) for path in hidden)


def _without_hidden(queryset: QuerySet[Any], paths: list[str]) -> QuerySet[Any]:
    if not paths:
        return queryset
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return queryset.exclude(condition)


def visible_pages(*, viewer: Viewer, model: type[Page] = Page) -> QuerySet[Any]:
    """Live pages of `model` the viewer may see."""
    return _without_hidden(model.objects.live(), hidden_paths(viewer=viewer))


def can_view_page(*, viewer: Viewer, page: Page) -> bool:
    return visible_pages(viewer=viewer).filter(pk=page.pk).exists()


# Guidance listing ---------------------------------------------------------------------------------


class GuidanceFilterForm(forms.Form):
    theme = forms.ChoiceField(required=False, label="Theme")
    audience = forms.ChoiceField(
        required=False, label="Audience", choices=[("", "Any audience"), *Audience.choices]
    )
    area = forms.ChoiceField(required=False, label="CPS area")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        themes, areas = filter_choices()
        self.fields["theme"].choices = [("", "Any theme"), *themes]
        self.fields["area"].choices = [("", "Any area"), ("national", "National guidance"), *areas]


@dataclass(frozen=True)
class GuidanceListing:
    form: GuidanceFilterForm
    paginator: Paginator
    page_number: Any
    filtered: bool
    query_string: str

    @cached_property
    def page_obj(self) -> PaginatorPage:
        return self.paginator.get_page(self.page_number)

    @property
    def total(self) -> int:
        return int(self.paginator.count)


def _listing_queryset(queryset: QuerySet[GuidancePage]) -> QuerySet[GuidancePage]:
    return queryset.select_related("area").prefetch_related("themes").order_by("-last_published_at", "pk")


def guidance_listing(*, viewer: Viewer, index: GuidanceIndexPage, params: Any) -> GuidanceListing:
    form = GuidanceFilterForm(params or None)
    queryset = visible_pages(viewer=viewer, model=GuidancePage).descendant_of(index)
    filtered = False
    kept: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["theme"]:
            queryset = queryset.filter(themes__slug=data["theme"])
        if data["audience"]:
            queryset = queryset.filter(audience=data["audience"])
        if data["area"] == "national":
            queryset = queryset.filter(area__isnull=True)
        elif data["area"]:
            queryset = queryset.filter(area__code=data["area"])
        kept = {name: value for name, value in data.items() if value}
        filtered = bool(kept)
    paginator = Paginator(_listing_queryset(queryset), LISTING_PAGE_SIZE)
    page_number = str(params.get("page", ""))[:8] if params else ""
    return GuidanceListing(
        form=form,
        paginator=paginator,
        page_number=page_number,
        filtered=filtered,
        query_string=urlencode(kept),
    )


def latest_guidance(*, viewer: Viewer, limit: int = 5) -> list[GuidancePage]:
    return list(_listing_queryset(visible_pages(viewer=viewer, model=GuidancePage))[:limit])


def board_publications(*, viewer: Viewer, board: GovernanceBoardPage) -> list[PublicationPage]:
    return list(
        visible_pages(viewer=viewer, model=PublicationPage)
        .child_of(board)
        .order_by("-publication_date", "pk")
        .prefetch_related("documents__document")
    )


def guidance_page_context(*, viewer: Viewer, page: GuidancePage) -> dict[str, Any]:
    """What a guidance page shows beyond its own fields: related guidance the viewer may see."""
    related_ids = {
        related.pk
        for block in page.body
        if block.block_type == "related_guidance"
        for related in block.value["pages"]
        if related is not None
    }
    visible_related = (
        set(
            visible_pages(viewer=viewer, model=GuidancePage)
            .filter(pk__in=related_ids)
            .values_list("pk", flat=True)
        )
        if related_ids
        else set()
    )
    owner_board = None
    if page.owner_board_id is not None:
        # The same visibility test as visible_pages, on the board the page points to.
        board = page.owner_board
        if board is not None and is_visible(board, hidden_paths(viewer=viewer)):
            owner_board = board
    return {
        "themes": list(page.themes.all()),
        "change_notes": list(page.change_notes.all()),
        "visible_related_ids": visible_related,
        "owner_board_visible": owner_board,
    }


# Documents and images -----------------------------------------------------------------------------


def _edits_pages(viewer: Viewer) -> bool:
    if not has(viewer, Perm.ACCESS_CMS):
        return False
    return page_permission_policy.user_has_any_permission(viewer, ["add", "change", "publish"])


def can_view_file(*, viewer: Viewer, obj: Any) -> bool:
    """A document or image is served only if a live page the viewer may see uses it, or the
    viewer edits pages in the CMS (editors preview drafts). Collection privacy is checked separately
    (Wagtail's own before_serve_document hook; content.views.image for images)."""
    if _edits_pages(viewer):
        return True
    page_ids = (
        ReferenceIndex.get_references_to(obj)
        .filter(base_content_type__app_label="wagtailcore", base_content_type__model="page")
        .values_list("object_id", flat=True)
    )
    ids = [int(pk) for pk in page_ids if str(pk).isdigit()]
    if not ids:
        return False
    return visible_pages(viewer=viewer).filter(pk__in=ids).exists()


def openable_files(*, viewer: Viewer, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The documents or images of `queryset` the viewer may open, by can_view_file's rule: all of
    them for someone who edits pages, otherwise those a live page the viewer may see uses (for
    listings: Wagtail's admin API, content.admin_api). Collection privacy is the caller's."""
    if _edits_pages(viewer):
        return queryset
    references = ReferenceIndex.objects.filter(
        base_content_type__app_label="wagtailcore",
        base_content_type__model="page",
        to_content_type=ReferenceIndex._get_base_content_type(queryset.model),
    ).values_list("object_id", "to_object_id")
    by_page: dict[int, set[int]] = {}
    for page_id, file_id in references:
        if str(page_id).isdigit() and str(file_id).isdigit():
            by_page.setdefault(int(page_id), set()).add(int(file_id))
    if not by_page:
        return queryset.none()
    seen = visible_pages(viewer=viewer).filter(pk__in=list(by_page)).values_list("pk", flat=True)
    return queryset.filter(pk__in={file_id for page_id in seen for file_id in by_page[page_id]})


# Search -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResults:
    query: str
    theme: Theme | None
    page_obj: PaginatorPage | None
    facets: list[tuple[Theme, int]]


def site_search(
    *, viewer: Viewer, query: str, theme_slug: str = "", page_number: Any = None
) -> SearchResults:
    """Wagtail search over what the viewer may see, with a count per theme (facets) among the
    matching guidance."""
    # Words only: quotes and operators mean something to SQLite FTS5 and PostgreSQL tsquery.
    query = " ".join(re.findall(r"\w+", query[:500]))[:200]
    theme = Theme.objects.filter(slug=theme_slug).first() if theme_slug else None
    if not query:
        return SearchResults(query="", theme=theme, page_obj=None, facets=[])
    hidden = hidden_paths(viewer=viewer)
    base = _without_hidden(Page.objects.live(), hidden)
    matching_ids = [page.pk for page in base.search(query, operator="and")]
    guidance = GuidancePage.objects.filter(pk__in=matching_ids)
    facets_qs = (
        Theme.objects.filter(guidance_pages__in=guidance)
        .annotate(matches=Count("guidance_pages", distinct=True))
        .order_by("name")
    )
    facets = [(t, t.matches) for t in facets_qs]
    if theme is not None:
        themed = set(guidance.filter(themes=theme).values_list("pk", flat=True))
        matching_ids = [pk for pk in matching_ids if pk in themed]
    paginator = Paginator(matching_ids, LISTING_PAGE_SIZE)
    page_obj = paginator.get_page(page_number)
    by_id = {page.pk: page for page in Page.objects.filter(pk__in=list(page_obj.object_list)).specific()}
    page_obj.object_list = [by_id[pk] for pk in page_obj.object_list if pk in by_id]
    return SearchResults(query=query, theme=theme, page_obj=page_obj, facets=facets)


# Review -------------------------------------------------------------------------------------------


def guidance_past_review(*, viewer: Viewer, today: datetime.date | None = None) -> QuerySet[GuidancePage]:
    """Guidance past its review date that the viewer owns: pages they own (Wagtail owner) and,
    for governance members, every page (boards own guidance collectively)."""
    if not viewer.is_authenticated:
        return GuidancePage.objects.none()
    today = today or timezone.localdate()
    queryset = GuidancePage.objects.filter(next_review_date__lt=today).select_related("owner_board", "owner")
    if not has(viewer, Perm.VIEW_GOVERNANCE):
        queryset = queryset.filter(owner=viewer)
    return queryset.order_by("next_review_date", "pk")
