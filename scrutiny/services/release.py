"""Release of a case (the second person's check) and declarations of involvement."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agencies.models import User
from scrutiny import permissions
from scrutiny.models import (
    AccessChannel,
    AccessVerb,
    Case,
    CaseStatus,
    CheckStatus,
    Extract,
    InvolvementDeclaration,
)
from scrutiny.redaction import Audience
from scrutiny.services.audit import access_record, edit_logged, require
from scrutiny.services.cases import KANON_UNIQUE
from scrutiny.services.kanon import K_ANONYMITY, kanon_refresh, quasi_identifier_matches
from scrutiny.services.texts import case_texts, open_hits, recheck_texts

SECOND_PERSON = (
    "You prepared this case: another coordinator of the area must check it and release it "
    "(no one releases their own case)."
)
OWN_TEXT = (
    "You wrote or edited {count} of this case's texts and no one else has checked {them} since: "
    "another coordinator must check {them} or release the case."
)


def release_blockers(case: Case, actor: User | None = None) -> list[str]:
    """Why the case cannot be released yet (plain sentences, no content); with `actor`, also why
    that person may not be the one to release it."""
    blockers = []
    texts = case_texts(case)
    flagged = sum(1 for obj in texts if obj.check_status == CheckStatus.FLAGGED or open_hits(obj))
    if flagged:
        blockers.append(
            f"{flagged} text{'s' if flagged != 1 else ''} may contain identifiers "
            "and need a second person's check."
        )
    matches = quasi_identifier_matches(case)
    if matches < K_ANONYMITY:
        blockers.append(KANON_UNIQUE.format(k=K_ANONYMITY, matches=matches))
    if not any(isinstance(obj, Extract) for obj in texts):
        blockers.append("Add at least one extract (the case summary).")
    if actor is not None:
        if case.created_by_id == actor.pk:
            blockers.append(SECOND_PERSON)
        # A text whose current wording the actor wrote or edited, and that nobody else checked:
        # releasing would make the actor its second person.
        own = [
            obj
            for obj in texts
            if actor.pk in obj.writer_ids
            and not (
                obj.check_status == CheckStatus.CONFIRMED and obj.checked_by_id not in {None, *obj.writer_ids}
            )
        ]
        if own:
            blockers.append(OWN_TEXT.format(count=len(own), them="it" if len(own) == 1 else "them"))
    return blockers


def case_release(*, actor: User, case: Case) -> Case:
    """Release the case to the panel: the second person's check. Never its author's: the person
    who prepared the case, or wrote or edited a text of it that nobody else checked since, cannot
    release it. The
    identifier check and the re-identification check run again first, on what is stored now (what
    they find is kept, even though the release is refused)."""
    require(permissions.can_edit_case(actor, case))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        recheck_texts(case)
        kanon_refresh(case)
        refused = release_blockers(case, actor)
        if refused:  # the refusal is audited (and kept: it is outside the release's transaction)
            access_record(
                actor=actor,
                verb=AccessVerb.REFUSED,
                obj=case,
                audience=Audience.COORDINATOR,
                channel=AccessChannel.PAGE,
                panel_id=case.panel_id,
            )
    if refused:
        raise ValidationError(refused)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        require(permissions.can_edit_case(actor, case))
        blockers = release_blockers(case, actor)
        if blockers:
            raise ValidationError(blockers)
        now = timezone.now()
        for obj in case_texts(case):
            # The release is the check of every text nobody else checked (the blockers made sure
            # the releaser wrote or edited none of them).
            unchecked = obj.checked_by_id is None or obj.checked_by_id in obj.writer_ids
            if obj.check_status != CheckStatus.CONFIRMED or unchecked:
                obj.check_status = CheckStatus.CONFIRMED
                obj.checked_by = actor
                obj.checked_at = now
                obj.edited_by = []
                obj.save(update_fields=["check_status", "checked_by", "checked_at", "edited_by"])
        case.status = CaseStatus.RELEASED
        case.released_at = now
        case.released_by = actor
        case.save(update_fields=["status", "released_at", "released_by"])
        edit_logged(actor, case, Audience.COORDINATOR, case.panel_id)
    return case


@transaction.atomic
def involvement_declare(*, actor: User, case: Case, involved: bool) -> InvolvementDeclaration:
    """'No prior involvement' opens the case; 'I was involved' blocks it for good. Both logged."""
    require(permissions.can_declare(actor, case))
    declaration = InvolvementDeclaration.objects.create(case=case, user=actor, involved=involved)
    permissions.forget(case)  # the viewer facts a selector loaded with this case are now stale
    permissions.forget(actor)  # and the person's own facts (the cases they are walled off)
    audience = permissions.audience_for(actor, case)
    access_record(
        actor=actor,
        verb=AccessVerb.DECLARE,
        obj=case,
        audience=audience,
        channel=AccessChannel.PAGE,
        panel_id=case.panel_id,
    )
    if involved:
        access_record(
            actor=actor,
            verb=AccessVerb.REFUSED,
            obj=case,
            audience=audience,
            channel=AccessChannel.PAGE,
            panel_id=case.panel_id,
        )
    return declaration
