"""Review pages: a member's review of a case at a meeting."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from agencies.http import AuthenticatedHttpRequest
from scrutiny import permissions, presenters, selectors, services
from scrutiny.forms import (
    ReviewForm,
)
from scrutiny.reporting import scrutiny_view
from scrutiny.views.common import GET_POST, case_or_404, meeting_or_404, submitted

# Reviews ------------------------------------------------------------------------------------------


@require_http_methods(GET_POST)
@scrutiny_view
def review_submit(request: AuthenticatedHttpRequest, case_id: int, meeting_id: int) -> HttpResponse:
    case = case_or_404(request, case_id)
    meeting = meeting_or_404(request, meeting_id)
    if not permissions.can_review(request.user, case, meeting):
        raise permissions.Refused(
            case,
            panel_id=case.panel_id,
            meeting_id=meeting.pk,
            audience=permissions.audience_for(request.user, case),
        )
    points = selectors.case_decision_points(case=case)
    existing = selectors.own_review(viewer=request.user, case=case, meeting=meeting)
    initial: dict[str, Any] = {}
    if existing is not None:
        initial["score"] = existing.score
        for assessment in existing.assessments.all():
            initial[f"assessment_{assessment.decision_point_id}"] = assessment.assessment
            initial[f"notes_{assessment.decision_point_id}"] = assessment.notes
    form = ReviewForm(request.POST or None, points=points, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _ = submitted(
            form,
            lambda: services.review_submit(
                actor=request.user,
                case=case,
                meeting=meeting,
                score=form.cleaned_data["score"],
                assessments=form.assessments(),
            ),
        )
        if ok:
            messages.success(request, "Your review is saved.")
            return redirect("scrutiny:case-detail", case.pk)
    audience = permissions.audience_for(request.user, case)
    rows = [
        {
            "point": presenters.text_view(p, audience),
            "assessment": form[f"assessment_{p.pk}"],
            "notes": form[f"notes_{p.pk}"],
        }
        for p in points
    ]
    return render(
        request,
        "scrutiny/review_form.html",
        {
            "form": form,
            "rows": rows,
            "pseudonym": case.pseudonym,
            "case_id": case.pk,
            "meeting_id": meeting.pk,
        },
        status=400 if form.errors else 200,
    )
