"""Identifier checks of case texts: the detector on save, the second person's confirmation."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from agencies.models import User
from agencies.privacy.identifiers import ALL_KINDS, find_identifiers
from scrutiny import permissions
from scrutiny.models import (
    REDACTION_TOKEN,
    AccessChannel,
    AccessVerb,
    Case,
    CheckStatus,
    DecisionPoint,
    Extract,
    IdentifierCheck,
    IdentifierOverride,
    RedactionReason,
)
from scrutiny.redaction import Audience
from scrutiny.services.audit import access_record, check_text, edit_logged, require
from scrutiny.services.kanon import kanon_after_change, lookalikes

# Identifier checks and the second person ---------------------------------------------------------
# Every check runs through open_hits: the detector (agencies.privacy.identifiers, which normalises the text
# itself) on the stored text with confirmed redaction blocks masked out, less the hits a second
# person overrode for this exact text. It runs at save and again at release.


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _masked(text: str) -> str:
    """The text with each confirmed redaction block blanked (same length, so positions hold)."""
    return REDACTION_TOKEN.sub(lambda match: " " * len(match.group(0)), text)


def _overrides(obj: IdentifierCheck, text: str) -> set[tuple[str, int, int]]:
    if obj.pk is None:
        return set()
    return set(
        IdentifierOverride.objects.filter(
            object_type=obj._meta.model_name, object_id=obj.pk, text_sha256=text_sha256(text)
        ).values_list("kind", "start", "end")
    )


def open_hits(obj: IdentifierCheck, text: str | None = None) -> list[Any]:
    """The possible identifiers in the text that no second person has decided for this exact text."""
    text = getattr(obj, obj.checked_field) if text is None else text
    kept = _overrides(obj, text)
    return [
        hit
        for hit in find_identifiers(_masked(text), ALL_KINDS)
        if (hit.kind.value, hit.start, hit.end) not in kept
    ]


def apply_check(obj: IdentifierCheck) -> None:
    hits = open_hits(obj)
    obj.identifier_kinds = sorted({hit.kind.value for hit in hits})
    obj.check_status = CheckStatus.FLAGGED if hits else CheckStatus.CLEAR


MAX_REASON = 1000


def _override_reason(reasons: dict[int, str], index: int) -> str:
    reason = reasons.get(index)
    field = f"reason_{index}"
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({field: "Say why this is not identifying (the reason is recorded)."})
    reason = reason.strip()
    if "\x00" in reason:
        raise ValidationError({field: "Remove the null character."})
    if len(reason) > MAX_REASON:
        raise ValidationError({field: f"Keep the reason to {MAX_REASON} characters or fewer."})
    check_text(reason, field)
    return reason


def redact_hits(
    obj: IdentifierCheck,
    redactions: dict[int, str | None],
    reasons: dict[int, str] | None = None,
    *,
    actor: User | None = None,
) -> list[IdentifierOverride]:
    """Apply a second person's decisions to the checked text: each open hit (by its index in
    open_hits) becomes a visible redaction token with its reason, or is kept as a false alarm with
    a written reason (an IdentifierOverride tied to the resulting text). Returns the overrides."""
    text = getattr(obj, obj.checked_field)
    hits = open_hits(obj)
    reasons = reasons or {}
    if set(redactions) != set(range(len(hits))):
        raise ValidationError("Decide every possible identifier: redact it or confirm it is not identifying.")
    kept: list[tuple[Any, str]] = []
    for index in sorted(redactions, reverse=True):
        reason = redactions[index]
        hit = hits[index]
        if reason is None:
            kept.append((hit, _override_reason(reasons, index)))
            continue
        if reason not in RedactionReason.values:
            raise ValidationError("Choose a reason for each redaction.")
        text = f"{text[: hit.start]}[[redacted:{reason}]]{text[hit.end :]}"
    # Positions of the kept hits in the final text (redactions before them shift them).
    shifts = [
        (hit.start, len(f"[[redacted:{redactions[i]}]]") - (hit.end - hit.start))
        for i, hit in enumerate(hits)
        if redactions[i] is not None
    ]
    setattr(obj, obj.checked_field, text)
    digest = text_sha256(text)
    made = []
    for hit, why in kept:
        shift = sum(delta for start, delta in shifts if start < hit.start)
        made.append(
            IdentifierOverride(
                object_type=obj._meta.model_name,
                object_id=obj.pk,
                text_sha256=digest,
                kind=hit.kind.value,
                start=hit.start + shift,
                end=hit.end + shift,
                reason=why,
                made_by=actor,
            )
        )
    IdentifierOverride.objects.bulk_create(made)
    remaining = open_hits(obj)
    if remaining:
        # The decided text still shows possible identifiers (the detector now reads it differently).
        raise ValidationError("The text still has possible identifiers: check it again.")
    obj.identifier_kinds = sorted({hit.kind.value for hit in find_identifiers(_masked(text), ALL_KINDS)})
    return made


def log_overrides(
    actor: User, overrides: list[IdentifierOverride], panel_id: int, meeting_id: int | None
) -> None:
    for override in overrides:
        edit_logged(actor, override, permissions.panel_audience(actor, panel_id), panel_id, meeting_id)


@transaction.atomic
def text_add(
    *, actor: User, case: Case, model: type[DecisionPoint] | type[Extract], text: str, **fields: Any
) -> DecisionPoint | Extract:
    """Add a decision point or an extract. Identifier hits flag it: the case cannot be released
    until a second person, who did not write or edit it, checks it."""
    require(permissions.can_edit_case(actor, case))
    if model is DecisionPoint and "order" not in fields:
        fields["order"] = DecisionPoint.objects.filter(case=case).count() + 1
    before = lookalikes(case)
    obj = model(case=case, text=text, author=actor, **fields)
    apply_check(obj)
    obj.full_clean()
    obj.save()
    # A decision point's stage and an extract's kind describe the case to members: re-check it.
    kanon_after_change(case, before)
    edit_logged(actor, obj, Audience.COORDINATOR, case.panel_id)
    return obj


@transaction.atomic
def text_edit(*, actor: User, obj: DecisionPoint | Extract, text: str) -> DecisionPoint | Extract:
    """Edit free text. Every edit voids the last check, whoever makes it: the text is checked for
    identifiers again and waits for a second person, and the editor joins the people (with the
    author) who may neither check this wording nor release the case on its strength."""
    case = obj.case
    require(permissions.can_edit_case(actor, case))
    obj.text = text
    apply_check(obj)  # clear or flagged: never confirmed by an edit
    obj.checked_by = None
    obj.checked_at = None
    editors = [pk for pk in obj.edited_by or [] if isinstance(pk, int)]
    obj.edited_by = editors if actor.pk in editors else [*editors, actor.pk]
    obj.full_clean()
    obj.save()
    edit_logged(actor, obj, Audience.COORDINATOR, case.panel_id)
    return obj


OWN_WORDING = "You wrote or edited this text: another coordinator must check it."


def text_confirm(
    *,
    actor: User,
    obj: DecisionPoint | Extract,
    redactions: dict[int, str | None],
    reasons: dict[int, str] | None = None,
) -> DecisionPoint | Extract:
    """The second person's check. `redactions` maps each open hit (by its index in open_hits) to
    a RedactionReason value (the span becomes a visible redaction block with that reason) or None
    (a false alarm, kept: `reasons` must then give why, recorded as an override for this exact
    text). Every hit must be decided. Never by anyone who wrote or edited the current wording."""
    case = obj.case
    require(permissions.can_edit_case(actor, case))
    if not permissions.can_check_text(actor, case, obj.writer_ids):
        # Audited outside the check's transaction, so the refusal is kept.
        access_record(
            actor=actor,
            verb=AccessVerb.REFUSED,
            obj=obj,
            audience=Audience.COORDINATOR,
            channel=AccessChannel.PAGE,
            panel_id=case.panel_id,
        )
        raise PermissionDenied(OWN_WORDING)
    return _confirmed(actor=actor, obj=obj, redactions=redactions, reasons=reasons)


@transaction.atomic
def _confirmed(
    *,
    actor: User,
    obj: DecisionPoint | Extract,
    redactions: dict[int, str | None],
    reasons: dict[int, str] | None,
) -> DecisionPoint | Extract:
    case = obj.case
    # Re-read who wrote the stored wording under a lock: an edit since the caller loaded the
    # text may have made this person one of its writers.
    stored = type(obj).objects.select_for_update().filter(pk=obj.pk).first()
    if stored is None:
        raise ValidationError("This text no longer exists.")
    require(permissions.can_check_text(actor, case, stored.writer_ids | obj.writer_ids))
    overrides = redact_hits(obj, redactions, reasons, actor=actor)
    obj.check_status = CheckStatus.CONFIRMED
    obj.checked_by = actor
    obj.checked_at = timezone.now()
    obj.edited_by = []  # checked: the editors so far are covered by this check
    obj.save()
    edit_logged(actor, obj, Audience.COORDINATOR, case.panel_id)
    log_overrides(actor, overrides, case.panel_id, None)
    return obj


def case_texts(case: Case) -> list[DecisionPoint | Extract]:
    return [*DecisionPoint.objects.filter(case=case), *Extract.objects.filter(case=case)]


def recheck_texts(case: Case) -> None:
    """The identifier check again, on the stored text, now: a text with open hits is flagged
    (whatever its status said) and its second-person check is void."""
    for obj in case_texts(case):
        hits = open_hits(obj)
        if hits and obj.check_status != CheckStatus.FLAGGED:
            obj.identifier_kinds = sorted({hit.kind.value for hit in hits})
            obj.check_status = CheckStatus.FLAGGED
            obj.checked_by = None
            obj.checked_at = None
            obj.save(update_fields=["identifier_kinds", "check_status", "checked_by", "checked_at"])
