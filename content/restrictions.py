"""The site's page view restrictions (and the guidance filter's choices), read once and shared
through the cache.

Every content page asks two questions about privacy: Wagtail's serve hook asks which restrictions
apply to this page (its own and its ancestors'), and `content.selectors.hidden_paths` asks which
restricted subtrees a viewer does not pass. Both need the whole (short) list of restrictions; it
is configuration, not user data, so one copy serves everyone. What depends on the viewer (are they
signed in, which groups are they in) is still decided per request from the live user.

The copy is keyed by a generation token that is replaced whenever a restriction, its groups or any
page changes (pages move, become aliases or are deleted), through the signals connected in
`connect_signals`: once when the change is made and again when its transaction commits. A reader
takes the token before it reads the database, so a list read before a commit can only ever be
stored under a token nobody uses any more. Every copy expires after `TTL` seconds in any case.
The cache must be shared by every worker (Redis in the scale-out stack, as Wagtail's own site-root
cache already requires).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_unpublished, post_page_move

GENERATION_KEY = "content:page-view-restrictions:generation"
CACHE_KEY = "content:page-view-restrictions:v1:{generation}"
TTL = 300


@dataclass(frozen=True)
class Restriction:
    id: int
    page_id: int
    path: str
    restriction_type: str
    group_ids: frozenset[int]


@dataclass(frozen=True)
class RestrictionSet:
    restrictions: tuple[Restriction, ...]
    has_aliases: bool  # Wagtail resolves aliases to their source's restrictions; we then defer to it

    def applying_to(self, path: str) -> list[Restriction]:
        """Restrictions on the page at `path` or any of its ancestors."""
        return [r for r in self.restrictions if path.startswith(r.path)]


def _load() -> RestrictionSet:
    rows = PageViewRestriction.objects.select_related("page").prefetch_related("groups").order_by("pk")
    restrictions = tuple(
        Restriction(
            id=r.pk,
            page_id=r.page_id,
            path=r.page.path,
            restriction_type=r.restriction_type,
            group_ids=frozenset(g.pk for g in r.groups.all()),
        )
        for r in rows
    )
    has_aliases = Page.objects.filter(alias_of__isnull=False).exists()
    return RestrictionSet(restrictions=restrictions, has_aliases=has_aliases)


def generation(key: str) -> str:
    """The current token of a generation key (made on first use)."""
    token = cache.get(key)
    if token is None:
        token = uuid.uuid4().hex
        # add, not set: two first readers must not each think their token is the current one.
        if not cache.add(key, token, None):
            token = cache.get(key) or token
    return str(token)


def new_generation(key: str) -> None:
    """Retire every copy stored under the key's current token: now, and again at commit (a copy
    read inside the writer's transaction window is stored under a token nobody reads)."""

    def renew() -> None:
        cache.set(key, uuid.uuid4().hex, None)

    renew()
    transaction.on_commit(renew)


def restriction_set() -> RestrictionSet:
    key = CACHE_KEY.format(generation=generation(GENERATION_KEY))
    found = cache.get(key)
    if isinstance(found, RestrictionSet):
        return found
    found = _load()
    cache.set(key, found, TTL)
    return found


def invalidate(**kwargs: Any) -> None:
    new_generation(GENERATION_KEY)


FILTER_GENERATION_KEY = "content:guidance-filter-choices:generation"
FILTER_CACHE_KEY = "content:guidance-filter-choices:v1:{generation}"


def filter_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The guidance filter's theme and area choices (controlled lists, the same for everyone)."""
    from agencies.models import Area
    from content.models import Theme

    key = FILTER_CACHE_KEY.format(generation=generation(FILTER_GENERATION_KEY))
    found = cache.get(key)
    if isinstance(found, tuple):
        return found
    themes = list(Theme.objects.filter(is_active=True).values_list("slug", "name"))
    areas = list(Area.objects.values_list("code", "name"))
    found = (themes, areas)
    cache.set(key, found, TTL)
    return found


def invalidate_filter_choices(**kwargs: Any) -> None:
    new_generation(FILTER_GENERATION_KEY)


def _page_changed(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    if isinstance(instance, Page):
        invalidate()


def connect_signals() -> None:
    post_save.connect(invalidate, sender=PageViewRestriction, dispatch_uid="content-pvr-saved")
    post_delete.connect(invalidate, sender=PageViewRestriction, dispatch_uid="content-pvr-deleted")
    m2m_changed.connect(
        invalidate, sender=PageViewRestriction.groups.through, dispatch_uid="content-pvr-groups"
    )
    # Any page row: paths change on move, aliases appear, deleted pages take restrictions with them.
    post_save.connect(_page_changed, dispatch_uid="content-page-saved")
    post_delete.connect(_page_changed, dispatch_uid="content-page-deleted")
    post_page_move.connect(invalidate, dispatch_uid="content-page-moved")
    page_unpublished.connect(invalidate, dispatch_uid="content-page-unpublished")

    from agencies.models import Area
    from content.models import Theme

    for model in (Theme, Area):
        for signal in (post_save, post_delete):
            signal.connect(
                invalidate_filter_choices,
                sender=model,
                dispatch_uid=f"content-filter-choices-{model.__name__}-{signal is post_save}",
            )


def content_version() -> str:
    """Changes whenever anything a content page shows may have changed: any page saved, deleted,
    moved or unpublished, any restriction, theme or area changed (the two generation tokens)."""
    return content_version_with()[0]


def content_version_with(*keys: str) -> tuple[str, dict[str, Any]]:
    """The content version and the cache entries under `keys`, read in the same round trip to
    Redis (one MGET): for a copy stored with the version it was made under, which is compared
    with the version read here, so no copy outlives a change by even one request."""
    found = cache.get_many([GENERATION_KEY, FILTER_GENERATION_KEY, *keys])
    if GENERATION_KEY in found and FILTER_GENERATION_KEY in found:
        return f"{found[GENERATION_KEY]}.{found[FILTER_GENERATION_KEY]}", found
    # First use (or the tokens were evicted): make them; nothing stored under an older token matches.
    return f"{generation(GENERATION_KEY)}.{generation(FILTER_GENERATION_KEY)}", found
