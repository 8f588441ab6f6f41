"""Case pages: list, intake, edit, detail, generalise, declare involvement, release."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.http import AuthenticatedHttpRequest
from scrutiny import permissions, presenters, selectors, services
from scrutiny.forms import (
    CaseForm,
    DeclarationForm,
    GeneraliseForm,
    NewCaseForm,
)
from scrutiny.models import (
    Case,
    CaseStatus,
)
from scrutiny.permissions import CaseAccess
from scrutiny.redaction import MEMBERS, SITTING, Audience
from scrutiny.reporting import scrutiny_view
from scrutiny.views.common import (
    GET_POST,
    case_or_404,
    coordinated_case,
    log_view,
    page_number,
    panel_or_404,
    query_without_page,
    submitted,
)

CASE_PAGE_SIZE = 50  # rows per page of a panel's case list

# Cases --------------------------------------------------------------------------------------------


@require_GET
@scrutiny_view
def case_list(request: AuthenticatedHttpRequest, panel_id: int) -> HttpResponse:
    panel = panel_or_404(request, panel_id, with_forces=False)
    audience = permissions.panel_audience(request.user, panel)
    if audience not in SITTING:
        raise permissions.Refused(panel, panel_id=panel.pk, audience=audience)
    page = selectors.case_page(
        viewer=request.user, panel=panel, number=page_number(request), per_page=CASE_PAGE_SIZE
    )
    cases: list[Case] = list(page.object_list)
    access = permissions.case_access_map(request.user, cases)
    rows = [
        presenters.case_row(
            case, permissions.audience_for(request.user, case), can_open=access[case.pk] == CaseAccess.ALLOWED
        )
        for case in cases
    ]
    log_view(request, panel, audience, panel.pk)
    return render(
        request,
        "scrutiny/case_list.html",
        {
            "panel": presenters.panel_heading(panel, audience),
            "panel_id": panel.pk,
            "cases": rows,
            "page": page,
            "query": query_without_page(request),
            "is_coordinator": audience == Audience.COORDINATOR,
        },
    )


@require_http_methods(GET_POST)
@scrutiny_view
def case_create(request: AuthenticatedHttpRequest, panel_id: int) -> HttpResponse:
    panel = panel_or_404(request, panel_id)
    if not permissions.can_coordinate(request.user, panel):
        raise PermissionDenied
    form = NewCaseForm(request.POST or None, area_id=panel.area_id)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        urn, crime = data.pop("cps_urn"), data.pop("crime_number")
        ok, case = submitted(
            form,
            lambda: services.case_create(
                actor=request.user, panel=panel, cps_urn=urn, crime_number=crime, **data
            ),
        )
        if ok:
            messages.success(
                request, f"Case {case.pseudonym} created as a draft. Add its summary and decision points."
            )
            return redirect("scrutiny:case-detail", case.pk)
    audience = permissions.panel_audience(request.user, panel)
    return render(
        request,
        "scrutiny/case_form.html",
        {
            "form": form,
            "panel": presenters.panel_view(panel, audience),
            "panel_id": panel.pk,
            "creating": True,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(GET_POST)
@scrutiny_view
def case_edit(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = coordinated_case(request, case_id)
    if not permissions.can_edit_case(request.user, case):
        raise permissions.Refused(case, panel_id=case.panel_id)
    initial = {name: getattr(case, name) for name in services.CASE_FIELDS}
    form = CaseForm(request.POST or None, initial=initial, area_id=case.panel.area_id)
    if request.method == "POST" and form.is_valid():
        ok, _ = submitted(
            form, lambda: services.case_update(actor=request.user, case=case, **form.cleaned_data)
        )
        if ok:
            messages.success(request, "Case updated.")
            return redirect("scrutiny:case-detail", case.pk)
    return render(
        request,
        "scrutiny/case_form.html",
        {
            "form": form,
            "case": presenters.case_row(case, Audience.COORDINATOR),
            "case_id": case.pk,
            "creating": False,
        },
        status=400 if form.errors else 200,
    )


@require_GET
@scrutiny_view
def case_detail(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = case_or_404(request, case_id)
    access = permissions.case_access(request.user, case)
    audience = permissions.audience_for(request.user, case)
    if access == CaseAccess.NEEDS_AGREEMENT:
        return redirect(f"{reverse('scrutiny:agreement')}?case={case.pk}")
    if access == CaseAccess.NEEDS_DECLARATION:
        return redirect("scrutiny:case-declare", case.pk)
    if access == CaseAccess.INVOLVED:  # case_or_404 answers these 404 already; never a hint here
        raise permissions.Walled(case, panel_id=case.panel_id, audience=Audience.INVOLVED)
    if access != CaseAccess.ALLOWED:
        raise permissions.Refused(case, panel_id=case.panel_id, audience=audience)
    log_view(request, case, audience, case.panel_id)
    key = selectors.case_key(viewer=request.user, case=case)
    points = selectors.case_decision_points(case=case)
    extracts = selectors.case_extracts(case=case)
    reviews = selectors.case_reviews(case=case) if audience in SITTING - {Audience.OBSERVER} else []
    is_coordinator = audience == Audience.COORDINATOR
    # Only members review (permissions.can_review): no meetings to look up for the coordinator,
    # observers or governance.
    reviewer = permissions.panel_audience(request.user, case.panel) in MEMBERS
    meetings = selectors.case_meetings(case=case) if reviewer else []
    can_review = [m for m in meetings if permissions.can_review(request.user, case, m, access)]
    return render(
        request,
        "scrutiny/case_detail.html",
        {
            "case": presenters.case_row(case, audience),
            "case_id": case.pk,
            "key": presenters.key_view(key, audience),
            "points": [presenters.text_view(p, audience) for p in points],
            "extracts": [presenters.text_view(e, audience) for e in extracts],
            "reviews": [presenters.review_view(r, audience) for r in reviews],
            "is_coordinator": is_coordinator,
            "is_draft": case.status == CaseStatus.DRAFT,
            "blockers": services.release_blockers(case, request.user)
            if is_coordinator and case.status == CaseStatus.DRAFT
            else [],
            **(_coordinator_checks(case) if is_coordinator else {}),
            "review_meetings": [{"id": m.pk, "held_on": m.held_on} for m in can_review],
            "user_id": request.user.pk,
        },
    )


def _coordinator_checks(case: Case) -> dict[str, Any]:
    """What the coordinator is told about the case's checks: the re-identification report (which
    details set it apart, which generalisation would fix it, with the form to apply it) and the
    second-person overrides on its texts."""
    # The report for drafts and for released cases that have come to look unique (a released
    # case that passes needs no look-up of its lookalikes on every view).
    needed = case.status == CaseStatus.DRAFT or case.kanon_flagged
    return {
        "kanon": presenters.kanon_view(services.kanon_report(case)) if needed else None,
        "generalise_form": GeneraliseForm(initial={"generalised": case.generalised}),
        "overrides": presenters.override_rows(selectors.case_overrides(case=case)),
        "released_by": presenters.case_row(case, Audience.COORDINATOR).get("released_by"),
    }


@require_http_methods(GET_POST)
@scrutiny_view
def case_generalise(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    """Choose which details the panel sees more coarsely (no JavaScript: a plain form). Allowed
    after release too, always re-checked: a change that makes the case look unique is refused."""
    case = coordinated_case(request, case_id)
    form = GeneraliseForm(request.POST or None, initial={"generalised": case.generalised})
    if request.method == "POST" and form.is_valid():
        ok, _ = submitted(
            form,
            lambda: services.case_generalise(
                actor=request.user, case=case, fields=form.cleaned_data["generalised"]
            ),
        )
        if ok:
            case.refresh_from_db()
            if case.kanon_flagged:
                messages.warning(
                    request, "Saved. The case still looks unique to the panel: see the suggestions."
                )
            else:
                messages.success(request, "Saved. The panel now sees these details more coarsely.")
            return redirect("scrutiny:case-detail", case.pk)
    return render(
        request,
        "scrutiny/case_generalise.html",
        {
            "form": form,
            "case_id": case.pk,
            "pseudonym": case.pseudonym,
            "kanon": presenters.kanon_view(services.kanon_report(case)),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(GET_POST)
@scrutiny_view
def case_declare(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = case_or_404(request, case_id)
    access = permissions.case_access(request.user, case)
    if access == CaseAccess.NEEDS_AGREEMENT:
        return redirect(f"{reverse('scrutiny:agreement')}?case={case.pk}")
    if access == CaseAccess.ALLOWED:
        return redirect("scrutiny:case-detail", case.pk)
    if not permissions.can_declare(request.user, case):
        raise permissions.Refused(
            case, panel_id=case.panel_id, audience=permissions.audience_for(request.user, case)
        )
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        involved = form.cleaned_data["involved"]
        services.involvement_declare(actor=request.user, case=case, involved=involved)
        if involved:
            messages.success(request, "Thank you. You will not see this case; the coordinator has been told.")
            return redirect("scrutiny:case-list", case.panel_id)
        return redirect("scrutiny:case-detail", case.pk)
    return render(
        request,
        "scrutiny/case_declare.html",
        {"form": form, "pseudonym": case.pseudonym, "case_id": case.pk},
        status=400 if form.errors else 200,
    )


@require_POST
@scrutiny_view
def case_release(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    case = coordinated_case(request, case_id)
    if not permissions.can_edit_case(request.user, case):
        raise permissions.Refused(case, panel_id=case.panel_id)
    try:
        services.case_release(actor=request.user, case=case)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Case released to the panel. It can no longer be changed.")
    return redirect("scrutiny:case-detail", case.pk)
