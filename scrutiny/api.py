"""Scrutiny endpoints under /api/v1/scrutiny/. Same selectors, permissions and redaction as the
pages: every record is `redact(obj, audience)` for the caller, so a field appears in a response
only when the policy gives the caller's audience FULL or GENERALISED. Reads are audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from agencies.api import Id, PlainText
from scrutiny import permissions, selectors, services
from scrutiny.governance import figures as figures_module
from scrutiny.governance import permissions as governance_permissions
from scrutiny.models import AccessChannel, AccessVerb, PanelRole
from scrutiny.permissions import CaseAccess
from scrutiny.redaction import SITTING, Audience, redact
from scrutiny.reporting import ScrutinyExceptionReporterFilter, audit_refusal

router = Router(tags=["scrutiny"])


def _cleanse_reports(request: HttpRequest) -> None:
    """Error reports for these endpoints carry no POST values or frame variables (case content)."""
    request.exception_reporter_filter = ScrutinyExceptionReporterFilter()


class Redacted(Schema):
    """A record redacted for the caller: only the fields their audience may see."""

    audience: str
    data: dict[str, Any]


class RedactedList(Schema):
    audience: str
    items: list[dict[str, Any]]


class CaseOut(Schema):
    audience: str
    data: dict[str, Any]
    key: dict[str, Any]
    decision_points: list[dict[str, Any]]
    extracts: list[dict[str, Any]]


class MeetingOut(Schema):
    audience: str
    data: dict[str, Any]
    agenda: list[dict[str, Any]]
    attendance: list[dict[str, Any]]
    findings: list[dict[str, Any]]


def _audit(
    request: HttpRequest, obj: Any, audience: Any, panel_id: int | None, meeting_id: int | None = None
) -> None:
    services.access_record(
        actor=request.user,
        verb=AccessVerb.VIEW,
        obj=obj,
        audience=audience,
        channel=AccessChannel.API,
        panel_id=panel_id,
        meeting_id=meeting_id,
    )


def _panel(request: HttpRequest, panel_id: int, *, with_forces: bool = True) -> Any:
    panel = selectors.panel_get(viewer=request.user, panel_id=panel_id, with_forces=with_forces)
    if panel is None:
        raise HttpError(404, "Not found.")
    return panel


@router.get("/panels", response=RedactedList, url_name="scrutiny_panels", summary="Panels I can see")
def list_panels(request: HttpRequest) -> dict:
    _cleanse_reports(request)
    rows = selectors.panel_list(viewer=request.user)
    for panel, audience in rows:  # a list is a read of every record in it, as on the pages
        _audit(request, panel, audience, panel.pk)
    return {"audience": "per-item", "items": [{"audience": a.value, **redact(p, a)} for p, a in rows]}


@router.get("/panels/{panel_id}", response=Redacted, url_name="scrutiny_panel", summary="One panel")
def get_panel(request: HttpRequest, panel_id: int) -> dict:
    _cleanse_reports(request)
    panel = _panel(request, panel_id)
    audience = permissions.panel_audience(request.user, panel)
    _audit(request, panel, audience, panel.pk)
    return {"audience": audience.value, "data": redact(panel, audience)}


@router.get(
    "/panels/{panel_id}/meetings",
    response=RedactedList,
    url_name="scrutiny_meetings",
    summary="A panel's meetings",
)
def list_meetings(request: HttpRequest, panel_id: int) -> dict:
    _cleanse_reports(request)
    panel = _panel(request, panel_id)
    audience = permissions.panel_audience(request.user, panel)
    meetings = selectors.meeting_list(viewer=request.user, panel=panel)
    _audit(request, panel, audience, panel.pk)
    return {"audience": audience.value, "items": [redact(m, audience) for m in meetings]}


@router.get("/meetings/{meeting_id}", response=MeetingOut, url_name="scrutiny_meeting", summary="One meeting")
def get_meeting(request: HttpRequest, meeting_id: int) -> dict:
    _cleanse_reports(request)
    meeting = selectors.meeting_get(viewer=request.user, meeting_id=meeting_id)
    if meeting is None:
        raise HttpError(404, "Not found.")
    audience = permissions.audience_for(request.user, meeting)
    _audit(request, meeting, audience, meeting.panel_id, meeting.pk)
    agenda = []
    items = selectors.meeting_agenda(meeting=meeting, viewer=request.user)
    access = permissions.case_access_map(request.user, [item.case for item in items])
    for item in items:
        row = redact(item, audience)
        if access[item.case.pk] == CaseAccess.ALLOWED:
            row["case"] = redact(item.case, permissions.audience_for(request.user, item.case))
        else:
            row["case"] = {"id": item.case.pk, "pseudonym": item.case.pseudonym, "closed": True}
        agenda.append(row)
    findings = []
    for finding in selectors.meeting_findings(meeting=meeting, viewer=request.user):
        row = redact(finding, audience)
        row["actions"] = [
            {**redact(a, audience), "updates": [redact(u, audience) for u in a.updates.all()]}
            for a in finding.actions.all()
        ]
        findings.append(row)
    return {
        "audience": audience.value,
        "data": redact(meeting, audience),
        "agenda": agenda,
        "attendance": [redact(a, audience) for a in selectors.meeting_attendance(meeting=meeting)],
        "findings": findings,
    }


@router.get(
    "/panels/{panel_id}/cases", response=RedactedList, url_name="scrutiny_cases", summary="A panel's cases"
)
def list_cases(request: HttpRequest, panel_id: int) -> dict:
    _cleanse_reports(request)
    panel = _panel(request, panel_id, with_forces=False)
    audience = permissions.panel_audience(request.user, panel)
    if audience not in SITTING:
        audit_refusal(
            request.user, permissions.Refused(panel, panel_id=panel.pk, audience=audience), channel="api"
        )
        raise HttpError(403, "You cannot list this panel's cases.")
    cases = selectors.case_list(viewer=request.user, panel=panel)
    access = permissions.case_access_map(request.user, cases)
    _audit(request, panel, audience, panel.pk)
    items = [
        redact(case, permissions.audience_for(request.user, case))
        if access[case.pk] == CaseAccess.ALLOWED
        else {"id": case.pk, "pseudonym": case.pseudonym, "closed": True}
        for case in cases
    ]
    return {"audience": audience.value, "items": items}


ACCESS_MESSAGES = {
    CaseAccess.NEEDS_AGREEMENT: "Accept the current confidentiality agreement first.",
    CaseAccess.NEEDS_DECLARATION: "Declare any prior involvement in this case first.",
    CaseAccess.INVOLVED: "You declared involvement in this case.",
    CaseAccess.FORBIDDEN: "You cannot open this case.",
}


def _open_case(request: HttpRequest, case_id: int) -> Any:
    case = selectors.case_get(viewer=request.user, case_id=case_id)
    if case is None:
        raise HttpError(404, "Not found.")
    access = permissions.case_access(request.user, case)
    if access != CaseAccess.ALLOWED:
        if access in {CaseAccess.INVOLVED, CaseAccess.FORBIDDEN}:
            services.access_record(
                actor=request.user,
                verb=AccessVerb.REFUSED,
                obj=case,
                audience=permissions.audience_for(request.user, case),
                channel=AccessChannel.API,
                panel_id=case.panel_id,
            )
        raise HttpError(403, ACCESS_MESSAGES[access])
    return case


@router.get(
    "/cases/{case_id}", response=CaseOut, url_name="scrutiny_case", summary="One case, redacted for me"
)
def get_case(request: HttpRequest, case_id: int) -> dict:
    _cleanse_reports(request)
    case = _open_case(request, case_id)
    audience = permissions.audience_for(request.user, case)
    _audit(request, case, audience, case.panel_id)
    key = selectors.case_key(viewer=request.user, case=case)
    return {
        "audience": audience.value,
        "data": redact(case, audience),
        "key": redact(key, audience) if key is not None else {},
        "decision_points": [redact(p, audience) for p in selectors.case_decision_points(case=case)],
        "extracts": [redact(e, audience) for e in selectors.case_extracts(case=case)],
    }


@router.get(
    "/cases/{case_id}/reviews",
    response=RedactedList,
    url_name="scrutiny_reviews",
    summary="Reviews of a case",
)
def list_reviews(request: HttpRequest, case_id: int) -> dict:
    _cleanse_reports(request)
    case = _open_case(request, case_id)
    audience = permissions.audience_for(request.user, case)
    reviews = selectors.case_reviews(case=case) if audience in SITTING - {Audience.OBSERVER} else []
    _audit(request, case, audience, case.panel_id)
    items = [
        {**redact(r, audience), "assessments": [redact(a, audience) for a in r.assessments.all()]}
        for r in reviews
    ]
    return {"audience": audience.value, "items": items}


@router.get(
    "/panels/{panel_id}/findings",
    response=RedactedList,
    url_name="scrutiny_findings",
    summary="A panel's findings",
)
def list_findings(request: HttpRequest, panel_id: int) -> dict:
    _cleanse_reports(request)
    panel = _panel(request, panel_id)
    audience = permissions.panel_audience(request.user, panel)
    _audit(request, panel, audience, panel.pk)
    return {
        "audience": audience.value,
        "items": [redact(f, audience) for f in selectors.panel_findings(viewer=request.user, panel=panel)],
    }


@router.get(
    "/panels/{panel_id}/actions",
    response=RedactedList,
    url_name="scrutiny_actions",
    summary="A panel's actions",
)
def list_actions(request: HttpRequest, panel_id: int) -> dict:
    _cleanse_reports(request)
    panel = _panel(request, panel_id)
    audience = permissions.panel_audience(request.user, panel)
    _audit(request, panel, audience, panel.pk)
    items = []
    for action in selectors.panel_actions(viewer=request.user, panel=panel):
        row = redact(action, audience)
        row["overdue"] = "status" in row and action.is_overdue()
        items.append(row)
    return {"audience": audience.value, "items": items}


@router.get(
    "/figures", response=dict[str, Any], url_name="scrutiny_figures", summary="Aggregate scrutiny figures"
)
def figures(request: HttpRequest, area_id: int | None = None) -> dict:
    """One scope's suppressed scrutiny figures (national without `area_id`): the same publication,
    and the same scopes, as the dashboards and exports (scrutiny.governance.figures)."""
    _cleanse_reports(request)
    if not permissions.can_export_aggregate(request.user):
        _audit_figures(request, area_id, AccessVerb.REFUSED)
        raise HttpError(403, "You cannot see scrutiny figures.")
    areas = figures_module.all_areas()
    area = next((a for a in areas if a.pk == area_id), None) if area_id is not None else None
    if area_id is not None and area is None:
        raise HttpError(404, "Not found.")
    allowed = (
        governance_permissions.can_view_national_figures(request.user)
        if area is None
        else governance_permissions.can_view_area_figures(request.user, area.pk)
    )
    if not allowed:
        _audit_figures(request, area_id, AccessVerb.REFUSED)
        raise HttpError(403, "You cannot see the figures for this area.")
    result = figures_module.api_figures(viewer=request.user, area=area, areas=areas)
    _audit_figures(request, area_id, AccessVerb.VIEW)
    return result


def _audit_figures(request: HttpRequest, area_id: int | None, verb: str) -> None:
    """The same fields as the aggregate export's event; the area asked for, if any, as the object."""
    services.access_record(
        actor=request.user,
        verb=verb,
        object_type="aggregate",
        object_id=area_id if area_id is not None and 0 < area_id < 2**63 else None,
        audience="aggregate",
        channel=AccessChannel.API,
    )


# Writes: the same services as the pages (permission re-checked, audited), JSON errors ---------------


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class PanelIn(Schema):
    name: PlainText = Field(..., min_length=1, max_length=150)
    terms_of_reference: PlainText = Field(..., min_length=1, max_length=10000)
    police_forces: list[Id] = Field(default_factory=list, max_length=50)


class PanelCreateIn(PanelIn):
    code: str = Field(..., min_length=1, max_length=20, pattern=r"^[-a-zA-Z0-9_]+$")


class MemberIn(Schema):
    email: PlainText = Field(..., min_length=3, max_length=254)
    role: PanelRole


class MemberOut(Schema):
    id: int
    panel: int
    role: str


class AgreementIn(Schema):
    text: PlainText = Field(..., min_length=1, max_length=20000)


class AgreementOut(Schema):
    version: int


def _invalid(exc: ValidationError) -> Status[ErrorOut]:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return Status(400, ErrorOut(detail="Check the highlighted fields.", errors=errors))


def _forces(request: HttpRequest, area_id: int, ids: list[int]) -> list[Any]:
    forces = list(selectors.panel_forces_choices(viewer=request.user, area_id=area_id).filter(pk__in=ids))
    if len(forces) != len(set(ids)):
        raise ValidationError({"police_forces": ["Choose police forces in the panel's CPS area."]})
    return forces


WRITE_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
FORBIDDEN = Status(403, ErrorOut(detail="You cannot do that."))


@router.post(
    "/panels",
    response={201: Redacted, **WRITE_ERRORS},
    url_name="scrutiny_panel_create",
    summary="Create a panel in my CPS area (case coordinators)",
)
def create_panel(request: HttpRequest, payload: PanelCreateIn):  # type: ignore[no-untyped-def]
    _cleanse_reports(request)
    area_id = permissions.panel_area_for(request.user)
    area = selectors.area_get(area_id=area_id) if area_id is not None else None
    if area is None:
        return FORBIDDEN
    try:
        with transaction.atomic():
            panel = services.panel_create(
                actor=request.user,
                area=area,
                name=payload.name,
                code=payload.code,
                terms_of_reference=payload.terms_of_reference,
                police_forces=_forces(request, area.pk, payload.police_forces),
            )
    except ValidationError as exc:
        return _invalid(exc)
    except IntegrityError:
        return Status(409, ErrorOut(detail="A panel with that name or code already exists."))
    panel = selectors.panel_get(viewer=request.user, panel_id=panel.pk)
    return Status(201, {"audience": Audience.COORDINATOR.value, "data": redact(panel, Audience.COORDINATOR)})


@router.put(
    "/panels/{panel_id}",
    response={200: Redacted, **WRITE_ERRORS},
    url_name="scrutiny_panel_update",
    summary="Change a panel's name, police forces and terms of reference (its coordinator)",
)
def update_panel(request: HttpRequest, panel_id: int, payload: PanelIn):  # type: ignore[no-untyped-def]
    _cleanse_reports(request)
    panel = selectors.panel_get(viewer=request.user, panel_id=panel_id)
    if panel is None:
        return Status(404, ErrorOut(detail="Not found."))
    if not permissions.can_coordinate(request.user, panel):
        return FORBIDDEN
    try:
        with transaction.atomic():
            services.panel_update(
                actor=request.user,
                panel=panel,
                name=payload.name,
                terms_of_reference=payload.terms_of_reference,
                police_forces=_forces(request, panel.area_id, payload.police_forces),
            )
    except ValidationError as exc:
        return _invalid(exc)
    except IntegrityError:
        return Status(409, ErrorOut(detail="A panel with that name already exists."))
    panel = selectors.panel_get(viewer=request.user, panel_id=panel.pk)
    return Status(200, {"audience": Audience.COORDINATOR.value, "data": redact(panel, Audience.COORDINATOR)})


@router.post(
    "/panels/{panel_id}/members",
    response={201: MemberOut, **WRITE_ERRORS},
    url_name="scrutiny_member_add",
    summary="Add a member with a panel role (the panel's coordinator)",
)
def add_member(request: HttpRequest, panel_id: int, payload: MemberIn):  # type: ignore[no-untyped-def]
    _cleanse_reports(request)
    panel = selectors.panel_get(viewer=request.user, panel_id=panel_id)
    if panel is None:
        return Status(404, ErrorOut(detail="Not found."))
    if not permissions.can_coordinate(request.user, panel):
        return FORBIDDEN
    user = (
        selectors.person_by_email(viewer=request.user, panel=panel, email=payload.email)
        if "\x00" not in payload.email
        else None
    )
    if user is None:
        no_account = "There is no active account with that email address."
        return Status(400, ErrorOut(detail=no_account, errors={"email": [no_account]}))
    try:
        with transaction.atomic():
            membership = services.membership_add(
                actor=request.user, panel=panel, user=user, role=payload.role
            )
    except ValidationError as exc:
        return _invalid(exc)
    except IntegrityError:
        return Status(409, ErrorOut(detail="That person is already a member of this panel."))
    return Status(201, {"id": membership.pk, "panel": panel.pk, "role": membership.role})


@router.post(
    "/members/{membership_id}/end",
    response={200: MemberOut, **WRITE_ERRORS},
    url_name="scrutiny_member_end",
    summary="End a membership (the panel's coordinator); their live views lose access",
)
def end_member(request: HttpRequest, membership_id: int):  # type: ignore[no-untyped-def]
    _cleanse_reports(request)
    membership = selectors.membership_get(viewer=request.user, membership_id=membership_id)
    if membership is None:
        return Status(404, ErrorOut(detail="Not found."))
    try:
        membership = services.membership_end(actor=request.user, membership=membership)
    except PermissionDenied:
        return FORBIDDEN
    return Status(200, {"id": membership.pk, "panel": membership.panel_id, "role": membership.role})


@router.post(
    "/agreements",
    response={201: AgreementOut, **WRITE_ERRORS},
    url_name="scrutiny_agreement_publish",
    summary="Publish the next confidentiality agreement version (case coordinators)",
)
def publish_agreement(request: HttpRequest, payload: AgreementIn):  # type: ignore[no-untyped-def]
    _cleanse_reports(request)
    if not permissions.can_publish_agreement(request.user):
        return FORBIDDEN
    try:
        with transaction.atomic():
            agreement = services.agreement_publish(actor=request.user, text=payload.text)
    except ValidationError as exc:
        return _invalid(exc)
    except IntegrityError:
        return Status(409, ErrorOut(detail="Someone else published a version just now. Read it, try again."))
    return Status(201, {"version": agreement.version})
