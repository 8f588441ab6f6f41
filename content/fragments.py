"""Cached fragments of content pages: keyed by the revision shown and the audience shown to.

Three parts of content pages are rendered once and shared: the guidance body
(content/guidance_page.html), the guidance index results (guidance_index_page.html) and the home
page's latest guidance (home_page.html). Each goes through the `{% fragment %}` tag
(content.templatetags.content_fragments), whose key comes from `page_fragment_key` here and
nowhere else. A key names:

- the fragment and the page it belongs to (its id);
- the exact revision shown: the page's `live_revision_id` and `last_published_at` (the live
  page, as Wagtail serves it), and the content version (content.restrictions), which moves on
  with any page, restriction, theme or area saved, so everything else the fragment shows (the
  pages listed, related guidance, the owning board) is of the same moment;
- the audience: signed in or not, and the restricted subtrees hidden from the viewer
  (content.selectors.hidden_paths). Nothing else about the viewer enters a fragment: the
  fragments show pages and what the viewer may see of them, never the viewer's name, role or
  session (those are outside the cached blocks).

A preview is never cached and never read from the cache: `page_fragment_key` answers None for any
request Wagtail renders as a preview (its edit preview, view draft, a revision, the moderation
preview: all go through `make_preview_request`, which marks the request `is_preview` and
`is_dummy`), and the tag renders the block afresh. The revision number alone could not tell a
draft from the live page: a revision's copy of the page carries the live revision number it was
made from (Page.with_content_json), so a draft previewed would share the live page's key.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest

KEY_PREFIX = "content:fragment:v2:"


def is_preview(request: HttpRequest | None) -> bool:
    """A request Wagtail renders as a preview (or any other request it makes up itself)."""
    if request is None:
        return True  # no request to tell whose audience it is: never share
    return bool(getattr(request, "is_preview", False) or getattr(request, "is_dummy", False))


def audience_key(viewer: Any) -> str:
    """Who the fragment is for, as far as it can differ: signed in or not, and the restricted
    subtrees hidden from the viewer (with the content version they were read under)."""
    from content.selectors import visibility_key

    signed_in = "in" if viewer.is_authenticated else "out"
    return f"{signed_in}:{visibility_key(viewer=viewer)}"


def page_fragment_key(request: HttpRequest | None, page: Any, name: str, *parts: Any) -> str | None:
    """The cache key of fragment `name` of `page` as the request's viewer sees it, or None when
    the fragment must not be cached (a preview, or a page that is not the live one)."""
    if is_preview(request) or page is None or not getattr(page, "live", False):
        return None
    published = page.last_published_at.isoformat() if page.last_published_at else ""
    raw = "|".join(
        [
            name,
            str(page.pk),
            f"rev{page.live_revision_id or 0}",
            published,
            audience_key(request.user),  # type: ignore[union-attr]
            *(str(part) for part in parts),
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()
