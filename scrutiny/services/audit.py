"""The access audit every service writes, and the small checks every service shares."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model

from agencies.models import User
from agencies.privacy.identifiers import ALL_KINDS, describe, find_identifiers
from scrutiny.models import (
    AccessChannel,
    AccessEvent,
    AccessVerb,
)
from scrutiny.redaction import Audience

# Audit ------------------------------------------------------------------------------------------------


def access_record(
    *,
    actor: User | None,
    verb: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: int | None = None,
    audience: Audience | str | None,
    channel: str,
    panel_id: int | None = None,
    meeting_id: int | None = None,
) -> AccessEvent:
    """Append one access event: ids, kinds and the justifying meeting; never content."""
    return AccessEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        object_type=object_type or (obj._meta.model_name if obj is not None else ""),
        object_id=object_id if object_id is not None else (obj.pk if obj is not None else None),
        audience=str(audience or "none"),
        channel=channel,
        panel_id=panel_id,
        meeting_id=meeting_id,
    )


def edit_logged(
    actor: User, obj: Model, audience: Audience | None, panel_id: int, meeting_id: int | None = None
) -> None:
    access_record(
        actor=actor,
        verb=AccessVerb.EDIT,
        obj=obj,
        audience=audience,
        channel=AccessChannel.PAGE,
        panel_id=panel_id,
        meeting_id=meeting_id,
    )


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("You cannot do that on this panel.")


def check_text(text: str, field: str) -> None:
    """Short or personal panel-side text (review notes, action owner roles and updates): an
    identifier hit refuses the save. Findings and action descriptions are held instead."""
    hits = find_identifiers(text, ALL_KINDS)
    if hits:
        raise ValidationError({field: describe(hits)})
