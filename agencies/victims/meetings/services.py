"""Every write to pre-trial meeting requests: keyword-only, typed, atomic, permission re-checked
per request, written to the access audit, the requester emailed after commit.

The state machine (MeetingStatus):

    requested --confirm a slot--> confirmed --outcome held / declined / not offered--> closed
        |  \\--propose a time--> proposed --requester accepts, or the team confirms--> confirmed
        |                          |
        +--not needed--> not_needed   (from requested or proposed)
    confirmed --outcome rescheduled (with the new time)--> confirmed (at the new slot)
    requested / proposed --outcome not offered (with a reason)--> closed

Any other move is refused with a Conflict naming the request's current state, and nothing is
written. Every write locks the request row first (SELECT ... FOR UPDATE), so two people of the VLO
team confirming at the same moment cannot both succeed: the second finds it confirmed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from agencies.audit import AccessChannel, AccessVerb, access
from agencies.errors import Conflict, NotFound, ServiceError
from agencies.models import Area, User
from agencies.privacy.identifiers import ALL_KINDS, describe, find_identifiers
from agencies.realtime.events import publish
from agencies.victims.meetings import events, permissions
from agencies.victims.meetings.emails import EmailKind, email_on_commit
from agencies.victims.meetings.models import (
    MAX_NOTES,
    MAX_PREFERRED_SLOTS,
    MAX_REASON,
    NEEDS,
    MeetingOutcome,
    MeetingRequest,
    MeetingSlot,
    MeetingStatus,
    RequesterKind,
    SlotSource,
)
from agencies.victims.meetings.urn import clean_urn

OBJECT_TYPE = "pretrial_request"
# A slot must be at least this far ahead, and no further ahead than a year.
MIN_LEAD = timedelta(hours=1)
MAX_AHEAD = timedelta(days=366)
NEED_KEYS = frozenset(key for key, _ in NEEDS)
OPEN_STATUSES = (MeetingStatus.REQUESTED, MeetingStatus.PROPOSED)


@dataclass(frozen=True)
class RequestSpec:
    area_id: int
    urn: str
    slots: tuple[datetime, ...]
    isva_attends: bool = False
    needs: frozenset[str] = field(default_factory=frozenset)
    notes: str = ""


# Validation -----------------------------------------------------------------------------------------


def screen_text(text: str, *, field_name: str, label: str, limit: int, required: bool = False) -> str:
    """Free text: within its limit, and free of anything the identifier detector finds (names,
    addresses, dates of birth, phone numbers, URNs and the rest, obfuscated or not)."""
    text = (text or "").strip()
    if required and not text:
        raise ServiceError(f"Enter the {label}.", field=field_name)
    if len(text) > limit:
        raise ServiceError(f"The {label} must be {limit} characters or fewer.", field=field_name)
    if "\x00" in text:
        raise ServiceError(f"The {label} contains a character that cannot be saved.", field=field_name)
    hits = find_identifiers(text, kinds=ALL_KINDS)
    if hits:
        raise ServiceError(
            describe(hits) + " Describe needs only: never the victim's name, address, date of birth or "
            "contact details.",
            field=field_name,
        )
    return text


def clean_slot(starts_at: datetime, *, now: datetime, field_name: str = "slots") -> datetime:
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if starts_at < now + MIN_LEAD:
        raise ServiceError(
            "Choose a date and time in the future, at least an hour from now.", field=field_name
        )
    if starts_at > now + MAX_AHEAD:
        raise ServiceError("Choose a date and time within the next year.", field=field_name)
    return starts_at.replace(second=0, microsecond=0)


def clean_slots(slots: Iterable[datetime], *, now: datetime) -> list[datetime]:
    cleaned = [clean_slot(slot, now=now) for slot in slots]
    if not cleaned:
        raise ServiceError("Give at least one date and time that would suit.", field="slots")
    if len(cleaned) > MAX_PREFERRED_SLOTS:
        raise ServiceError(f"Give at most {MAX_PREFERRED_SLOTS} dates and times.", field="slots")
    if len(set(cleaned)) != len(cleaned):
        raise ServiceError("Give each date and time once.", field="slots")
    return sorted(cleaned)


def _requester_kind(actor: User) -> RequesterKind:
    from agencies.models import AgencyKind

    return RequesterKind.POLICE if actor.agency.kind == AgencyKind.POLICE_FORCE else RequesterKind.ISVA


# Audit ----------------------------------------------------------------------------------------------


def audit(
    *,
    actor: User | None,
    request: MeetingRequest | None,
    verb: AccessVerb,
    audience: str,
    channel: AccessChannel = AccessChannel.PAGE,
    object_id: int | None = None,
) -> None:
    access(
        actor=actor,
        verb=verb,
        object_type=OBJECT_TYPE,
        object_id=request.pk if request is not None else object_id,
        audience=audience,
        channel=channel,
    )


# Writes ---------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_request_create(
    *, actor: User, spec: RequestSpec, channel: AccessChannel = AccessChannel.PAGE
) -> MeetingRequest:
    """An ISVA or the police officer in the case asks the area's VLO team for a meeting."""
    if not permissions.can_request(actor):
        raise NotFound
    now = timezone.now()
    area = Area.objects.filter(pk=spec.area_id).first()
    if area is None:
        raise ServiceError("Choose a CPS area from the list.", field="area")
    urn = clean_urn(spec.urn)
    slots = clean_slots(spec.slots, now=now)
    unknown = set(spec.needs) - NEED_KEYS
    if unknown:
        raise ServiceError("Choose needs from the list.", field="needs")
    notes = screen_text(spec.notes, field_name="notes", label="other information", limit=MAX_NOTES)
    request = MeetingRequest(
        area=area,
        requester=actor,
        agency_id=actor.agency_id,
        requester_kind=_requester_kind(actor),
        urn=urn,
        isva_attends=spec.isva_attends,
        notes=notes,
        created_at=now,
        updated_at=now,
        **{key: key in spec.needs for key in NEED_KEYS},
    )
    request.save()
    MeetingSlot.objects.bulk_create(
        MeetingSlot(request=request, starts_at=slot, source=SlotSource.REQUESTER, created_at=now)
        for slot in slots
    )
    audit(
        actor=actor,
        request=request,
        verb=AccessVerb.EDIT,
        audience=permissions.Audience.REQUESTER,
        channel=channel,
    )
    email_on_commit(request.pk, EmailKind.RECEIVED)
    return request


def _locked(*, actor: User, request_id: int) -> tuple[MeetingRequest, permissions.Audience]:
    """The request, row-locked, with the actor's audience; NotFound if they may not know of it."""
    request = MeetingRequest.objects.select_for_update().filter(pk=request_id).first()
    audience = permissions.audience_for(actor, request) if request is not None else None
    if request is None or audience is None:
        raise NotFound
    return request, audience


def _require_team(actor: User, request: MeetingRequest, audience: permissions.Audience) -> None:
    if audience is not permissions.Audience.VLO_TEAM:
        # The requester and their agency's administrators read the request; only the team acts.
        raise NotFound


def _state_error(request: MeetingRequest, action: str) -> Conflict:
    return Conflict(
        f"You cannot {action}: this request is already {request.get_status_display().lower()}. "
        "Reload the page to see its current state.",
        code="wrong_state",
    )


def _changed(request: MeetingRequest, kind: str) -> None:
    """After a change: the requester's email and the request page's live event, both on commit."""
    email_on_commit(request.pk, kind)
    publish(events.request_group(request.pk), events.MeetingRequestChanged(request_id=request.pk))


def _touch(request: MeetingRequest, now: datetime, *fields: str) -> None:
    request.updated_at = now
    request.save(update_fields=[*fields, "updated_at"])


def _confirm(
    request: MeetingRequest,
    slot: MeetingSlot,
    *,
    now: datetime,
    actor: User,
    audience: permissions.Audience,
    channel: AccessChannel,
) -> MeetingRequest:
    """Confirm `slot` on the locked request: audited, and the requester told."""
    request.status = MeetingStatus.CONFIRMED
    request.confirmed_slot = slot
    _touch(request, now, "status", "confirmed_slot")
    audit(actor=actor, request=request, verb=AccessVerb.EDIT, audience=audience, channel=channel)
    _changed(request, EmailKind.CONFIRMED)
    return request


@transaction.atomic
def meeting_slot_confirm(
    *, actor: User, request_id: int, slot_id: int, channel: AccessChannel = AccessChannel.PAGE
) -> MeetingRequest:
    """The VLO team confirms one of the request's slots (preferred or proposed)."""
    request, audience = _locked(actor=actor, request_id=request_id)
    _require_team(actor, request, audience)
    if request.status not in OPEN_STATUSES:
        raise _state_error(request, "confirm a time")
    slot = MeetingSlot.objects.filter(request=request, pk=slot_id).first()
    if slot is None:
        raise ServiceError("Choose one of this request's dates and times.", field="slot")
    now = timezone.now()
    if slot.starts_at <= now:
        raise ServiceError("That time has passed. Propose another time instead.", field="slot")
    return _confirm(request, slot, now=now, actor=actor, audience=audience, channel=channel)


@transaction.atomic
def meeting_slot_propose(
    *, actor: User, request_id: int, starts_at: datetime, channel: AccessChannel = AccessChannel.PAGE
) -> MeetingSlot:
    """The VLO team proposes another time; the requester (or the team) then confirms it."""
    request, audience = _locked(actor=actor, request_id=request_id)
    _require_team(actor, request, audience)
    if request.status not in OPEN_STATUSES:
        raise _state_error(request, "propose a time")
    now = timezone.now()
    starts_at = clean_slot(starts_at, now=now, field_name="starts_at")
    if MeetingSlot.objects.filter(request=request, starts_at=starts_at).exists():
        raise ServiceError(
            "That time is already one of this request's times: confirm it instead.", field="starts_at"
        )
    slot = MeetingSlot.objects.create(
        request=request, starts_at=starts_at, source=SlotSource.VLO, created_at=now
    )
    request.status = MeetingStatus.PROPOSED
    _touch(request, now, "status")
    audit(actor=actor, request=request, verb=AccessVerb.EDIT, audience=audience, channel=channel)
    _changed(request, EmailKind.PROPOSED)
    return slot


@transaction.atomic
def meeting_proposal_accept(
    *, actor: User, request_id: int, channel: AccessChannel = AccessChannel.PAGE
) -> MeetingRequest:
    """The requester accepts the time the VLO team proposed (the latest one)."""
    request, audience = _locked(actor=actor, request_id=request_id)
    if audience is not permissions.Audience.REQUESTER:
        raise NotFound
    if request.status != MeetingStatus.PROPOSED:
        raise _state_error(request, "accept a proposed time")
    slot = (
        MeetingSlot.objects.filter(request=request, source=SlotSource.VLO)
        .order_by("-created_at", "-pk")
        .first()
    )
    now = timezone.now()
    if slot is None or slot.starts_at <= now:
        raise Conflict("The proposed time has passed. Ask the VLO team for another.", code="slot_passed")
    return _confirm(request, slot, now=now, actor=actor, audience=audience, channel=channel)


@transaction.atomic
def meeting_not_needed(
    *, actor: User, request_id: int, reason: str, channel: AccessChannel = AccessChannel.PAGE
) -> MeetingRequest:
    """The VLO team records that no meeting is needed (for example, the case has concluded)."""
    request, audience = _locked(actor=actor, request_id=request_id)
    _require_team(actor, request, audience)
    if request.status not in OPEN_STATUSES:
        raise _state_error(request, "record that no meeting is needed")
    reason = screen_text(reason, field_name="reason", label="reason", limit=MAX_REASON, required=True)
    now = timezone.now()
    request.status = MeetingStatus.NOT_NEEDED
    request.outcome_reason = reason
    request.closed_at = now
    _touch(request, now, "status", "outcome_reason", "closed_at")
    audit(actor=actor, request=request, verb=AccessVerb.EDIT, audience=audience, channel=channel)
    _changed(request, EmailKind.NOT_NEEDED)
    return request


@transaction.atomic
def meeting_outcome_record(
    *,
    actor: User,
    request_id: int,
    outcome: str,
    reason: str = "",
    new_starts_at: datetime | None = None,
    channel: AccessChannel = AccessChannel.PAGE,
) -> MeetingRequest:
    """After the meeting: held, declined by the victim, rescheduled (to `new_starts_at`), or not
    offered (with a reason; also before any time was confirmed)."""
    request, audience = _locked(actor=actor, request_id=request_id)
    _require_team(actor, request, audience)
    if outcome not in MeetingOutcome.values:
        raise ServiceError("Choose an outcome from the list.", field="outcome")
    now = timezone.now()
    if outcome == MeetingOutcome.NOT_OFFERED:
        if request.status not in (*OPEN_STATUSES, MeetingStatus.CONFIRMED):
            raise _state_error(request, "record this outcome")
        reason = screen_text(reason, field_name="reason", label="reason", limit=MAX_REASON, required=True)
    else:
        if request.status != MeetingStatus.CONFIRMED or request.confirmed_slot is None:
            raise _state_error(request, "record this outcome")
        if (
            outcome in (MeetingOutcome.HELD, MeetingOutcome.DECLINED)
            and request.confirmed_slot.starts_at > now
        ):
            raise ServiceError(
                "The meeting has not happened yet: record the outcome after its date and time.",
                field="outcome",
            )
        reason = screen_text(reason, field_name="reason", label="note", limit=MAX_REASON)
    request.outcome = outcome
    request.outcome_reason = reason
    request.outcome_recorded_at = now
    fields = ["outcome", "outcome_reason", "outcome_recorded_at", "status"]
    if outcome == MeetingOutcome.RESCHEDULED:
        if new_starts_at is None:
            raise ServiceError("Give the new date and time.", field="new_starts_at")
        starts_at = clean_slot(new_starts_at, now=now, field_name="new_starts_at")
        slot, _ = MeetingSlot.objects.get_or_create(
            request=request, starts_at=starts_at, defaults={"source": SlotSource.VLO, "created_at": now}
        )
        if slot.pk == request.confirmed_slot_id:
            raise ServiceError(
                "Give a new date and time, not the one already confirmed.", field="new_starts_at"
            )
        request.confirmed_slot = slot
        request.status = MeetingStatus.CONFIRMED
        fields.append("confirmed_slot")
    else:
        request.status = MeetingStatus.CLOSED
        request.closed_at = now
        fields.append("closed_at")
    _touch(request, now, *fields)
    audit(actor=actor, request=request, verb=AccessVerb.EDIT, audience=audience, channel=channel)
    _changed(request, EmailKind.OUTCOME)
    return request


@transaction.atomic
def meeting_legal_hold_set(*, request_id: int, hold: bool, reason: str) -> MeetingRequest:
    """Set or clear a legal hold (an operator, through `manage.py pretrial_legal_hold`): while it
    is held, retention keeps the request's URN."""
    request = MeetingRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound(f"There is no pre-trial meeting request {request_id}.")
    reason = screen_text(reason, field_name="reason", label="reason", limit=MAX_REASON, required=True)
    if request.legal_hold == hold:
        raise Conflict(
            "This request is already on legal hold." if hold else "This request is not on legal hold."
        )
    request.legal_hold = hold
    request.legal_hold_reason = reason if hold else ""
    request.save(update_fields=["legal_hold", "legal_hold_reason"])
    audit(
        actor=None,
        request=request,
        verb=AccessVerb.EDIT,
        audience="legal_hold",
        channel=AccessChannel.COMMAND,
    )
    return request
