"""Every write to scrutiny data: keyword-only, typed, atomic. Each re-checks permission, writes an
AccessEvent, and publishes ids-only events on commit. Error messages never quote case content."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.urls import reverse
from django.utils import timezone

from agencies import events as agency_events
from agencies.identifiers import ALL_KINDS, describe, find_identifiers
from agencies.models import Agency, AgencyKind, NotificationKind, User
from agencies.permissions import Perm, has
from agencies.services import notification_send
from scrutiny import events, permissions
from scrutiny.models import (
    AccessChannel,
    AccessEvent,
    AccessVerb,
    ActingChair,
    Action,
    ActionStatus,
    ActionUpdate,
    AgeBand,
    AgendaItem,
    AgreementAcceptance,
    Case,
    CaseKey,
    CaseStatus,
    CheckStatus,
    ConfidentialityAgreement,
    DecisionAssessment,
    DecisionPoint,
    Extract,
    Finding,
    IdentifierCheck,
    InvolvementDeclaration,
    LegalHold,
    Meeting,
    MeetingAttendance,
    MeetingStatus,
    Panel,
    PanelMembership,
    RedactionReason,
    Relationship,
    Review,
    Score,
)
from scrutiny.redaction import Audience

K_ANONYMITY = 3
CASE_FIELDS = (
    "presenting_agency",
    "offence_category",
    "outcome",
    "selection_reason",
    "offence_month",
    "finalised_month",
    "months_to_charge_decision",
    "victim_age_band",
    "suspect_age_band",
    "relationship",
    "vulnerability_flags",
    "isva_involved",
)


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


def _edit_logged(
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


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("You cannot do that on this panel.")


def _check_text(text: str, field: str) -> None:
    """Short or personal panel-side text (review notes, action owner roles and updates): an
    identifier hit refuses the save. Findings and action descriptions are held instead."""
    hits = find_identifiers(text, ALL_KINDS)
    if hits:
        raise ValidationError({field: describe(hits)})


# Agreements and memberships -------------------------------------------------------------------------


@transaction.atomic
def agreement_publish(*, text: str, actor: User | None = None) -> ConfidentialityAgreement:
    """Publish the next version. Every member must accept it before opening any case again
    (acceptance is per version). `actor` None: set-up scripts."""
    if actor is not None:
        _require(permissions.can_publish_agreement(actor))
    if not text.strip():
        raise ValidationError({"text": "Enter the text of the agreement."})
    if "\x00" in text:
        raise ValidationError({"text": "Remove the null character."})
    # Lock the newest row so a second publisher waits; if both still take the same number, the
    # unique version refuses the second (the page reports it, nothing is half-written).
    latest = (
        ConfidentialityAgreement.objects.select_for_update()
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    agreement = ConfidentialityAgreement.objects.create(version=(latest or 0) + 1, text=text.strip())
    if actor is not None:
        access_record(
            actor=actor,
            verb=AccessVerb.EDIT,
            obj=agreement,
            audience=Audience.COORDINATOR,
            channel=AccessChannel.PAGE,
        )
    return agreement


@transaction.atomic
def agreement_accept(*, actor: User, agreement: ConfidentialityAgreement) -> AgreementAcceptance:
    current = permissions.current_agreement()
    if current is None or current.pk != agreement.pk:
        raise ValidationError("Accept the current version of the agreement.")
    acceptance, _ = AgreementAcceptance.objects.get_or_create(agreement=agreement, user=actor)
    access_record(
        actor=actor, verb=AccessVerb.EDIT, obj=acceptance, audience=None, channel=AccessChannel.PAGE
    )
    return acceptance


NAMES_A_FORCE = "Everyone sees the panel's name and code: do not name a police force in them."
GENERIC_FORCE_WORDS = frozenset(
    {"constabulary", "police", "force", "service", "the", "of", "and", "demo", "city", "county"}
)


def _panel_check(*, name: str, code: str, area: Any, terms_of_reference: str, forces: list[Agency]) -> None:
    """What the model cannot say: forces are police forces of the panel's area; the name and code
    (visible to every audience) do not name a police force (ADR 0005); no identifiers in the terms."""
    for field, value in (("name", name), ("code", code), ("terms_of_reference", terms_of_reference)):
        if "\x00" in value:
            raise ValidationError({field: "Remove the null character."})
    if any(f.kind != AgencyKind.POLICE_FORCE or f.area_id != area.pk for f in forces):
        raise ValidationError({"police_forces": "Choose police forces in the panel's CPS area."})
    area_words = set(re.findall(r"[a-z]+", area.name.lower()))
    words = set(re.findall(r"[a-z]+", f"{name} {code}".lower()))
    for force in Agency.objects.filter(kind=AgencyKind.POLICE_FORCE).only("name"):
        distinctive = set(re.findall(r"[a-z]+", force.name.lower())) - GENERIC_FORCE_WORDS - area_words
        if distinctive and distinctive <= words:
            raise ValidationError({"name": NAMES_A_FORCE})
    _check_text(terms_of_reference, "terms_of_reference")


@transaction.atomic
def panel_create(
    *,
    name: str,
    code: str,
    area: Any,
    terms_of_reference: str,
    police_forces: Iterable[Agency] = (),
    actor: User | None = None,
) -> Panel:
    """Create a panel (a coordinator, in their own CPS area; actor None for set-up scripts)."""
    if actor is not None:
        _require(permissions.can_create_panel(actor, area.pk))
    forces = list(police_forces)
    _panel_check(name=name, code=code, area=area, terms_of_reference=terms_of_reference, forces=forces)
    panel = Panel(name=name.strip(), code=code, area=area, terms_of_reference=terms_of_reference.strip())
    panel.full_clean()
    panel.save()
    panel.police_forces.set(forces)
    if actor is not None:
        _edit_logged(actor, panel, Audience.COORDINATOR, panel.pk)
    return panel


@transaction.atomic
def panel_update(
    *, actor: User, panel: Panel, name: str, terms_of_reference: str, police_forces: Iterable[Agency]
) -> Panel:
    """Change a panel's name, terms of reference and police forces (its coordinator). The code is
    fixed: it prefixes the pseudonyms of the panel's cases."""
    panel = Panel.objects.select_for_update().select_related("area").get(pk=panel.pk)
    _require(permissions.can_coordinate(actor, panel))
    forces = list(police_forces)
    _panel_check(
        name=name, code=panel.code, area=panel.area, terms_of_reference=terms_of_reference, forces=forces
    )
    panel.name = name.strip()
    panel.terms_of_reference = terms_of_reference.strip()
    panel.full_clean()
    panel.save(update_fields=["name", "terms_of_reference"])
    panel.police_forces.set(forces)
    _edit_logged(actor, panel, Audience.COORDINATOR, panel.pk)
    return panel


NOT_A_PANEL_ROLE = (
    "That person's account does not have a role that can sit on scrutiny panels. Ask their "
    "agency administrator to give them the Panel member role first."
)


@transaction.atomic
def membership_add(*, actor: User | None, panel: Panel, user: User, role: str) -> PanelMembership:
    """Add a member (the panel's coordinator; actor None for set-up scripts). Only an account
    whose role may sit on panels can be added: panel_audience() ignores a membership without that
    permission, so the coordinator would see a member who can never open a case."""
    if actor is not None:
        _require(permissions.can_coordinate(actor, panel))
    if not has(user, Perm.SIT_ON_PANELS):
        raise ValidationError(NOT_A_PANEL_ROLE)
    if PanelMembership.objects.filter(panel=panel, user=user, ended_at__isnull=True).exists():
        raise ValidationError("That person is already a member of this panel.")
    membership = PanelMembership(panel=panel, user=user, role=role)
    membership.full_clean()
    membership.save()
    permissions.forget(user)
    if actor is not None:
        _edit_logged(actor, membership, Audience.COORDINATOR, panel.pk)
    return membership


@transaction.atomic
def membership_end(*, actor: User, membership: PanelMembership) -> PanelMembership:
    _require(permissions.can_coordinate(actor, membership.panel_id))
    if membership.ended_at is None:
        membership.ended_at = timezone.now()
        membership.save(update_fields=["ended_at"])
        _edit_logged(actor, membership, Audience.COORDINATOR, membership.panel_id)
        agency_events.access_changed(membership.user_id)
    return membership


# Meetings ---------------------------------------------------------------------------------------------


def _locked(meeting_id: int) -> Meeting:
    """The meeting as it is now, locked for this transaction (status decides what may happen)."""
    return Meeting.objects.select_for_update().select_related("panel").get(pk=meeting_id)


def _meeting_changed(meeting: Meeting) -> None:
    events_data = events.MeetingChanged(
        meeting_id=meeting.pk,
        findings=Finding.objects.filter(meeting=meeting).count(),
        actions=Action.objects.filter(finding__meeting=meeting).count(),
        present=MeetingAttendance.objects.filter(meeting=meeting).count(),
    )
    agency_events.publish(events.meeting_group(meeting.pk), events_data)


def _figures_changed(area_id: int) -> None:
    agency_events.publish(
        agency_events.governance_area_group(area_id), events.GovernanceFiguresChanged(area_id=area_id)
    )
    agency_events.publish(
        agency_events.governance_national_group(), events.GovernanceFiguresChanged(area_id=area_id)
    )


@transaction.atomic
def meeting_create(*, actor: User, panel: Panel, held_on: dt.date) -> Meeting:
    _require(permissions.can_coordinate(actor, panel))
    meeting = Meeting(panel=panel, held_on=held_on)
    meeting.full_clean()
    meeting.save()
    _edit_logged(actor, meeting, Audience.COORDINATOR, panel.pk, meeting.pk)
    return meeting


@transaction.atomic
def agenda_add(*, actor: User, meeting: Meeting, case: Case, carried_over: bool = False) -> AgendaItem:
    _require(permissions.can_coordinate(actor, meeting.panel_id))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CLOSED:
        raise ValidationError("This meeting is closed.")
    if case.panel_id != meeting.panel_id or case.status != CaseStatus.RELEASED:
        raise ValidationError("Only cases released to this panel can go on its agenda.")
    if AgendaItem.objects.filter(meeting=meeting, case=case).exists():
        raise ValidationError("That case is already on the agenda.")
    count = AgendaItem.objects.filter(meeting=meeting).count()
    if count >= Meeting.MAX_CASES:
        raise ValidationError(f"A meeting reviews at most {Meeting.MAX_CASES} cases.")
    item = AgendaItem.objects.create(meeting=meeting, case=case, order=count + 1, carried_over=carried_over)
    _edit_logged(actor, item, Audience.COORDINATOR, meeting.panel_id, meeting.pk)
    _meeting_changed(meeting)
    return item


@transaction.atomic
def meeting_start(*, actor: User, meeting: Meeting) -> Meeting:
    meeting = _locked(meeting.pk)
    _require(permissions.can_chair(actor, meeting))
    count = AgendaItem.objects.filter(meeting=meeting).count()
    if not Meeting.MIN_CASES <= count <= Meeting.MAX_CASES:
        raise ValidationError(
            f"A meeting needs between {Meeting.MIN_CASES} and {Meeting.MAX_CASES} cases on its agenda."
        )
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError("Only a planned meeting can start.")
    meeting.status = MeetingStatus.IN_SESSION
    meeting.save(update_fields=["status"])
    _edit_logged(actor, meeting, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    _meeting_changed(meeting)
    return meeting


@transaction.atomic
def meeting_close(*, actor: User, meeting: Meeting) -> Meeting | None:
    """Close the meeting. Cases scored 4 carry over to the panel's next planned meeting (created
    four weeks on if there is none). Returns the meeting they carried over to, if any."""
    meeting = _locked(meeting.pk)
    _require(permissions.can_chair(actor, meeting))
    meeting.status = MeetingStatus.CLOSED
    meeting.save(update_fields=["status"])
    _edit_logged(actor, meeting, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    carried = list(AgendaItem.objects.filter(meeting=meeting, agreed_score=Score.MORE_INFORMATION))
    target = None
    if carried:
        target = (
            Meeting.objects.filter(
                panel_id=meeting.panel_id, status=MeetingStatus.PLANNED, held_on__gt=meeting.held_on
            )
            .order_by("held_on")
            .first()
        )
        if target is None:
            target = Meeting.objects.create(
                panel_id=meeting.panel_id, held_on=meeting.held_on + dt.timedelta(weeks=4)
            )
        start = AgendaItem.objects.filter(meeting=target).count()
        for offset, item in enumerate(carried, start=1):
            AgendaItem.objects.get_or_create(
                meeting=target, case_id=item.case_id, defaults={"order": start + offset, "carried_over": True}
            )
    _meeting_changed(meeting)
    return target


@transaction.atomic
def attendance_join(*, actor: User, meeting: Meeting) -> MeetingAttendance:
    _require(permissions.can_attend(actor, meeting))
    membership = permissions.membership_of(actor, meeting.panel_id)
    _require(membership is not None)
    attendance, created = MeetingAttendance.objects.get_or_create(meeting=meeting, membership=membership)
    if created:
        _edit_logged(
            actor, attendance, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk
        )
        _meeting_changed(meeting)
    return attendance


@transaction.atomic
def agreed_score_record(*, actor: User, item: AgendaItem, score: int) -> AgendaItem:
    meeting = _locked(item.meeting_id)
    _require(permissions.can_chair_case(actor, meeting, item.case_id))
    if score not in Score.values:
        raise ValidationError("Choose a score from 1 to 4.")
    item.agreed_score = score
    item.save(update_fields=["agreed_score"])
    _edit_logged(actor, item, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    _meeting_changed(meeting)
    _figures_changed(meeting.panel.area_id)
    return item


# Case intake ------------------------------------------------------------------------------------------


def quasi_identifier_matches(case: Case) -> int:
    """How many cases platform-wide share this case's quasi-identifiers (age band x offence x
    relationship x area x month). 'Not recorded' is a generalisation: it matches any value."""
    q = Q(offence_category=case.offence_category, area_id=case.area_id, offence_month=case.offence_month)
    if case.victim_age_band != AgeBand.UNKNOWN:
        q &= Q(victim_age_band__in=[case.victim_age_band, AgeBand.UNKNOWN])
    if case.relationship != Relationship.UNKNOWN:
        q &= Q(relationship__in=[case.relationship, Relationship.UNKNOWN])
    return Case.objects.filter(q).count()


def _kanon_refresh(case: Case) -> None:
    flagged = quasi_identifier_matches(case) < K_ANONYMITY
    if flagged != case.kanon_flagged:
        case.kanon_flagged = flagged
        case.save(update_fields=["kanon_flagged"])


def _next_pseudonym(panel: Panel) -> str:
    year = timezone.localdate().year
    prefix = f"{panel.code.upper()}-{year}-"
    count = Case.objects.filter(pseudonym__startswith=prefix).count()
    candidate = f"{prefix}{count + 1:03d}"
    while Case.objects.filter(pseudonym=candidate).exists():
        count += 1
        candidate = f"{prefix}{count + 1:03d}"
    return candidate


@transaction.atomic
def case_create(
    *, actor: User, panel: Panel, cps_urn: str = "", crime_number: str = "", **fields: Any
) -> Case:
    _require(permissions.can_coordinate(actor, panel))
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown case fields: {sorted(unknown)}")
    case = Case(
        panel=panel, area_id=panel.area_id, pseudonym=_next_pseudonym(panel), created_by=actor, **fields
    )
    case.full_clean()
    case.save()
    CaseKey.objects.create(case=case, cps_urn=cps_urn.strip(), crime_number=crime_number.strip())
    _kanon_refresh(case)
    for other in Case.objects.filter(
        offence_category=case.offence_category, area_id=case.area_id, offence_month=case.offence_month
    ).exclude(pk=case.pk):
        _kanon_refresh(other)
    _edit_logged(actor, case, Audience.COORDINATOR, panel.pk)
    return case


@transaction.atomic
def case_update(*, actor: User, case: Case, **fields: Any) -> Case:
    _require(permissions.can_edit_case(actor, case))
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown case fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(case, name, value)
    case.full_clean()
    case.save()
    _kanon_refresh(case)
    _edit_logged(actor, case, Audience.COORDINATOR, case.panel_id)
    return case


@transaction.atomic
def case_key_update(*, actor: User, case: Case, cps_urn: str, crime_number: str) -> CaseKey:
    _require(permissions.can_edit_case(actor, case))
    key, _ = CaseKey.objects.get_or_create(case=case)
    key.cps_urn = cps_urn.strip()
    key.crime_number = crime_number.strip()
    key.save()
    _edit_logged(actor, key, Audience.COORDINATOR, case.panel_id)
    return key


def _apply_check(obj: IdentifierCheck) -> None:
    hits = find_identifiers(getattr(obj, obj.checked_field), ALL_KINDS)
    obj.identifier_kinds = sorted({hit.kind.value for hit in hits})
    obj.check_status = CheckStatus.FLAGGED if hits else CheckStatus.CLEAR


def _redact_hits(obj: IdentifierCheck, redactions: dict[int, str | None]) -> None:
    """Apply a second person's decisions to the checked text: each hit (by its index in the
    current hit list) becomes a visible redaction token with its reason, or stays (None)."""
    text = getattr(obj, obj.checked_field)
    hits = find_identifiers(text, ALL_KINDS)
    if set(redactions) != set(range(len(hits))):
        raise ValidationError("Decide every possible identifier: redact it or confirm it is not identifying.")
    for index in sorted(redactions, reverse=True):
        reason = redactions[index]
        if reason is None:
            continue
        if reason not in RedactionReason.values:
            raise ValidationError("Choose a reason for each redaction.")
        hit = hits[index]
        text = f"{text[: hit.start]}[[redacted:{reason}]]{text[hit.end :]}"
    setattr(obj, obj.checked_field, text)
    obj.identifier_kinds = sorted({hit.kind.value for hit in find_identifiers(text, ALL_KINDS)})


@transaction.atomic
def text_add(
    *, actor: User, case: Case, model: type[DecisionPoint] | type[Extract], text: str, **fields: Any
) -> DecisionPoint | Extract:
    """Add a decision point or an extract. Identifier hits flag it: the case cannot be released
    until a second person edits or confirms it."""
    _require(permissions.can_edit_case(actor, case))
    if model is DecisionPoint and "order" not in fields:
        fields["order"] = DecisionPoint.objects.filter(case=case).count() + 1
    obj = model(case=case, text=text, author=actor, **fields)
    _apply_check(obj)
    obj.full_clean()
    obj.save()
    _edit_logged(actor, obj, Audience.COORDINATOR, case.panel_id)
    return obj


@transaction.atomic
def text_edit(*, actor: User, obj: DecisionPoint | Extract, text: str) -> DecisionPoint | Extract:
    """Edit free text. A second person's edit that leaves no identifiers counts as their check;
    any edit that still has hits is flagged again (and by the editor, if they are the author)."""
    case = obj.case
    _require(permissions.can_edit_case(actor, case))
    obj.text = text
    _apply_check(obj)
    if obj.check_status == CheckStatus.CLEAR and obj.author_id != actor.pk:
        obj.check_status = CheckStatus.CONFIRMED
        obj.checked_by = actor
        obj.checked_at = timezone.now()
    elif obj.check_status == CheckStatus.FLAGGED:
        obj.checked_by = None
        obj.checked_at = None
    obj.full_clean()
    obj.save()
    _edit_logged(actor, obj, Audience.COORDINATOR, case.panel_id)
    return obj


@transaction.atomic
def text_confirm(
    *, actor: User, obj: DecisionPoint | Extract, redactions: dict[int, str | None]
) -> DecisionPoint | Extract:
    """The second person's check. `redactions` maps each hit (by its index in the current hit
    list) to a RedactionReason value (the span becomes a visible redaction block with that
    reason) or None (confirmed as not identifying). Every hit must be decided."""
    case = obj.case
    _require(permissions.can_check_text(actor, case, obj.author_id))
    _redact_hits(obj, redactions)
    obj.check_status = CheckStatus.CONFIRMED
    obj.checked_by = actor
    obj.checked_at = timezone.now()
    obj.save()
    _edit_logged(actor, obj, Audience.COORDINATOR, case.panel_id)
    return obj


def release_blockers(case: Case) -> list[str]:
    """Why the case cannot be released yet (plain sentences, no content)."""
    blockers = []
    flagged = DecisionPoint.objects.filter(case=case, check_status=CheckStatus.FLAGGED).count()
    flagged += Extract.objects.filter(case=case, check_status=CheckStatus.FLAGGED).count()
    if flagged:
        blockers.append(
            f"{flagged} text{'s' if flagged != 1 else ''} may contain identifiers "
            "and need a second person's check."
        )
    if quasi_identifier_matches(case) < K_ANONYMITY:
        blockers.append(
            f"Fewer than {K_ANONYMITY} cases share this age band, offence, relationship, area and month: "
            "generalise the age band or relationship (choose 'Not recorded') before release."
        )
    if not Extract.objects.filter(case=case).exists():
        blockers.append("Add at least one extract (the case summary).")
    return blockers


@transaction.atomic
def case_release(*, actor: User, case: Case) -> Case:
    _require(permissions.can_edit_case(actor, case))
    case = Case.objects.select_for_update().get(pk=case.pk)
    _kanon_refresh(case)
    blockers = release_blockers(case)
    if blockers:
        raise ValidationError(blockers)
    case.status = CaseStatus.RELEASED
    case.released_at = timezone.now()
    case.save(update_fields=["status", "released_at"])
    _edit_logged(actor, case, Audience.COORDINATOR, case.panel_id)
    return case


@transaction.atomic
def involvement_declare(*, actor: User, case: Case, involved: bool) -> InvolvementDeclaration:
    """'No prior involvement' opens the case; 'I was involved' blocks it for good. Both logged."""
    _require(permissions.can_declare(actor, case))
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


# Reviews, findings, actions ---------------------------------------------------------------------------


@transaction.atomic
def review_submit(
    *, actor: User, case: Case, meeting: Meeting, score: int, assessments: dict[int, tuple[str, str]]
) -> Review:
    """A member's score and their assessment of each decision point (replaces their earlier one)."""
    _require(permissions.can_review(actor, case, meeting))
    if score not in Score.values:
        raise ValidationError({"score": "Choose a score from 1 to 4."})
    points = set(DecisionPoint.objects.filter(case=case).values_list("pk", flat=True))
    if set(assessments) != points:
        raise ValidationError("Assess every decision point.")
    for point_id, (_assessment, notes) in assessments.items():
        _check_text(notes, f"notes_{point_id}")
    membership = permissions.membership_of(actor, case.panel_id)
    review, _ = Review.objects.update_or_create(
        case=case,
        meeting=meeting,
        reviewer=actor,
        defaults={
            "score": score,
            "panel_role": membership.role if membership else "",
            "submitted_at": timezone.now(),
        },
    )
    review.full_clean()
    DecisionAssessment.objects.filter(review=review).delete()
    for point_id, (assessment, notes) in assessments.items():
        item = DecisionAssessment(
            review=review, decision_point_id=point_id, assessment=assessment, notes=notes
        )
        item.full_clean()
        item.save()
    _edit_logged(actor, review, permissions.audience_for(actor, case), case.panel_id, meeting.pk)
    _meeting_changed(meeting)
    _figures_changed(case.area_id)
    return review


def _panel_people(panel_id: int, exclude: User, case_id: int) -> list[User]:
    """The panel's members to tell about a record of this case: not the actor, and never anyone
    who declared involvement in the case (they hear nothing of it)."""
    member_ids = PanelMembership.objects.filter(panel_id=panel_id, ended_at__isnull=True).values("user_id")
    return list(
        User.objects.filter(pk__in=member_ids, is_active=True)
        .exclude(pk=exclude.pk)
        .exclude(pk__in=permissions.walled_off_user_ids(case_id))
    )


@transaction.atomic
def finding_record(*, actor: User, meeting: Meeting, case: Case, theme: Any, kind: str, text: str) -> Finding:
    meeting = _locked(meeting.pk)
    _require(permissions.can_chair_case(actor, meeting, case))
    if not AgendaItem.objects.filter(meeting=meeting, case=case).exists():
        raise ValidationError("Record findings for cases on this meeting's agenda.")
    finding = Finding(meeting=meeting, case=case, theme=theme, kind=kind, text=text, recorded_by=actor)
    _apply_check(finding)
    finding.full_clean()
    finding.save()
    _edit_logged(actor, finding, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    url = reverse("scrutiny:meeting-detail", args=[meeting.pk])
    for person in _panel_people(meeting.panel_id, actor, case.pk):
        notification_send(
            recipient=person,
            title="A finding was recorded at a panel meeting",
            kind=NotificationKind.FINDING_RECORDED,
            url=url,
        )
    _meeting_changed(meeting)
    _figures_changed(case.area_id)
    return finding


@transaction.atomic
def action_record(
    *,
    actor: User,
    finding: Finding,
    description: str,
    owner_agency: Agency,
    owner_role: str,
    due_on: dt.date,
) -> Action:
    meeting = _locked(finding.meeting_id)
    _require(permissions.can_chair_case(actor, meeting, finding.case_id))
    _check_text(owner_role, "owner_role")
    action = Action(
        finding=finding,
        description=description,
        owner_agency=owner_agency,
        owner_role=owner_role,
        due_on=due_on,
        created_by=actor,
    )
    _apply_check(action)
    action.full_clean()
    action.save()
    _edit_logged(actor, action, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    url = reverse("scrutiny:meeting-detail", args=[meeting.pk])
    member_ids = PanelMembership.objects.filter(panel_id=meeting.panel_id, ended_at__isnull=True).values(
        "user_id"
    )
    recipients = User.objects.filter(agency=owner_agency, is_active=True, pk__in=member_ids).exclude(
        pk__in=permissions.walled_off_user_ids(finding.case_id)
    )
    for person in recipients.exclude(pk=actor.pk):
        notification_send(
            recipient=person,
            title="An action was assigned to your agency",
            kind=NotificationKind.ACTION_ASSIGNED,
            url=url,
        )
    _meeting_changed(meeting)
    _figures_changed(finding.case.area_id)
    return action


@transaction.atomic
def action_update(*, actor: User, action: Action, text: str, status: str) -> ActionUpdate:
    meeting = action.finding.meeting
    _require(permissions.can_update_action(actor, action, meeting.panel_id))
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose a status."})
    _check_text(text, "text")
    update = ActionUpdate(action=action, text=text, status=status, author=actor)
    update.full_clean()
    update.save()
    action.status = status
    action.closed_at = timezone.now() if status == ActionStatus.DONE else None
    action.save(update_fields=["status", "closed_at"])
    _edit_logged(
        actor, update, permissions.panel_audience(actor, meeting.panel_id), meeting.panel_id, meeting.pk
    )
    _meeting_changed(meeting)
    _figures_changed(action.finding.case.area_id)
    return update


@transaction.atomic
def finding_promote(*, actor: User, finding: Finding) -> Any:
    """A governance member turns an agreed good-practice finding into a draft guidance page.
    Provenance names the panel, area and meeting month only: no case data goes to the CMS."""
    from content import services as content_services

    _require(permissions.can_promote_finding(actor, finding.kind))
    if not finding.is_releasable:
        raise ValidationError("This finding may contain identifiers and waits for a second person's check.")
    if finding.guidance_page_id is not None:
        raise ValidationError("This finding has already been promoted to guidance.")
    meeting = finding.meeting
    panel = meeting.panel
    provenance = f"Scrutiny panel {panel.name}, {panel.area.name}, meeting of {meeting.held_on:%B %Y}"
    page = content_services.guidance_draft_from_finding(
        actor=actor,
        theme=finding.theme,
        area=panel.area,
        title=f"Good practice: {finding.theme.name}",
        summary=finding.text,
        provenance=provenance,
    )
    finding.guidance_page_id = page.pk
    finding.save(update_fields=["guidance_page_id"])
    _edit_logged(actor, finding, Audience.GOVERNANCE, panel.pk, meeting.pk)
    return page


@transaction.atomic
def meeting_text_confirm(
    *, actor: User, obj: Finding | Action, redactions: dict[int, str | None]
) -> Finding | Action:
    """The second person's check of a held finding or action (the same decisions as for case
    text): every hit redacted with a reason or confirmed as not identifying. The text is then
    released to the panel and governance, redactions as visible blocks."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    meeting = obj.meeting if isinstance(obj, Finding) else obj.finding.meeting
    _require(
        permissions.can_check_meeting_text(
            actor,
            meeting.panel_id,
            obj.author_id_value,
            obj.case_id if isinstance(obj, Finding) else obj.finding.case_id,
        )
    )
    if obj.check_status != CheckStatus.FLAGGED:
        raise ValidationError("This text has no possible identifiers waiting for a check.")
    _redact_hits(obj, redactions)
    obj.check_status = CheckStatus.CONFIRMED
    obj.checked_by = actor
    obj.checked_at = timezone.now()
    obj.save()
    _edit_logged(actor, obj, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    _meeting_changed(meeting)
    return obj


@transaction.atomic
def meeting_text_edit(*, actor: User, obj: Finding | Action, text: str) -> Finding | Action:
    """A second person's edit of a held finding or action. If it leaves no possible identifiers
    it counts as their check and releases the text; otherwise it stays held."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    meeting = obj.meeting if isinstance(obj, Finding) else obj.finding.meeting
    _require(
        permissions.can_check_meeting_text(
            actor,
            meeting.panel_id,
            obj.author_id_value,
            obj.case_id if isinstance(obj, Finding) else obj.finding.case_id,
        )
    )
    if obj.check_status != CheckStatus.FLAGGED:
        raise ValidationError("This text has no possible identifiers waiting for a check.")
    setattr(obj, obj.checked_field, text)
    _apply_check(obj)
    if obj.check_status == CheckStatus.CLEAR:
        obj.check_status = CheckStatus.CONFIRMED
        obj.checked_by = actor
        obj.checked_at = timezone.now()
    obj.full_clean()
    obj.save()
    _edit_logged(actor, obj, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    _meeting_changed(meeting)
    return obj


@transaction.atomic
def acting_chair_appoint(*, actor: User, item: AgendaItem, membership: PanelMembership) -> ActingChair:
    """Hand the chairing of one case of a meeting to another member: the chair who declared
    involvement in it, or the coordinator. The member then scores the case and records its
    findings and actions; the chair cannot. Replaces an earlier appointment. Audited."""
    meeting = _locked(item.meeting_id)
    _require(permissions.can_appoint_acting_chair(actor, meeting, item.case_id))
    if not permissions.can_act_as_chair(actor, membership, meeting, item.case):
        raise ValidationError(
            {
                "membership": "Choose a member of this panel (not an observer or the chair) who has "
                "accepted the agreement and declared no involvement in this case."
            }
        )
    acting, _ = ActingChair.objects.update_or_create(
        agenda_item=item,
        defaults={"membership": membership, "appointed_by": actor, "appointed_at": timezone.now()},
    )
    _edit_logged(actor, acting, permissions.audience_for(actor, meeting), meeting.panel_id, meeting.pk)
    _meeting_changed(meeting)
    return acting


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
    _require(permissions.can_manage_legal_hold(actor, target.panel_id))
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
    _require(permissions.can_manage_legal_hold(actor, target.panel_id))
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
