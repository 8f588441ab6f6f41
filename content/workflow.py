"""Two people for every publication, and no publishing outside the workflow.

- `TwoPersonTaskMixin` makes a Wagtail group-approval task refuse its approve action to anyone who
  wrote the content under approval (the workflow's submitter, and the author of any revision since
  the page was last published), to anyone who already approved an earlier step of the same
  workflow, and to everyone while `publication_holds` finds an identifier no override covers. It
  acts through Wagtail's own task API (`get_actions`, `on_action`, `locked_for_user`,
  `get_task_states_user_can_moderate`), so the edit view's action menu, the workflow-action view
  and the dashboard all agree.
- `WorkflowOnlyPermissionTester` is the page permission tester of every content page: no one
  (superusers included) may publish a page that has a workflow, except the workflow itself, so the
  edit view's Publish button, create-and-publish, bulk publish, the admin API's publish action,
  copy-and-publish and revert-and-publish are all refused by Wagtail's own permission checks.
  Unpublishing and view restrictions stay with those who hold the "publish" page permission.
- `content.workflow_finish.publish_approved` is WAGTAIL_FINISH_WORKFLOW_ACTION: it re-runs the
  holds on the revision it is
  about to publish, then publishes it with the permission check skipped (the approvals are the
  permission).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from wagtail.models import PagePermissionTester, Revision, TaskState

AUTHOR_REFUSAL = "You wrote or submitted this content, so someone else must review and approve it."
SECOND_STEP_REFUSAL = "You approved an earlier step of this workflow; a different person approves this one."


def content_author_ids(obj: Any, workflow_state: Any = None) -> set[int]:
    """Who wrote the content under approval: the workflow's submitter and the author of every
    revision since the page was last published (all revisions when it never was)."""
    ids: set[int] = set()
    state = workflow_state if workflow_state is not None else getattr(obj, "current_workflow_state", None)
    if state is not None and state.requested_by_id:
        ids.add(state.requested_by_id)
    revisions = Revision.objects.for_instance(obj)
    live_revision_id = getattr(obj, "live_revision_id", None)
    if live_revision_id:
        revisions = revisions.filter(pk__gt=live_revision_id)
    ids.update(revisions.exclude(user=None).values_list("user_id", flat=True).distinct())
    return ids


def earlier_approver_ids(workflow_state: Any, task: Any = None) -> set[int]:
    """Who approved another step of this workflow (a step sent back after an edit may be approved
    again by the same person)."""
    if workflow_state is None:
        return set()
    states = TaskState.objects.filter(workflow_state=workflow_state, status=TaskState.STATUS_APPROVED)
    if task is not None:
        states = states.exclude(task_id=task.pk)
    return set(states.exclude(finished_by=None).values_list("finished_by_id", flat=True))


def approval_refusal(obj: Any, user: Any, workflow_state: Any = None, task: Any = None) -> str | None:
    """Why `user` may not approve the current step for `obj`, or None."""
    state = workflow_state if workflow_state is not None else getattr(obj, "current_workflow_state", None)
    if user.pk in content_author_ids(obj, state):
        return AUTHOR_REFUSAL
    if user.pk in earlier_approver_ids(state, task):
        return SECOND_STEP_REFUSAL
    return None


def latest_holds(obj: Any) -> list[Any]:
    """The holds on the latest revision of `obj`. Wagtail asks a task for its actions several times
    while rendering one edit view, so the answer is kept on the object for its latest revision
    (a new revision, or a fresh object in the next request, computes it again)."""
    from content.identifier_check import publication_holds

    key = getattr(obj, "latest_revision_id", None)
    memo = getattr(obj, "_publication_holds_memo", None)
    if memo is not None and key is not None and memo[0] == key:
        return memo[1]
    revision = obj.get_latest_revision_as_object() if hasattr(obj, "get_latest_revision_as_object") else obj
    holds = publication_holds(revision, page_id=obj.pk)
    obj._publication_holds_memo = (key, holds)
    return holds


class TwoPersonTaskMixin:
    """For an AbstractGroupApprovalTask subclass: see the module docstring."""

    def get_actions(self, obj: Any, user: Any) -> list[tuple[str, str, bool]]:
        actions = super().get_actions(obj, user)  # type: ignore[misc]
        if not actions:
            return actions
        if approval_refusal(obj, user, task=self) is not None:
            return []
        if latest_holds(obj):
            return [action for action in actions if action[0] != "approve"]
        return actions

    def on_action(self, task_state: Any, user: Any, action_name: str, **kwargs: Any) -> Any:
        if action_name == "approve":
            obj = task_state.workflow_state.content_object
            refusal = approval_refusal(obj, user, task_state.workflow_state, task=self)
            if refusal is not None:
                raise PermissionDenied(refusal)
            if latest_holds(obj):
                raise PermissionDenied("The identifier check holds this page.")
        elif action_name == "reject":
            obj = task_state.workflow_state.content_object
            if user.pk in content_author_ids(obj, task_state.workflow_state):
                raise PermissionDenied(AUTHOR_REFUSAL)
        return super().on_action(task_state, user, action_name, **kwargs)  # type: ignore[misc]

    def locked_for_user(self, obj: Any, user: Any) -> bool:
        # Only reviewers edit a page in review, and its authors are not its reviewers.
        locked = super().locked_for_user(obj, user)  # type: ignore[misc]
        state = getattr(obj, "current_workflow_state", None)
        return locked or bool(state is not None and state.requested_by_id == user.pk)

    def get_task_states_user_can_moderate(self, user: Any, **kwargs: Any) -> Any:
        states = super().get_task_states_user_can_moderate(user, **kwargs)  # type: ignore[misc]
        return states.exclude(Q(workflow_state__requested_by=user))


class WorkflowOnlyPermissionTester(PagePermissionTester):
    """Nobody publishes a page with a workflow except the workflow (see the module docstring)."""

    def _wagtail_can_publish(self) -> bool:
        return super().can_publish()

    def _under_workflow(self) -> bool:
        try:
            return self.page.get_workflow() is not None
        except Exception:  # a page type without workflows
            return False

    def can_publish(self) -> bool:
        if self._under_workflow():
            return False
        return super().can_publish()

    def can_publish_subpage(self) -> bool:
        if self._under_workflow():
            return False
        return super().can_publish_subpage()

    def can_set_view_restrictions(self) -> bool:
        return self._wagtail_can_publish()

    def can_unschedule(self) -> bool:
        return self._wagtail_can_publish()


class WorkflowOnlyPublishing:
    """Page mixin: the WorkflowOnlyPermissionTester for every user."""

    def permissions_for_user(self, user: Any) -> PagePermissionTester:
        return WorkflowOnlyPermissionTester(user, self)
