"""Pre-trial meeting endpoints under /api/v1/pre-trial-meetings/: the same selectors, services,
permissions and validation as the pages, and the same access audit (channel "api"). A request the
caller may not see is a 404 whoever they are; bad input is a JSON 4xx and changes nothing (a
service's refusal becomes its status and an ErrorOut in config.api's one handler)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema

from agencies.api import MAX_ID, ErrorOut, PlainText
from agencies.audit import AccessChannel, AccessVerb
from agencies.http import AuthenticatedHttpRequest
from agencies.victims.meetings import permissions, selectors, services
from agencies.victims.meetings.models import MAX_NOTES, MAX_PREFERRED_SLOTS, MAX_REASON, MeetingRequest
from agencies.victims.meetings.urn import MAX_INPUT

router = Router(tags=["pre-trial meetings"])
API = AccessChannel.API
FORBIDDEN = (403, ErrorOut(detail="You do not have access to pre-trial meetings.", code="forbidden"))
NOT_FOUND = (404, ErrorOut(detail="Not found.", code="not_found"))


class SlotOut(Schema):
    id: int
    starts_at: datetime
    source: str


class RequestSummaryOut(Schema):
    id: int
    reference: str
    area_id: int
    status: str
    created_at: datetime
    confirmed_at: datetime | None


class RequestOut(RequestSummaryOut):
    urn: str = Field(description="The URN as '62 LV 12345 23'; empty once retention deleted it")
    requester_kind: str
    isva_attends: bool
    needs: list[str]
    notes: str
    slots: list[SlotOut]
    confirmed_slot_id: int | None
    outcome: str
    outcome_reason: str


class RequestIn(Schema):
    area_id: int = Field(..., ge=1, le=MAX_ID)
    urn: PlainText = Field(..., max_length=MAX_INPUT)
    slots: list[datetime] = Field(..., min_length=1, max_length=MAX_PREFERRED_SLOTS)
    isva_attends: bool = False
    needs: list[str] = Field(default_factory=list, max_length=4)
    notes: PlainText = Field("", max_length=MAX_NOTES)


class ConfirmIn(Schema):
    slot_id: int = Field(..., ge=1, le=MAX_ID)


class ProposeIn(Schema):
    starts_at: datetime


class ReasonIn(Schema):
    reason: PlainText = Field(..., max_length=MAX_REASON)


class OutcomeIn(Schema):
    outcome: str = Field(..., max_length=20)
    reason: PlainText = Field("", max_length=MAX_REASON)
    new_starts_at: datetime | None = None


def _summary(request: MeetingRequest) -> dict[str, object]:
    return {
        "id": request.pk,
        "reference": request.reference,
        "area_id": request.area_id,
        "status": request.status,
        "created_at": request.created_at,
        "confirmed_at": request.confirmed_slot.starts_at if request.confirmed_slot else None,
    }


def _detail(request: MeetingRequest) -> RequestOut:
    from agencies.victims.meetings.models import NEEDS

    return RequestOut(
        **_summary(request),  # type: ignore[arg-type]
        urn=request.urn_display,
        requester_kind=request.requester_kind,
        isva_attends=request.isva_attends,
        needs=[key for key, _ in NEEDS if getattr(request, key)],
        notes=request.notes,
        slots=[SlotOut(id=s.pk, starts_at=s.starts_at, source=s.source) for s in request.slots.all()],
        confirmed_slot_id=request.confirmed_slot_id,
        outcome=request.outcome,
        outcome_reason=request.outcome_reason,
    )


def _read(http: AuthenticatedHttpRequest, request_id: int) -> tuple[int, object]:
    """The request as the caller's audience, audited as an API view (or refusal)."""
    found = (
        selectors.request_get(viewer=http.user, request_id=request_id) if 0 < request_id <= MAX_ID else None
    )
    if found is None:
        services.audit(
            actor=http.user,
            request=None,
            verb=AccessVerb.REFUSED,
            audience="none",
            channel=API,
            object_id=request_id if 0 < request_id <= MAX_ID else None,
        )
        return NOT_FOUND
    meeting, audience = found
    services.audit(actor=http.user, request=meeting, verb=AccessVerb.VIEW, audience=audience, channel=API)
    return 200, _detail(meeting)


def _id(request_id: int) -> int:
    """An id beyond a 64-bit column is no request (services would pass it to the database)."""
    return request_id if 0 < request_id <= MAX_ID else 0


@router.get(
    "/requests",
    response={200: list[RequestSummaryOut], 403: ErrorOut},
    url_name="pretrial_requests",
    summary="The pre-trial meeting requests I may see, newest first (no URNs: open one for it)",
)
def list_requests(request: AuthenticatedHttpRequest):
    if not permissions.can_open(request.user):
        return FORBIDDEN
    rows = list(selectors.requests_for(viewer=request.user)[:200])
    services.audit(
        actor=request.user, request=None, verb=AccessVerb.VIEW, audience="pretrial_list", channel=API
    )
    return 200, [_summary(row) for row in rows]


@router.post(
    "/requests",
    response={201: RequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    url_name="pretrial_request_create",
    summary="Request a pre-trial meeting (ISVA or the police officer in the case)",
)
def create_request(request: AuthenticatedHttpRequest, payload: RequestIn):
    if not permissions.can_request(request.user):
        return FORBIDDEN
    created = services.meeting_request_create(
        actor=request.user,
        spec=services.RequestSpec(
            area_id=payload.area_id,
            urn=payload.urn,
            slots=tuple(payload.slots),
            isva_attends=payload.isva_attends,
            needs=frozenset(payload.needs),
            notes=payload.notes,
        ),
        channel=API,
    )
    status, body = _read(request, created.pk)
    return 201, body


@router.get(
    "/requests/{request_id}",
    response={200: RequestOut, 403: ErrorOut, 404: ErrorOut},
    url_name="pretrial_request",
    summary="One request, with its URN (audited)",
)
def get_request(request: AuthenticatedHttpRequest, request_id: int):
    if not permissions.can_open(request.user):
        return FORBIDDEN
    return _read(request, request_id)


WRITE = {200: RequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post(
    "/requests/{request_id}/confirm", response=WRITE, url_name="pretrial_confirm", summary="Confirm a time"
)
def confirm(request: AuthenticatedHttpRequest, request_id: int, payload: ConfirmIn):
    if not permissions.can_open(request.user):
        return FORBIDDEN
    services.meeting_slot_confirm(
        actor=request.user, request_id=_id(request_id), slot_id=payload.slot_id, channel=API
    )
    return _read(request, request_id)


@router.post(
    "/requests/{request_id}/propose",
    response=WRITE,
    url_name="pretrial_propose",
    summary="Propose another time",
)
def propose(request: AuthenticatedHttpRequest, request_id: int, payload: ProposeIn):
    if not permissions.can_open(request.user):
        return FORBIDDEN
    services.meeting_slot_propose(
        actor=request.user, request_id=_id(request_id), starts_at=payload.starts_at, channel=API
    )
    return _read(request, request_id)


@router.post(
    "/requests/{request_id}/not-needed",
    response=WRITE,
    url_name="pretrial_not_needed",
    summary="Record that no meeting is needed",
)
def not_needed(request: AuthenticatedHttpRequest, request_id: int, payload: ReasonIn):
    if not permissions.can_open(request.user):
        return FORBIDDEN
    services.meeting_not_needed(
        actor=request.user, request_id=_id(request_id), reason=payload.reason, channel=API
    )
    return _read(request, request_id)


@router.post(
    "/requests/{request_id}/outcome",
    response=WRITE,
    url_name="pretrial_outcome",
    summary="Record the outcome",
)
def outcome(request: AuthenticatedHttpRequest, request_id: int, payload: OutcomeIn):
    if not permissions.can_open(request.user):
        return FORBIDDEN
    services.meeting_outcome_record(
        actor=request.user,
        request_id=_id(request_id),
        outcome=payload.outcome,
        reason=payload.reason,
        new_starts_at=payload.new_starts_at,
        channel=API,
    )
    return _read(request, request_id)


@router.post(
    "/requests/{request_id}/accept",
    response=WRITE,
    url_name="pretrial_accept",
    summary="Accept the time the VLO team proposed (the requester)",
)
def accept(request: AuthenticatedHttpRequest, request_id: int):
    if not permissions.can_open(request.user):
        return FORBIDDEN
    services.meeting_proposal_accept(actor=request.user, request_id=_id(request_id), channel=API)
    return _read(request, request_id)
