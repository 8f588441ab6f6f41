"""Two people for every publication (issue 13, point 2, the content side).

Reproduction: a governance member could publish guidance directly, or approve their own
submission. Now the guidance workflow is a content check (2i) by another content editor, then
board approval by a governance member; neither step can be taken by the page's author or
submitter, no one takes both steps, and no one publishes outside the workflow by any of Wagtail's
publish paths (edit view, create view, bulk action, admin API, copy, revert, scheduling)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, TaskState, WorkflowState

from agencies.roles import Role
from content.models import BoardApprovalTask, ContentCheckTask, GuidancePage
from content.services import guidance_workflow_ensure
from content.workflow import AUTHOR_REFUSAL
from tests.conftest import _user, signed_in_client
from tests.content.test_workflow import edit_data
from tests.factories.content import guidance_index, guidance_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_governance_member(roles, national_agency):
    return _user(Role.GOVERNANCE_MEMBER, national_agency, "governance2@test-gov.example.org")


@pytest.fixture
def superuser(roles, national_agency):
    user = _user(Role.PLATFORM_ADMIN, national_agency, "root@test-gov.example.org")
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


def _edit_url(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _submit(client, page: Page):
    response = client.post(_edit_url(page), edit_data(page, **{"action-submit": "Submit"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def _task_state(page: Page) -> TaskState | None:
    return TaskState.objects.filter(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    ).first()


def _act(client, page: Page, action: str = "approve"):
    state = _task_state(page)
    assert state is not None, "no step in progress"
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk])
    return client.post(url, {"comment": ""})


def _current_task(page: Page) -> type:
    state = _task_state(page)
    return type(state.task.specific) if state else type(None)


def _live(page: Page) -> bool:
    return GuidancePage.objects.get(pk=page.pk).live


def test_the_workflow_is_a_content_check_then_board_approval(
    draft, editor, checker, governance_member
) -> None:
    _submit(signed_in_client(editor), draft)
    assert _current_task(draft) is ContentCheckTask
    assert _act(signed_in_client(checker), draft).status_code == 302
    assert _current_task(draft) is BoardApprovalTask
    assert not _live(draft)
    assert _act(signed_in_client(governance_member), draft).status_code == 302
    assert _live(draft)
    assert WorkflowState.objects.get(object_id=str(draft.pk)).status == WorkflowState.STATUS_APPROVED
    # Who did what is in the page history: the submission, the 2i and the board approval.
    entries = list(
        PageLogEntry.objects.filter(page=draft, action__startswith="wagtail.workflow").order_by(
            "timestamp", "pk"
        )
    )
    assert [(e.action, e.user_id) for e in entries] == [
        ("wagtail.workflow.start", editor.pk),
        ("wagtail.workflow.approve", checker.pk),
        ("wagtail.workflow.approve", governance_member.pk),
    ]
    history = signed_in_client(checker).get(reverse("wagtailadmin_pages:history", args=[draft.pk]))
    assert history.status_code == 200


def test_the_submitter_cannot_take_the_content_check(draft, editor, checker) -> None:
    client = signed_in_client(editor)
    _submit(client, draft)
    # The submitter is in the 2i group, but has no workflow actions on their own submission...
    task = _task_state(draft).task.specific
    assert task.get_actions(draft, editor) == []
    assert task.get_actions(draft, checker)
    # ... so the workflow-action view refuses them, and the edit view's approve does nothing.
    response = _act(client, draft)
    assert response.status_code in (302, 403)
    assert _current_task(draft) is ContentCheckTask
    client.post(
        _edit_url(draft),
        edit_data(draft, **{"action-workflow-action": "true", "workflow-action-name": "approve"}),
    )
    assert _current_task(draft) is ContentCheckTask
    with pytest.raises(Exception) as refused:
        task.on_action(_task_state(draft), editor, "approve")
    assert AUTHOR_REFUSAL in str(refused.value)
    assert _current_task(draft) is ContentCheckTask


def test_a_governance_member_cannot_approve_their_own_submission(
    draft, governance_member, other_governance_member, checker
) -> None:
    """The reproduction: a governance member submits their own guidance, then approves it."""
    own = signed_in_client(governance_member)
    _submit(own, draft)
    assert _act(signed_in_client(checker), draft).status_code == 302
    assert _current_task(draft) is BoardApprovalTask
    response = _act(own, draft)
    assert response.status_code in (302, 403)
    assert not _live(draft)
    assert _current_task(draft) is BoardApprovalTask
    own.post(
        _edit_url(draft),
        edit_data(draft, **{"action-workflow-action": "true", "workflow-action-name": "approve"}),
    )
    assert not _live(draft)
    # Another member of the board can.
    assert _act(signed_in_client(other_governance_member), draft).status_code == 302
    assert _live(draft)


def test_an_author_who_did_not_submit_cannot_check_it(draft, editor, checker, roles, national_agency) -> None:
    third = _user(Role.CONTENT_EDITOR, national_agency, "third@test-gov.example.org")
    # The checker wrote a draft revision; the editor submits it.
    latest = draft.get_latest_revision_as_object()
    latest.summary = "Written by the checker."
    latest.save_revision(user=checker)
    _submit(signed_in_client(editor), draft)
    assert _task_state(draft).task.specific.get_actions(draft, checker) == []
    assert _act(signed_in_client(checker), draft).status_code in (302, 403)
    assert _current_task(draft) is ContentCheckTask
    assert _act(signed_in_client(third), draft).status_code == 302
    assert _current_task(draft) is BoardApprovalTask


def test_no_one_takes_both_steps(draft, editor, governance_member, roles, national_agency) -> None:
    both = _user(Role.CONTENT_EDITOR, national_agency, "both@test-gov.example.org")
    both.groups.add(*governance_member.groups.all())
    _submit(signed_in_client(editor), draft)
    client = signed_in_client(both)
    assert _act(client, draft).status_code == 302
    assert _current_task(draft) is BoardApprovalTask
    assert _task_state(draft).task.specific.get_actions(draft, both) == []
    _act(client, draft)
    assert not _live(draft)
    assert _act(signed_in_client(governance_member), draft).status_code == 302
    assert _live(draft)


def test_an_approver_who_edits_while_approving_is_refused(draft, editor, checker) -> None:
    _submit(signed_in_client(editor), draft)
    response = signed_in_client(checker).post(
        _edit_url(draft),
        edit_data(
            draft,
            summary="The checker rewrote this.",
            **{"action-workflow-action": "true", "workflow-action-name": "approve"},
        ),
    )
    assert response.status_code == 200
    assert "approving your own changes" in response.content.decode()
    assert _current_task(draft) is ContentCheckTask


def test_an_edit_during_board_approval_goes_back_to_the_content_check(
    draft, editor, checker, governance_member, other_governance_member
) -> None:
    _submit(signed_in_client(editor), draft)
    _act(signed_in_client(checker), draft)
    assert _current_task(draft) is BoardApprovalTask
    # A board member edits the page in review (saving a draft), then another approves.
    response = signed_in_client(governance_member).post(
        _edit_url(draft), edit_data(draft, summary="Changed at the board.")
    )
    assert response.status_code == 302
    assert _act(signed_in_client(other_governance_member), draft).status_code == 302
    assert not _live(draft)
    assert _current_task(draft) is ContentCheckTask
    # The editor who changed it at the board cannot approve it at the board afterwards.
    _act(signed_in_client(checker), draft)
    assert _current_task(draft) is BoardApprovalTask
    assert _task_state(draft).task.specific.get_actions(draft, governance_member) == []
    assert _act(signed_in_client(other_governance_member), draft).status_code == 302
    assert _live(draft)


def test_submission_notifies_each_step_but_not_the_authors(draft, editor, checker, governance_member) -> None:
    from agencies.models import Notification

    _submit(signed_in_client(editor), draft)
    assert [n.recipient for n in Notification.objects.all()] == [checker]
    _act(signed_in_client(checker), draft)
    assert [n.recipient for n in Notification.objects.order_by("pk")] == [checker, governance_member]
    assert all(draft.title not in n.title for n in Notification.objects.all())


# No publishing outside the workflow ---------------------------------------------------------------


@pytest.fixture(params=["governance_member", "superuser"])
def publisher(request):
    return request.getfixturevalue(request.param)


def test_no_publish_button_and_no_publish_permission(draft, publisher) -> None:
    perms = draft.permissions_for_user(publisher)
    assert not perms.can_publish()
    assert not draft.get_parent().specific.permissions_for_user(publisher).can_publish_subpage()
    body = signed_in_client(publisher).get(_edit_url(draft)).content.decode()
    assert 'name="action-publish"' not in body
    assert 'name="action-submit"' in body


def test_the_edit_view_does_not_publish(draft, publisher) -> None:
    client = signed_in_client(publisher)
    client.post(_edit_url(draft), edit_data(draft, **{"action-publish": "Publish"}))
    assert not _live(draft)


def test_scheduled_publishing_outside_the_workflow_is_refused(draft, publisher) -> None:
    go_live = (timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    signed_in_client(publisher).post(
        _edit_url(draft), edit_data(draft, go_live_at=go_live, **{"action-publish": "Publish"})
    )
    draft.refresh_from_db()
    assert not draft.live
    assert draft.get_latest_revision().approved_go_live_at is None


def test_revert_and_publish_is_refused(home_page, roles, publisher) -> None:
    guidance_workflow_ensure()
    page = guidance_page(guidance_index(home_page), title="Live guidance", slug="live-guidance")
    old = page.get_latest_revision()
    newer = page.get_latest_revision_as_object()
    newer.summary = "A draft nobody approved."
    newer.save_revision()
    data = edit_data(page, summary="A draft nobody approved.", **{"action-publish": "Publish"})
    data["revision"] = str(old.pk)
    signed_in_client(publisher).post(_edit_url(page), data)
    page.refresh_from_db()
    assert page.live_revision_id == old.pk


def test_create_and_publish_is_refused(home_page, roles, publisher) -> None:
    guidance_workflow_ensure()
    index = guidance_index(home_page)
    page = GuidancePage(title="New guidance", slug="new-guidance", summary="S")
    data = edit_data(page, **{"action-publish": "Publish"})
    url = reverse("wagtailadmin_pages:add", args=["content", "guidancepage", index.pk])
    signed_in_client(publisher).post(url, data)
    created = GuidancePage.objects.filter(slug="new-guidance").first()
    assert created is None or not created.live


def test_bulk_publish_is_refused(draft, publisher) -> None:
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish")) + f"?id={draft.pk}"
    client = signed_in_client(publisher)
    client.get(url)
    client.post(url, {"include_descendants": ""})
    assert not _live(draft)


def test_admin_api_publish_is_refused(draft, publisher) -> None:
    response = signed_in_client(publisher).post(
        f"/cms/api/main/pages/{draft.pk}/action/publish/", json.dumps({}), content_type="application/json"
    )
    assert response.status_code in (400, 403, 404, 405)
    assert not _live(draft)


def test_copy_and_publish_is_refused(home_page, roles, publisher) -> None:
    guidance_workflow_ensure()
    index = guidance_index(home_page)
    page = guidance_page(index, title="Copied guidance", slug="copied-guidance")
    signed_in_client(publisher).post(
        reverse("wagtailadmin_pages:copy", args=[page.pk]),
        {
            "new_title": "The copy",
            "new_slug": "the-copy",
            "new_parent_page": str(index.pk),
            "publish_copies": "on",
            "copy_subpages": "",
        },
    )
    copy = GuidancePage.objects.filter(slug="the-copy").first()
    assert copy is None or not copy.live


def test_unpublishing_stays_with_the_board(home_page, roles, governance_member, editor) -> None:
    guidance_workflow_ensure()
    page = guidance_page(guidance_index(home_page), title="Withdrawn guidance", slug="withdrawn")
    assert page.permissions_for_user(governance_member).can_unpublish()
    assert not page.permissions_for_user(editor).can_unpublish()
