"""Read endpoints: panels, meetings, cases, reviews, findings, actions and figures (audited)."""

from __future__ import annotations

from typing import Any

from ninja import Query
from ninja.errors import HttpError

from agencies.api import ErrorOut, PageQuery
from agencies.http import AuthenticatedHttpRequest
from scrutiny import permissions, selectors, services
from scrutiny.api.common import (
    CaseOut,
    MeetingOut,
    Redacted,
    RedactedList,
    RedactedPage,
    audit_read,
    cleanse_reports,
    panel_for_api,
    router,
)
from scrutiny.governance import figures as figures_module
from scrutiny.governance import permissions as governance_permissions
from scrutiny.models import AccessChannel, AccessVerb
from scrutiny.permissions import CaseAccess
from scrutiny.redaction import SITTING, Audience, redact
from scrutiny.reporting import audit_refusal

NOT_FOUND = {404: ErrorOut}
REFUSED_OR_NOT_FOUND = {403: ErrorOut, 404: ErrorOut}


@router.get("/panels", response=RedactedList, url_name="scrutiny_panels", summary="Panels I can see")
def list_panels(request: AuthenticatedHttpRequest) -> dict:
    cleanse_reports(request)
    rows = selectors.panel_list(viewer=request.user)
    for panel, audience in rows:  # a list is a read of every record in it, as on the pages
        audit_read(request, panel, audience, panel.pk)
    return {"audience": "per-item", "items": [{"audience": a.value, **redact(p, a)} for p, a in rows]}


@router.get(
    "/panels/{panel_id}",
    response={200: Redacted, **NOT_FOUND},
    url_name="scrutiny_panel",
    summary="One panel",
)
def get_panel(request: AuthenticatedHttpRequest, panel_id: int) -> dict:
    cleanse_reports(request)
    panel = panel_for_api(request, panel_id)
    audience = permissions.panel_audience(request.user, panel)
    audit_read(request, panel, audience, panel.pk)
    return {"audience": audience.value, "data": redact(panel, audience)}


@router.get(
    "/panels/{panel_id}/meetings",
    response={200: RedactedList, **NOT_FOUND},
    url_name="scrutiny_meetings",
    summary="A panel's meetings",
)
def list_meetings(request: AuthenticatedHttpRequest, panel_id: int) -> dict:
    cleanse_reports(request)
    panel = panel_for_api(request, panel_id)
    audience = permissions.panel_audience(request.user, panel)
    meetings = selectors.meeting_list(viewer=request.user, panel=panel)
    audit_read(request, panel, audience, panel.pk)
    return {"audience": audience.value, "items": [redact(m, audience) for m in meetings]}


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingOut, **NOT_FOUND},
    url_name="scrutiny_meeting",
    summary="One meeting",
)
def get_meeting(request: AuthenticatedHttpRequest, meeting_id: int) -> dict:
    cleanse_reports(request)
    meeting = selectors.meeting_get(viewer=request.user, meeting_id=meeting_id)
    if meeting is None:
        raise HttpError(404, "Not found.")
    audience = permissions.audience_for(request.user, meeting)
    audit_read(request, meeting, audience, meeting.panel_id, meeting.pk)
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
    "/panels/{panel_id}/cases",
    response={200: RedactedPage, **REFUSED_OR_NOT_FOUND},
    url_name="scrutiny_cases",
    summary="A panel's cases, by pseudonym, a page at a time (offset, limit)",
)
def list_cases(request: AuthenticatedHttpRequest, panel_id: int, page: Query[PageQuery]) -> dict:
    cleanse_reports(request)
    panel = panel_for_api(request, panel_id, with_forces=False)
    audience = permissions.panel_audience(request.user, panel)
    if audience not in SITTING:
        audit_refusal(
            request.user, permissions.Refused(panel, panel_id=panel.pk, audience=audience), channel="api"
        )
        raise HttpError(403, "You cannot list this panel's cases.")
    count, cases = selectors.case_slice(
        viewer=request.user, panel=panel, offset=page.offset, limit=page.limit
    )
    access = permissions.case_access_map(request.user, cases)
    audit_read(request, panel, audience, panel.pk)
    items = [
        redact(case, permissions.audience_for(request.user, case))
        if access[case.pk] == CaseAccess.ALLOWED
        else {"id": case.pk, "pseudonym": case.pseudonym, "closed": True}
        for case in cases
    ]
    return {"audience": audience.value, "count": count, "items": items}


ACCESS_MESSAGES = {
    CaseAccess.NEEDS_AGREEMENT: "Accept the current confidentiality agreement first.",
    CaseAccess.NEEDS_DECLARATION: "Declare any prior involvement in this case first.",
    # Involvement is a wall: the same answer as for a case that does not exist.
    CaseAccess.INVOLVED: "Not found.",
    CaseAccess.FORBIDDEN: "You cannot open this case.",
}


def _open_case(request: AuthenticatedHttpRequest, case_id: int) -> Any:
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
        raise HttpError(404 if access == CaseAccess.INVOLVED else 403, ACCESS_MESSAGES[access])
    return case


@router.get(
    "/cases/{case_id}",
    response={200: CaseOut, **REFUSED_OR_NOT_FOUND},
    url_name="scrutiny_case",
    summary="One case, redacted for me",
)
def get_case(request: AuthenticatedHttpRequest, case_id: int) -> dict:
    cleanse_reports(request)
    case = _open_case(request, case_id)
    audience = permissions.audience_for(request.user, case)
    audit_read(request, case, audience, case.panel_id)
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
    response={200: RedactedList, **REFUSED_OR_NOT_FOUND},
    url_name="scrutiny_reviews",
    summary="Reviews of a case",
)
def list_reviews(request: AuthenticatedHttpRequest, case_id: int) -> dict:
    cleanse_reports(request)
    case = _open_case(request, case_id)
    audience = permissions.audience_for(request.user, case)
    reviews = selectors.case_reviews(case=case) if audience in SITTING - {Audience.OBSERVER} else []
    audit_read(request, case, audience, case.panel_id)
    items = [
        {**redact(r, audience), "assessments": [redact(a, audience) for a in r.assessments.all()]}
        for r in reviews
    ]
    return {"audience": audience.value, "items": items}


@router.get(
    "/panels/{panel_id}/findings",
    response={200: RedactedList, **NOT_FOUND},
    url_name="scrutiny_findings",
    summary="A panel's findings",
)
def list_findings(request: AuthenticatedHttpRequest, panel_id: int) -> dict:
    cleanse_reports(request)
    panel = panel_for_api(request, panel_id)
    audience = permissions.panel_audience(request.user, panel)
    audit_read(request, panel, audience, panel.pk)
    return {
        "audience": audience.value,
        "items": [redact(f, audience) for f in selectors.panel_findings(viewer=request.user, panel=panel)],
    }


@router.get(
    "/panels/{panel_id}/actions",
    response={200: RedactedList, **NOT_FOUND},
    url_name="scrutiny_actions",
    summary="A panel's actions",
)
def list_actions(request: AuthenticatedHttpRequest, panel_id: int) -> dict:
    cleanse_reports(request)
    panel = panel_for_api(request, panel_id)
    audience = permissions.panel_audience(request.user, panel)
    audit_read(request, panel, audience, panel.pk)
    items = []
    for action in selectors.panel_actions(viewer=request.user, panel=panel):
        row = redact(action, audience)
        row["overdue"] = "status" in row and action.is_overdue()
        items.append(row)
    return {"audience": audience.value, "items": items}


@router.get(
    "/figures",
    response={200: dict[str, Any], **REFUSED_OR_NOT_FOUND},
    url_name="scrutiny_figures",
    summary="Aggregate scrutiny figures",
)
def figures(request: AuthenticatedHttpRequest, area_id: int | None = None) -> dict:
    """One scope's suppressed scrutiny figures (national without `area_id`): the same publication,
    and the same scopes, as the dashboards and exports (scrutiny.governance.figures)."""
    cleanse_reports(request)
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


def _audit_figures(request: AuthenticatedHttpRequest, area_id: int | None, verb: str) -> None:
    """The same fields as the aggregate export's event; the area asked for, if any, as the object."""
    services.access_record(
        actor=request.user,
        verb=verb,
        object_type="aggregate",
        object_id=area_id if area_id is not None and 0 < area_id < 2**63 else None,
        audience="aggregate",
        channel=AccessChannel.API,
    )
