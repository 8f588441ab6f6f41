"""The guidance approval workflow: editors submit, another content editor checks the content (2i),
governance members approve or reject, nothing is published without approval, identifiers hold the
page at approval, and approved pages with a go-live date publish on schedule. The two-person rule
itself is tested in test_workflow_two_person.py."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, TaskState, Workflow, WorkflowState, WorkflowTask
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from content.models import BoardApprovalTask, ContentCheckTask, GuidancePage
from content.services import CONTENT_CHECK_TASK_NAME, WORKFLOW_NAME, guidance_workflow_ensure
from tests.conftest import signed_in_client
from tests.factories.content import ThemeFactory, guidance_index, guidance_page

pytestmark = pytest.mark.django_db

IDENTIFIER_TEXT = "Call the complainant on 07700 900123 before the hearing."


def edit_data(
    page: GuidancePage, *, summary: str | None = None, go_live_at: str = "", **buttons: str
) -> dict:
    theme = ThemeFactory(slug="case-strategy")
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "summary": summary if summary is not None else page.summary,
            "body": streamfield([("rich_text", rich_text("<p>Hold a joint meeting within a week.</p>"))]),
            "themes": [str(theme.pk)],
            "audience": "all",
            "area": "",
            "owner_board": "",
            "next_review_date": "",
            "change_notes": inline_formset([{"date": "2026-06-01", "note": "First version."}]),
            "comments": inline_formset([]),
            "seo_title": "",
            "search_description": "",
            "go_live_at": go_live_at,
            "expire_at": "",
        }
    )
    data.update(buttons)
    return data


def _task_state(page: Page) -> TaskState:
    return TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)


def _refused(response) -> bool:
    """Wagtail's admin answers a refused action with a redirect to the dashboard and a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/cms/")


def _approve(client, page: Page, action: str = "approve"):
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, _task_state(page).pk])
    return client.post(url, {"comment": ""})


def _checked(client, page: Page) -> None:
    """The content check (2i) step, approved by `client`."""
    assert isinstance(_task_state(page).task.specific, ContentCheckTask)
    assert _approve(client, page).status_code == 302
    assert isinstance(_task_state(page).task.specific, BoardApprovalTask)


def test_workflow_service_is_idempotent_and_is_the_site_default(home_page, roles) -> None:
    first = guidance_workflow_ensure()
    second = guidance_workflow_ensure()
    assert first.pk == second.pk
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    check = ContentCheckTask.objects.get(name=CONTENT_CHECK_TASK_NAME)
    task = BoardApprovalTask.objects.get(name=WORKFLOW_NAME)
    assert [g.name for g in check.groups.all()] == ["Content editor"]
    assert [g.name for g in task.groups.all()] == ["Governance member"]
    assert list(
        WorkflowTask.objects.filter(workflow=first).order_by("sort_order").values_list("task_id", flat=True)
    ) == [check.pk, task.pk]
    index = guidance_index(home_page)
    page = guidance_page(index, title="Any", publish=False)
    assert page.get_workflow().pk == first.pk


def test_editor_submits_and_governance_member_approves(draft, editor, checker, governance_member) -> None:
    editor_client = signed_in_client(editor)
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    response = editor_client.post(url, edit_data(draft, **{"action-submit": "Submit"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert not draft.live
    assert draft.workflow_in_progress
    # The editor cannot approve (not in the board's group) nor publish (no publish permission).
    assert _refused(_approve(editor_client, draft))
    editor_client.post(url, edit_data(draft, **{"action-publish": "Publish"}))
    draft.refresh_from_db()
    assert not draft.live
    # The board cannot take the content check; another editor does.
    assert _refused(_approve(signed_in_client(governance_member), draft))
    _checked(signed_in_client(checker), draft)
    response = _approve(signed_in_client(governance_member), draft)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.live
    assert WorkflowState.objects.get(object_id=str(draft.pk)).status == WorkflowState.STATUS_APPROVED
    assert "Hold a joint meeting" in signed_in_client(editor).get(draft.url).content.decode()


def test_governance_member_requests_changes(draft, editor, checker, governance_member) -> None:
    signed_in_client(editor).post(
        reverse("wagtailadmin_pages:edit", args=[draft.pk]), edit_data(draft, **{"action-submit": "Submit"})
    )
    _checked(signed_in_client(checker), draft)
    response = _approve(signed_in_client(governance_member), draft, action="reject")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert not draft.live
    state = WorkflowState.objects.get(object_id=str(draft.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES


def test_editor_cannot_publish_directly(draft, editor) -> None:
    client = signed_in_client(editor)
    client.post(
        reverse("wagtailadmin_pages:edit", args=[draft.pk]), edit_data(draft, **{"action-publish": "1"})
    )
    draft.refresh_from_db()
    assert not draft.live and not draft.workflow_in_progress
    assert not draft.permissions_for_user(editor).can_publish()


def test_identifier_holds_the_page_in_the_workflow(draft, editor, checker) -> None:
    """Saving and submitting are allowed (the author does not lose work), but a hit holds the page:
    the author is told, and no step can be approved (was: submission refused with no way on)."""
    client = signed_in_client(editor)
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    response = client.post(url, edit_data(draft, summary=IDENTIFIER_TEXT))
    assert response.status_code == 302
    assert GuidancePage.objects.get(pk=draft.pk).get_latest_revision_as_object().summary == IDENTIFIER_TEXT
    response = client.post(
        url, edit_data(draft, summary=IDENTIFIER_TEXT, **{"action-submit": "Submit"}), follow=True
    )
    assert response.status_code == 200
    assert "This page is held" in response.content.decode()
    draft.refresh_from_db()
    assert draft.workflow_in_progress and not draft.live
    board = signed_in_client(checker)
    assert _refused(_approve(board, draft))
    # Through the edit view, approving shows the reason and does not move on.
    response = board.post(
        url,
        edit_data(
            draft,
            summary=IDENTIFIER_TEXT,
            **{"action-workflow-action": "true", "workflow-action-name": "approve"},
        ),
    )
    assert response.status_code == 200
    # (This post also changes the page - a new change note - which the approver may not do.)
    body = response.content.decode()
    assert "This page is held" in body or "approving your own changes" in body
    assert isinstance(_task_state(draft).task.specific, ContentCheckTask)
    # Requesting changes stays possible.
    assert _approve(board, draft, action="reject").status_code == 302


def test_identifier_added_during_review_blocks_approval(draft, editor, checker, governance_member) -> None:
    editor_client = signed_in_client(editor)
    url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    editor_client.post(url, edit_data(draft, **{"action-submit": "Submit"}))
    _checked(signed_in_client(checker), draft)
    # A later draft revision (saved while in moderation) adds an identifier.
    draft.refresh_from_db()
    revision_page = draft.get_latest_revision_as_object()
    revision_page.summary = IDENTIFIER_TEXT
    revision_page.save_revision(user=editor)
    board = signed_in_client(governance_member)
    assert _refused(_approve(board, draft))
    draft.refresh_from_db()
    assert not draft.live and draft.workflow_in_progress


def test_governance_member_cannot_publish_identifiers_directly(draft, governance_member) -> None:
    client = signed_in_client(governance_member)
    client.post(
        reverse("wagtailadmin_pages:edit", args=[draft.pk]),
        edit_data(draft, summary=IDENTIFIER_TEXT, **{"action-publish": "Publish"}),
    )
    draft.refresh_from_db()
    assert not draft.live


def test_scheduled_publishing_after_approval(draft, editor, checker, governance_member) -> None:
    go_live = timezone.now() + datetime.timedelta(days=2)
    signed_in_client(editor).post(
        reverse("wagtailadmin_pages:edit", args=[draft.pk]),
        edit_data(draft, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"), **{"action-submit": "Submit"}),
    )
    _checked(signed_in_client(checker), draft)
    assert _approve(signed_in_client(governance_member), draft).status_code == 302
    draft.refresh_from_db()
    assert not draft.live
    assert draft.get_latest_revision().approved_go_live_at is not None
    call_command("publish_scheduled")
    draft.refresh_from_db()
    assert not draft.live
    with time_machine.travel(go_live + datetime.timedelta(minutes=5)):
        call_command("publish_scheduled")
    draft.refresh_from_db()
    assert draft.live


def test_submission_notifies_governance_members_without_content(
    draft, editor, checker, governance_member, isva
) -> None:
    from agencies.models import Notification, NotificationKind

    signed_in_client(editor).post(
        reverse("wagtailadmin_pages:edit", args=[draft.pk]), edit_data(draft, **{"action-submit": "Submit"})
    )
    assert [n.recipient for n in Notification.objects.all()] == [checker]
    _checked(signed_in_client(checker), draft)
    notes = list(Notification.objects.exclude(recipient=checker))
    assert [n.recipient for n in notes] == [governance_member]
    assert notes[0].kind == NotificationKind.GUIDANCE_AWAITING_APPROVAL
    assert notes[0].url == reverse("wagtailadmin_pages:edit", args=[draft.pk])
    assert draft.title not in notes[0].title


def test_guidance_past_review_is_listed_for_owners_on_the_cms_dashboard(
    home_page, editor, governance_member, isva
) -> None:
    from content.selectors import guidance_past_review

    index = guidance_index(home_page)
    overdue = guidance_page(
        index, title="Overdue guidance", next_review_date=datetime.date(2020, 1, 1), owner=editor
    )
    guidance_page(index, title="Someone else overdue", next_review_date=datetime.date(2020, 1, 1))
    guidance_page(index, title="Current guidance", next_review_date=datetime.date(2099, 1, 1), owner=editor)
    assert list(guidance_past_review(viewer=editor)) == [overdue]
    assert {p.title for p in guidance_past_review(viewer=governance_member)} == {
        "Overdue guidance",
        "Someone else overdue",
    }
    assert list(guidance_past_review(viewer=isva)) == []
    body = signed_in_client(editor).get(reverse("wagtailadmin_home")).content.decode()
    assert "Guidance past its review date" in body and "Overdue guidance" in body
    assert "Someone else overdue" not in body and "Current guidance" not in body
