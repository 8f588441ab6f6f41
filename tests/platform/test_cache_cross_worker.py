"""Content caches on Redis shared by two real daphne workers (issue 13, point 7): an editor's
preview served by one worker never reaches a partner served by either worker, and a preview on
a cache the partners warmed shows the draft. The in-process version of each case, on every
preview kind, is tests/content/test_cache_revisions.py."""

from __future__ import annotations

import http.cookies
import urllib.request
from typing import Any

import pytest
import redis
from django.conf import settings

from content.services import guidance_workflow_ensure
from tests.factories.content import guidance_index, guidance_page
from tests.live import LiveServer, session_cookie_for

pytestmark = [pytest.mark.redis, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LIVE = "Approved live wording on every worker"
DRAFT = "Unapproved draft wording on one worker"


def _get(server: LiveServer, path: str, cookie: str | None) -> str:
    request = urllib.request.Request(f"{server.url}{path}")  # noqa: S310 - loopback test server
    if cookie is not None:
        jar = http.cookies.SimpleCookie()
        jar[settings.SESSION_COOKIE_NAME] = cookie
        request.add_header("Cookie", jar.output(header="", attrs=[]).strip())
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 200, (path, response.status)
        return response.read().decode(errors="replace")


def _fragment_keys() -> list[Any]:
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])  # the cache's own database
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return list(client.scan_iter(match=f"{prefix}:*content:fragment:*", count=500))


def test_a_preview_on_one_worker_never_reaches_partners_on_any_worker(
    daphne_pair, home_page, roles, editor, isva, panel_member, governance_member
) -> None:
    first, second = daphne_pair
    guidance_workflow_ensure()
    page = guidance_page(
        guidance_index(home_page), title="Cross worker guidance", body=[("rich_text", f"<p>{LIVE}.</p>")]
    )
    draft = page.get_latest_revision_as_object()
    draft.body = [("rich_text", f"<p>{DRAFT}.</p>")]
    draft.save_revision()
    view_draft = f"/cms/pages/{page.pk}/view_draft/"
    editor_cookie = session_cookie_for(editor)
    partners = [session_cookie_for(user) for user in (isva, panel_member, governance_member)] + [None]

    # Cold cache: the editor previews on the first worker, partners read on both.
    shown = _get(first, view_draft, editor_cookie)
    assert DRAFT in shown and LIVE not in shown
    assert _fragment_keys() == []  # the preview stored nothing in Redis
    for cookie in partners:
        for server in (second, first):
            body = _get(server, page.url, cookie)
            assert LIVE in body and DRAFT not in body, (server.port, cookie is None)
    assert _fragment_keys(), "the partners' pages were cached in the shared Redis (the check can fail)"

    # Warm cache: the editor previews on the second worker and sees the draft, not the copy.
    shown = _get(second, view_draft, editor_cookie)
    assert DRAFT in shown and LIVE not in shown
    for cookie in partners:
        for server in (first, second):
            body = _get(server, page.url, cookie)
            assert LIVE in body and DRAFT not in body
