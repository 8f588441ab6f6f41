"""WAGTAIL_FINISH_WORKFLOW_ACTION (see content.workflow). Wagtail imports this while its own models
load, so everything here is imported when the action runs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


def publish_approved(workflow_state: Any, user: Any = None) -> None:
    """WAGTAIL_FINISH_WORKFLOW_ACTION: re-check the revision at release, then publish it."""
    obj = workflow_state.content_object
    revision = obj.get_latest_revision()
    from content.identifier_check import publication_holds
    from content.workflow import AUTHOR_REFUSAL, content_author_ids

    if publication_holds(revision.as_object(), page_id=obj.pk):
        raise PermissionDenied("The identifier check holds this page.")
    if user is not None and user.pk in content_author_ids(obj, workflow_state):
        raise PermissionDenied(AUTHOR_REFUSAL)
    revision.publish(user=user, skip_permission_checks=True)
