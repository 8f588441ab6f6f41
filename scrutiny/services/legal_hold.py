"""Legal holds: set and clear a hold on a case or a meeting, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agencies.models import User
from agencies.privacy.identifiers import ALL_KINDS, describe, find_identifiers
from scrutiny import permissions
from scrutiny.models import (
    AccessChannel,
    AccessVerb,
    Case,
    LegalHold,
    Meeting,
)
from scrutiny.services.audit import access_record, require

# Legal hold -------------------------------------------------------------------------------------------

# The audience recorded for a platform administrator, who has no panel audience.
HOLD_ADMIN_AUDIENCE = "platform_admin"


def _hold_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for the legal hold."})
    if len(reason) > LegalHold.REASON_MAX:
        raise ValidationError({"reason": f"The reason must be {LegalHold.REASON_MAX} characters or fewer."})
    hits = find_identifiers(reason, ALL_KINDS)
    if hits:
        raise ValidationError({"reason": describe(hits)})
    return reason


def legal_hold_audit(*, actor: User, target: Case | Meeting, verb: str) -> None:
    """One access event about a record's legal hold (object type "case_legal_hold" or
    "meeting_legal_hold", the record's id): set and cleared are edits, the page a view."""
    kind = "case" if isinstance(target, Case) else "meeting"
    access_record(
        actor=actor,
        verb=verb,
        object_type=f"{kind}_legal_hold",
        object_id=target.pk,
        audience=permissions.audience_for(actor, target) or HOLD_ADMIN_AUDIENCE,
        channel=AccessChannel.PAGE,
        panel_id=target.panel_id,
        meeting_id=target.pk if kind == "meeting" else None,
    )


def _hold_locked(target: Case | Meeting) -> Case | Meeting:
    model = Case if isinstance(target, Case) else Meeting
    return model.objects.select_for_update().get(pk=target.pk)


@transaction.atomic
def legal_hold_set(*, actor: User, target: Case | Meeting, reason: str) -> LegalHold:
    """Put a case or meeting on legal hold: retention deletes nothing tied to it until cleared."""
    require(permissions.can_manage_legal_hold(actor, target.panel_id))
    reason = _hold_reason(reason)
    locked = _hold_locked(target)
    kind = "case" if isinstance(target, Case) else "meeting"
    if locked.legal_hold:
        raise ValidationError(f"This {kind} is already on legal hold.")
    hold = LegalHold.objects.create(**{kind: locked}, reason=reason, set_by=actor)
    type(locked).objects.filter(pk=locked.pk).update(legal_hold=True)
    target.legal_hold = True
    legal_hold_audit(actor=actor, target=target, verb=AccessVerb.EDIT)
    return hold


@transaction.atomic
def legal_hold_clear(*, actor: User, target: Case | Meeting, reason: str) -> LegalHold:
    """Clear the active legal hold (its row stays, with who cleared it, when and why)."""
    require(permissions.can_manage_legal_hold(actor, target.panel_id))
    reason = _hold_reason(reason)
    locked = _hold_locked(target)
    kind = "case" if isinstance(target, Case) else "meeting"
    hold = LegalHold.objects.select_for_update().filter(**{kind: locked}, cleared_at__isnull=True).first()
    if hold is None:
        raise ValidationError(f"This {kind} is not on legal hold.")
    hold.cleared_by = actor
    hold.cleared_at = timezone.now()
    hold.clear_reason = reason
    hold.save(update_fields=["cleared_by", "cleared_at", "clear_reason"])
    type(locked).objects.filter(pk=locked.pk).update(legal_hold=False)
    target.legal_hold = False
    legal_hold_audit(actor=actor, target=target, verb=AccessVerb.EDIT)
    return hold
