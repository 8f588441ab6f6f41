"""Caches that cannot cross revisions or audiences (issue 13, point 7).

Every cached fragment of a content page (the guidance body, the guidance index results, the home
page's latest guidance) and the signed-out page copy is keyed by the revision it shows and the
audience it was rendered for, and a preview (Wagtail's edit preview, view draft, a revision,
the moderation preview) never reads or fills any of them. Each test is written from the
intruder's side: a partner opening the public URL after an editor previewed a draft (cold
cache), an editor previewing after partners filled the cache (warm cache), a viewer of one
audience after a viewer of another.

On Redis these run against the shared cache too (REDIS_URL); the two-worker proof with real
daphne processes is tests/platform/test_cache_cross_worker.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from agencies.roles import Role
from content.models import GuidancePage
from content.services import guidance_workflow_ensure
from tests.conftest import signed_in_client
from tests.factories.content import guidance_index, guidance_page

pytestmark = pytest.mark.django_db

LIVE = "Approved live wording"
DRAFT = "Unapproved draft wording"
LIVE_SUMMARY = "The published summary."
DRAFT_SUMMARY = "The summary awaiting approval."
PARTNER_ROLES = ("isva", "host", "coordinator", "panel_member", "governance_member", "evaluator", "editor")


def _text(response: Any) -> str:
    return response.content.decode(errors="replace")


@pytest.fixture
def live_page(home_page, roles) -> GuidancePage:
    guidance_workflow_ensure()
    index = guidance_index(home_page)
    return guidance_page(
        index,
        title="Cached revision guidance",
        summary=LIVE_SUMMARY,
        body=[("rich_text", f"<p>{LIVE}.</p>")],
    )


def _save_draft(page: GuidancePage) -> Any:
    draft = page.get_latest_revision_as_object()
    draft.summary = DRAFT_SUMMARY
    draft.body = [("rich_text", f"<p>{DRAFT}.</p>")]
    return draft.save_revision()


def _edit_form(page: GuidancePage) -> dict[str, Any]:
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "summary": DRAFT_SUMMARY,
            "body": streamfield([("rich_text", rich_text(f"<p>{DRAFT}.</p>"))]),
            "themes": [],
            "audience": "all",
            "area": "",
            "owner_board": "",
            "next_review_date": "",
            "change_notes": inline_formset([]),
            "comments": inline_formset([]),
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
        }
    )


# Each preview, as the person who may open it: (client, url) after any set-up it needs.
def _view_draft(page: GuidancePage, people: dict[str, Any]) -> tuple[Client, str]:
    return signed_in_client(people["editor"]), reverse("wagtailadmin_pages:view_draft", args=[page.pk])


def _edit_preview(page: GuidancePage, people: dict[str, Any]) -> tuple[Client, str]:
    client = signed_in_client(people["editor"])
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    stored = client.post(url, _edit_form(page))
    assert stored.status_code == 200 and stored.json()["is_valid"], stored.content[:500]
    return client, url


def _revision_view(page: GuidancePage, people: dict[str, Any]) -> tuple[Client, str]:
    revision = page.revisions.order_by("-pk").first()
    url = reverse("wagtailadmin_pages:revisions_view", args=[page.pk, revision.pk])
    return signed_in_client(people["editor"]), url


def _moderation_preview(page: GuidancePage, people: dict[str, Any]) -> tuple[Client, str]:
    page.refresh_from_db()
    workflow = guidance_workflow_ensure()
    workflow.start(page, people["editor"])
    state = page.current_workflow_state
    task = state.current_task_state.task
    # Whoever may act on the current task previews what is up for approval (a board member, or
    # an editor other than the author should the workflow start with an editor's check).
    from tests.factories import UserFactory

    second_editor = UserFactory(
        email="second-editor@test-gov.example.org",
        agency=people["editor"].agency,
        roles=[Role.CONTENT_EDITOR],
    )
    actor = next(
        user
        for user in (people["governance_member"], second_editor, people["editor"])
        if task.specific.get_actions(page, user)
    )
    url = reverse("wagtailadmin_pages:workflow_preview", args=[page.pk, task.pk])
    return signed_in_client(actor), url


PREVIEWS: dict[str, Callable[[GuidancePage, dict[str, Any]], tuple[Client, str]]] = {
    "view_draft": _view_draft,
    "edit_preview": _edit_preview,
    "revision": _revision_view,
    "moderation_preview": _moderation_preview,
}


@pytest.fixture
def people(request) -> dict[str, Any]:
    return {name: request.getfixturevalue(name) for name in PARTNER_ROLES}


def _assert_public_is_live(page: GuidancePage, people: dict[str, Any]) -> None:
    for name in PARTNER_ROLES:
        body = _text(signed_in_client(people[name]).get(page.url))
        assert LIVE in body and DRAFT not in body and DRAFT_SUMMARY not in body, name
    body = _text(Client().get(page.url))
    assert LIVE in body and DRAFT not in body, "signed out"


@pytest.mark.parametrize("preview", sorted(PREVIEWS))
def test_a_preview_on_a_cold_cache_never_reaches_the_public_url(live_page, people, preview) -> None:
    """The reproduction: an editor previews a draft on a cold cache, then every signed-in partner
    (and a signed-out visitor) opens the public URL."""
    _save_draft(live_page)
    client, url = PREVIEWS[preview](live_page, people)
    shown = client.get(url)
    assert shown.status_code == 200 and DRAFT in _text(shown), _text(shown)[:500]
    _assert_public_is_live(live_page, people)


@pytest.mark.parametrize("preview", sorted(PREVIEWS))
def test_a_preview_on_a_warm_cache_shows_the_draft_under_review(live_page, people, preview) -> None:
    """The reverse: partners filled the cache with the live page; the preview still shows the
    draft that is up for approval, not the cached live copy."""
    _save_draft(live_page)
    _assert_public_is_live(live_page, people)  # every audience's copy is now warm
    client, url = PREVIEWS[preview](live_page, people)
    shown = _text(client.get(url))
    assert DRAFT in shown and DRAFT_SUMMARY in shown and LIVE not in shown
    _assert_public_is_live(live_page, people)  # and still live afterwards


def _fragment_calls(monkeypatch) -> list[tuple[str, str]]:
    """Every cache read or write of a fragment key from now on (name, key)."""
    from content import fragments

    calls: list[tuple[str, str]] = []
    for name in ("get", "get_many", "set", "set_many", "add"):
        original = getattr(cache, name)

        def recorded(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            keys = args[0] if args else kwargs.get("key", kwargs.get("keys", kwargs.get("data")))
            for key in [keys] if isinstance(keys, str) else list(keys or []):
                if str(key).startswith((fragments.KEY_PREFIX, "template.cache.")):
                    calls.append((_name, str(key)))
            return _original(*args, **kwargs)

        monkeypatch.setattr(cache, name, recorded)
    return calls


@pytest.mark.parametrize("target", ["home", "index", "guidance"])
def test_previews_neither_read_nor_fill_any_fragment(live_page, people, monkeypatch, target) -> None:
    """Home page, guidance index and guidance page: their fragments are never read or written
    while a preview renders (view draft, the revision view and the revisions compare view of each
    page type)."""
    page = {
        "home": live_page.get_parent().get_parent(),
        "index": live_page.get_parent(),
        "guidance": live_page,
    }[target].specific
    revision = page.get_latest_revision_as_object().save_revision()
    editor = signed_in_client(people["editor"])
    editor.get(page.url)  # the editor's own public copy is warm
    calls = _fragment_calls(monkeypatch)
    for url in (
        reverse("wagtailadmin_pages:view_draft", args=[page.pk]),
        reverse("wagtailadmin_pages:revisions_view", args=[page.pk, revision.pk]),
        reverse("wagtailadmin_pages:revisions_compare", args=[page.pk, "live", revision.pk]),
    ):
        assert editor.get(url).status_code == 200
    assert calls == []
    editor.get(page.url)
    assert calls, "the public URL does use its fragments (the check above can fail)"


def test_a_signed_out_preview_request_never_gets_the_signed_out_copy(live_page) -> None:
    """Wagtail's preview request copies the browser's cookies; one without a session (a preview
    made from code, a share link) must still render the draft, not the shared signed-out copy of
    the page's URL, and must not become that copy."""
    anonymous = Client()
    assert LIVE in _text(anonymous.get(live_page.url))  # the signed-out copy is warm
    _save_draft(live_page)
    assert LIVE in _text(anonymous.get(live_page.url))
    draft = GuidancePage.objects.get(pk=live_page.pk).get_latest_revision_as_object()
    preview = draft.make_preview_request()
    preview_body = preview.content.decode()
    assert DRAFT in preview_body and LIVE not in preview_body
    body = _text(anonymous.get(live_page.url))
    assert LIVE in body and DRAFT not in body


def test_a_newly_published_revision_is_served_at_once_to_every_audience(live_page, people) -> None:
    _assert_public_is_live(live_page, people)
    _save_draft(live_page).publish()
    for name in PARTNER_ROLES:
        assert DRAFT in _text(signed_in_client(people[name]).get(live_page.url)), name


def test_a_fragment_key_names_the_revision_and_the_audience(live_page, isva, governance_member) -> None:
    """Even under one content version, two revisions of a page, or two audiences, never share
    a fragment key."""
    from django.test import RequestFactory

    from content import fragments

    def key_for(user: Any, page: GuidancePage) -> str | None:
        request = RequestFactory().get(page.url)
        request.user = user
        return fragments.page_fragment_key(request, page, "guidance_page")

    page = GuidancePage.objects.get(pk=live_page.pk)
    first = key_for(isva, page)
    assert first is not None and first == key_for(isva, page)
    other = GuidancePage.objects.get(pk=live_page.pk)
    other.live_revision_id = _save_draft(page).pk
    assert key_for(isva, other) != first
    from django.contrib.auth.models import AnonymousUser

    assert key_for(AnonymousUser(), page) != first  # signed out is another audience
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.get(name=Role.GOVERNANCE_MEMBER.value)])
    assert key_for(isva, page) != key_for(governance_member, page)
    preview_request = RequestFactory().get(page.url)  # any preview: never a key
    preview_request.user = isva
    preview_request.is_preview = True  # type: ignore[attr-defined]
    assert fragments.page_fragment_key(preview_request, page, "guidance_page") is None


def test_related_guidance_of_another_audience_is_never_served(
    home_page, roles, isva, governance_member
) -> None:
    """The guidance body shows related guidance only if the viewer may see it: a member's copy
    (with the members-only link) never reaches a partner outside the group, nor the reverse."""
    index = guidance_index(home_page)
    private = guidance_page(index, title="Members only related guidance")
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=Role.GOVERNANCE_MEMBER.value)])
    page = guidance_page(
        index,
        title="Guidance with related links",
        body=[("related_guidance", {"heading": "Related", "pages": [private]})],
    )
    member, outsider, anonymous = signed_in_client(governance_member), signed_in_client(isva), Client()
    for order in ((member, outsider, anonymous), (outsider, anonymous, member)):
        cache.clear()
        for client in order:
            body = _text(client.get(page.url))
            assert "Guidance with related links" in body
            assert ("Members only related guidance" in body) is (client is member)


def test_page_templates_cache_only_through_the_revision_and_audience_key() -> None:
    """Django's {% cache %} caches under whatever key it is given, preview or not: page templates
    (content/ and the shared layout in config/) use {% fragment %} with content.fragments' key."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for folder in ("content/templates", "config/templates")
        for path in (root / folder).rglob("*.html")
        if "{% cache" in path.read_text() or "{% load cache" in path.read_text()
    ]
    assert offenders == []
