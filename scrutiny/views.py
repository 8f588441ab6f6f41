"""Scrutiny pages. Each view parses input, calls one selector or service, and renders presenter
output (already redacted for the viewer's audience). Objects the viewer cannot reach are 404s;
actions they may not take are 403s. Every page view of panel data writes an AccessEvent."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scrutiny import exports, permissions, presenters, selectors, services
from scrutiny.forms import (
    ActingChairForm,
    ActionForm,
    ActionUpdateForm,
    AgreedScoreForm,
    AgreementForm,
    CaseForm,
    CheckForm,
    DecisionPointForm,
    DeclarationForm,
    ExtractForm,
    FindingForm,
    GeneraliseForm,
    HeldTextForm,
    LegalHoldForm,
    LegalHoldLookupForm,
    MeetingForm,
    MembershipForm,
    NewCaseForm,
    PanelForm,
    ReviewForm,
)
from scrutiny.governance import figures as governance_figures
from scrutiny.models import (
    AccessChannel,
    AccessVerb,
    Case,
    CaseStatus,
    DecisionPoint,
    Extract,
    Meeting,
    MeetingStatus,
)
from scrutiny.permissions import CaseAccess
from scrutiny.redaction import MEMBERS, SITTING, Audience, redact
from scrutiny.reporting import scrutiny_view

GET_POST = ["GET", "POST"]
# Saved but held back for a second person's check: a warning (shown as "Important", like an error),
# not an error, because the post was accepted; an error message on a redirect means a refusal
# (tests/hostile.py checks that a refusal wrote nothing).
HELD_MESSAGE = (
    "Saved, but it may contain identifiers, so the panel and governance do not see it yet. The "
    "coordinator or the chair (not you) must check it first."
)


def _posted(request: HttpRequest) -> Any:
    """The POST data to bind a form to (an empty POST is still a submission, so it gets errors)."""
    return request.POST if request.method == "POST" else None


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form (field errors where they name a field)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _log_view(
    request: HttpRequest, obj: Any, audience: Any, panel_id: int, meeting_id: int | None = None
) -> None:
    services.access_record(
        actor=request.user,
        verb=AccessVerb.VIEW,
        obj=obj,
        audience=audience,
        channel=AccessChannel.PAGE,
        panel_id=panel_id,
        meeting_id=meeting_id,
    )


def _panel_or_404(request: HttpRequest, panel_id: int, *, with_forces: bool = True) -> Any:
    panel = selectors.panel_get(viewer=request.user, panel_id=panel_id, with_forces=with_forces)
    if panel is None:
        raise Http404
    return panel


def _meeting_or_404(request: HttpRequest, meeting_id: int) -> Meeting:
    meeting = selectors.meeting_get(viewer=request.user, meeting_id=meeting_id)
    if meeting is None:
        raise Http404
    return meeting


def _case_or_404(request: HttpRequest, case_id: int) -> Case:
    case = selectors.case_get(viewer=request.user, case_id=case_id)
    if case is None:
        raise Http404
    return case


def _coordinated_case(request: HttpRequest, case_id: int) -> Case:
    case = _case_or_404(request, case_id)
    if not permissions.can_coordinate(request.user, case.panel):
        raise permissions.Refused(case, panel_id=case.panel_id)
    return case


# Index, agreement ----------------------------------------------------------------------------------


@require_GET
@scrutiny_view
def panel_list(request: HttpRequest) -> HttpResponse:
    panels = [
        {**presenters.panel_view(panel, audience), "audience": audience.value}
        for panel, audience in selectors.panel_list(viewer=request.user)
    ]
    agreement = permissions.current_agreement()
    actions = [
        presenters.action_view(a, permissions.panel_audience(request.user, a.finding.meeting.panel_id))
        for a in selectors.open_actions_for(viewer=request.user)
    ]
    return render(
        request,
        "scrutiny/panel_list.html",
        {
            "panels": panels,
            "agreement": agreement,
            "accepted": permissions.has_accepted_current_agreement(request.user),
            "open_actions": actions,
            "can_aggregate": permissions.can_export_aggregate(request.user),
            "can_create_panel": permissions.can_create_panel(request.user),
            "can_publish_agreement": permissions.can_publish_agreement(request.user),
        },
    )


@require_http_methods(GET_POST)
@scrutiny_view
def agreement(request: HttpRequest) -> HttpResponse:
    current = permissions.current_agreement()
    if current is None:
        raise Http404
    error = ""
    if request.method == "POST":
        if request.POST.get("accept") == "yes":
            services.agreement_accept(actor=request.user, agreement=current)
            messages.success(
                request, f"You accepted version {current.version} of the confidentiality agreement."
            )
            next_case = request.POST.get("next_case")
            return redirect(_safe_case_url(next_case) if next_case else "scrutiny:panel-list")
        error = "Select that you accept the agreement to continue."
    return render(
        request,
        "scrutiny/agreement.html",
        {
            "agreement": current,
            "accepted": permissions.has_accepted_current_agreement(request.user),
            "can_publish": permissions.can_publish_agreement(request.user),
            "error": error,
            "next_case": request.GET.get("case", request.POST.get("next_case", "")),
        },
    )


def _safe_case_url(value: str) -> str:
    try:
        return reverse("scrutiny:case-detail", args=[int(value)])
    except (TypeError, ValueError):
        return reverse("scrutiny:panel-list")


@require_http_methods(GET_POST)
@scrutiny_view
def agreement_publish(request: HttpRequest) -> HttpResponse:
    if not permissions.can_publish_agreement(request.user):
        raise PermissionDenied
    current = permissions.current_agreement()
    form = AgreementForm(_posted(request), initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                agreement = services.agreement_publish(actor=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            _form_errors(form, exc)
        except IntegrityError:
            form.add_error(None, "Someone else published a version just now. Read it, then try again.")
        else:
            messages.success(
                request,
                f"Version {agreement.version} published. Members must accept it before opening any case.",
            )
            return redirect("scrutiny:agreement")
    return render(
        request,
        "scrutiny/agreement_form.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )


# Panels -------------------------------------------------------------------------------------------


def _panel_form_data(form: PanelForm) -> dict[str, Any]:
    return {
        "name": form.cleaned_data["name"],
        "terms_of_reference": form.cleaned_data["terms_of_reference"],
        "police_forces": list(form.cleaned_data["police_forces"]),
    }


@require_http_methods(GET_POST)
@scrutiny_view
def panel_create(request: HttpRequest) -> HttpResponse:
    area_id = permissions.panel_area_for(request.user)
    if area_id is None or not permissions.can_create_panel(request.user):
        raise PermissionDenied
    area = selectors.area_get(area_id=area_id)
    if area is None:
        raise PermissionDenied
    forces = selectors.panel_forces_choices(viewer=request.user, area_id=area_id)
    form = PanelForm(_posted(request), forces=forces, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                panel = services.panel_create(
                    actor=request.user, area=area, code=form.cleaned_data["code"], **_panel_form_data(form)
                )
        except ValidationError as exc:
            _form_errors(form, exc)
        except IntegrityError:
            form.add_error("code", "A panel with that name or code already exists.")
        else:
            messages.success(request, "Panel created. Add its members and plan its first meeting.")
            return redirect("scrutiny:panel-detail", panel.pk)
    return render(
        request,
        "scrutiny/panel_form.html",
        {"form": form, "area": area.name, "creating": True},
        status=400 if form.errors else 200,
    )


@require_http_methods(GET_POST)
@scrutiny_view
def panel_edit(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _panel_or_404(request, panel_id)
    if not permissions.can_coordinate(request.user, panel):
        raise PermissionDenied
    forces = selectors.panel_forces_choices(viewer=request.user, area_id=panel.area_id)
    initial = {
        "name": panel.name,
        "terms_of_reference": panel.terms_of_reference,
        "police_forces": list(panel.police_forces.all()),
    }
    form = PanelForm(_posted(request), forces=forces, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.panel_update(actor=request.user, panel=panel, **_panel_form_data(form))
        except ValidationError as exc:
            _form_errors(form, exc)
        except IntegrityError:
            form.add_error("name", "A panel with that name already exists.")
        else:
            messages.success(request, "Panel updated.")
            return redirect("scrutiny:panel-detail", panel.pk)
    return render(
        request,
        "scrutiny/panel_form.html",
        {"form": form, "area": panel.area.name, "creating": False, "panel_id": panel.pk, "name": panel.name},
        status=400 if form.errors else 200,
    )


@require_GET
@scrutiny_view
def panel_detail(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _panel_or_404(request, panel_id)
    audience = permissions.panel_audience(request.user, panel)
    _log_view(request, panel, audience, panel.pk)
    return render(
        request,
        "scrutiny/panel_detail.html",
        {
            "panel": presenters.panel_view(panel, audience),
            "panel_id": panel.pk,
            "audience": audience,
            "is_coordinator": audience == Audience.COORDINATOR,
            "members": presenters.membership_rows(
                list(selectors.membership_list(viewer=request.user, panel=panel)), audience
            ),
            "meetings": [
                presenters.meeting_row(m, audience)
                for m in selectors.meeting_list(viewer=request.user, panel=panel)
            ],
            "can_list_cases": audience in SITTING,
            "membership_form": MembershipForm(),
            "meeting_form": MeetingForm(),
        },
    )


@require_POST
@scrutiny_view
def membership_add(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _panel_or_404(request, panel_id)
    if not permissions.can_coordinate(request.user, panel):
        raise PermissionDenied
    form = MembershipForm(request.POST)
    if form.is_valid():
        user = selectors.person_by_email(viewer=request.user, panel=panel, email=form.cleaned_data["email"])
        if user is None:
            form.add_error("email", "There is no active account with that email address.")
        else:
            try:
                services.membership_add(
                    actor=request.user, panel=panel, user=user, role=form.cleaned_data["role"]
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Member added.")
                return redirect("scrutiny:panel-detail", panel.pk)
    audience = permissions.panel_audience(request.user, panel)
    return render(
        request,
        "scrutiny/membership_add.html",
        {"form": form, "panel": presenters.panel_view(panel, audience), "panel_id": panel.pk},
        status=400,
    )


@require_POST
@scrutiny_view
def membership_end(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership_get(viewer=request.user, membership_id=membership_id)
    if membership is None:
        raise Http404
    services.membership_end(actor=request.user, membership=membership)
    messages.success(request, "Membership ended. Their open pages and live views lose access now.")
    return redirect("scrutiny:panel-detail", membership.panel_id)


@require_POST
@scrutiny_view
def meeting_create(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _panel_or_404(request, panel_id)
    if not permissions.can_coordinate(request.user, panel):
        raise PermissionDenied
    form = MeetingForm(request.POST)
    if form.is_valid():
        meeting = services.meeting_create(
            actor=request.user, panel=panel, held_on=form.cleaned_data["held_on"]
        )
        messages.success(request, "Meeting planned. Add between 3 and 10 released cases to its agenda.")
        return redirect("scrutiny:meeting-detail", meeting.pk)
    audience = permissions.panel_audience(request.user, panel)
    return render(
        request,
        "scrutiny/meeting_create.html",
        {"form": form, "panel": presenters.panel_view(panel, audience), "panel_id": panel.pk},
        status=400,
    )


# Cases --------------------------------------------------------------------------------------------


@require_GET
@scrutiny_view
def case_list(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _panel_or_404(request, panel_id, with_forces=False)
    audience = permissions.panel_audience(request.user, panel)
    if audience not in SITTING:
        raise permissions.Refused(panel, panel_id=panel.pk, audience=audience)
    cases = selectors.case_list(viewer=request.user, panel=panel)
    access = permissions.case_access_map(request.user, cases)
    rows = [
        presenters.case_row(
            case, permissions.audience_for(request.user, case), can_open=access[case.pk] == CaseAccess.ALLOWED
        )
        for case in cases
    ]
    _log_view(request, panel, audience, panel.pk)
    return render(
        request,
        "scrutiny/case_list.html",
        {
            "panel": presenters.panel_heading(panel, audience),
            "panel_id": panel.pk,
            "cases": rows,
            "is_coordinator": audience == Audience.COORDINATOR,
        },
    )


@require_http_methods(GET_POST)
@scrutiny_view
def case_create(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _panel_or_404(request, panel_id)
    if not permissions.can_coordinate(request.user, panel):
        raise PermissionDenied
    form = NewCaseForm(request.POST or None, area_id=panel.area_id)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        urn, crime = data.pop("cps_urn"), data.pop("crime_number")
        try:
            case = services.case_create(
                actor=request.user, panel=panel, cps_urn=urn, crime_number=crime, **data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
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
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _coordinated_case(request, case_id)
    if not permissions.can_edit_case(request.user, case):
        raise permissions.Refused(case, panel_id=case.panel_id)
    initial = {name: getattr(case, name) for name in services.CASE_FIELDS}
    form = CaseForm(request.POST or None, initial=initial, area_id=case.panel.area_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
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
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request, case_id)
    access = permissions.case_access(request.user, case)
    audience = permissions.audience_for(request.user, case)
    if access == CaseAccess.NEEDS_AGREEMENT:
        return redirect(f"{reverse('scrutiny:agreement')}?case={case.pk}")
    if access == CaseAccess.NEEDS_DECLARATION:
        return redirect("scrutiny:case-declare", case.pk)
    if access != CaseAccess.ALLOWED:
        services.access_record(
            actor=request.user,
            verb=AccessVerb.REFUSED,
            obj=case,
            audience=audience,
            channel=AccessChannel.PAGE,
            panel_id=case.panel_id,
        )
        return render(request, "scrutiny/case_blocked.html", {"pseudonym": case.pseudonym}, status=403)
    _log_view(request, case, audience, case.panel_id)
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
def case_generalise(request: HttpRequest, case_id: int) -> HttpResponse:
    """Choose which details the panel sees more coarsely (no JavaScript: a plain form). Allowed
    after release too, always re-checked: a change that makes the case look unique is refused."""
    case = _coordinated_case(request, case_id)
    form = GeneraliseForm(request.POST or None, initial={"generalised": case.generalised})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_generalise(actor=request.user, case=case, fields=form.cleaned_data["generalised"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
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
def case_declare(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request, case_id)
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
def case_release(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _coordinated_case(request, case_id)
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


TEXT_FORMS = {"extract": (Extract, ExtractForm), "decision-point": (DecisionPoint, DecisionPointForm)}


@require_http_methods(GET_POST)
@scrutiny_view
def text_add(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    if kind not in TEXT_FORMS:
        raise Http404
    case = _coordinated_case(request, case_id)
    if not permissions.can_edit_case(request.user, case):
        raise permissions.Refused(case, panel_id=case.panel_id)
    model, form_class = TEXT_FORMS[kind]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        text = data.pop("text")
        try:
            obj = services.text_add(actor=request.user, case=case, model=model, text=text, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if obj.check_status == "flagged":
                messages.warning(
                    request,
                    "This text may contain identifiers. The case cannot be released until another "
                    "person edits it or confirms it.",
                )
            else:
                messages.success(request, "Text added.")
            return redirect("scrutiny:case-detail", case.pk)
    return render(
        request,
        "scrutiny/text_form.html",
        {"form": form, "kind": kind, "case_id": case.pk, "pseudonym": case.pseudonym, "editing": False},
        status=400 if form.errors else 200,
    )


def _text_or_404(request: HttpRequest, kind: str, text_id: int) -> DecisionPoint | Extract:
    obj = selectors.text_get(viewer=request.user, kind=kind, text_id=text_id)
    if obj is None:
        raise Http404
    return obj


@require_http_methods(GET_POST)
@scrutiny_view
def text_edit(request: HttpRequest, kind: str, text_id: int) -> HttpResponse:
    obj = _text_or_404(request, kind, text_id)
    if not permissions.can_edit_case(request.user, obj.case):
        raise permissions.Refused(obj, panel_id=obj.case.panel_id)
    form = ExtractForm if kind == "extract" else DecisionPointForm
    form = form(
        request.POST or None,
        initial={"text": obj.text, "kind": getattr(obj, "kind", None), "stage": getattr(obj, "stage", None)},
    )
    form.fields.pop("kind", None)
    form.fields.pop("stage", None)
    if request.method == "POST" and form.is_valid():
        services.text_edit(actor=request.user, obj=obj, text=form.cleaned_data["text"])
        messages.success(request, "Text saved.")
        return redirect("scrutiny:case-detail", obj.case_id)
    return render(
        request,
        "scrutiny/text_form.html",
        {
            "form": form,
            "kind": kind,
            "case_id": obj.case_id,
            "pseudonym": obj.case.pseudonym,
            "editing": True,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(GET_POST)
@scrutiny_view
def text_check(request: HttpRequest, kind: str, text_id: int) -> HttpResponse:
    obj = _text_or_404(request, kind, text_id)
    if not permissions.can_check_text(request.user, obj.case, obj.author_id):
        raise permissions.Refused(obj, panel_id=obj.case.panel_id)
    hits = services.open_hits(obj)
    form = CheckForm(request.POST or None, hits=hits)
    if request.method == "POST" and form.is_valid():
        try:
            services.text_confirm(
                actor=request.user, obj=obj, redactions=form.decisions(), reasons=form.reasons()
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Check recorded. Redacted parts show as marked blocks.")
            return redirect("scrutiny:case-detail", obj.case_id)
    return render(
        request,
        "scrutiny/text_check.html",
        {
            "form": form,
            "errors_form": form,
            "marked": _marked(obj.text, hits),
            "caption": f"Case {obj.case.pseudonym}",
            "back_url": reverse("scrutiny:case-detail", args=[obj.case_id]),
            "back_label": "Back to the case",
        },
        status=400 if form.errors else 200,
    )


def _marked(text: str, hits: list[Any]) -> list[dict[str, Any]]:
    """The text split into plain runs and numbered possible identifiers (for the checker only)."""
    marked = []
    position = 0
    for index, hit in enumerate(hits):
        marked.append({"text": text[position : hit.start]})
        marked.append({"hit": text[hit.start : hit.end], "number": index + 1, "label": hit.label})
        position = hit.end
    marked.append({"text": text[position:]})
    return marked


MEETING_TEXTS = {"finding": "finding", "action": "action"}


@require_http_methods(GET_POST)
@scrutiny_view
def meeting_text_check(request: HttpRequest, kind: str, text_id: int) -> HttpResponse:
    """The second person's check of a held finding or action: decide each possible identifier
    (keep or redact with a reason), or rewrite the text without them."""
    if kind not in MEETING_TEXTS:
        raise Http404
    if kind == "finding":
        obj: Any = selectors.finding_get(viewer=request.user, finding_id=text_id)
        meeting = obj.meeting if obj is not None else None
    else:
        obj = selectors.action_get(viewer=request.user, action_id=text_id)
        meeting = obj.finding.meeting if obj is not None else None
    if obj is None or meeting is None:
        raise Http404
    case_id = obj.case_id if kind == "finding" else obj.finding.case_id
    if not permissions.can_check_meeting_text(request.user, meeting.panel_id, obj.author_id_value, case_id):
        raise permissions.Refused(obj, panel_id=meeting.panel_id, meeting_id=meeting.pk)
    if obj.is_releasable:
        messages.success(request, "This text has no possible identifiers waiting for a check.")
        return redirect("scrutiny:meeting-detail", meeting.pk)
    text = getattr(obj, obj.checked_field)
    hits = services.open_hits(obj)
    editing = request.method == "POST" and request.POST.get("edit") == "yes"
    form = CheckForm(request.POST if request.method == "POST" and not editing else None, hits=hits)
    edit_form = HeldTextForm(request.POST if editing else None, initial={"text": text})
    bound = edit_form if editing else form
    if request.method == "POST" and bound.is_valid():
        try:
            if editing:
                obj = services.meeting_text_edit(
                    actor=request.user, obj=obj, text=edit_form.cleaned_data["text"]
                )
            else:
                obj = services.meeting_text_confirm(
                    actor=request.user, obj=obj, redactions=form.decisions(), reasons=form.reasons()
                )
        except ValidationError as exc:
            _form_errors(bound, exc)
        else:
            if obj.is_releasable:
                messages.success(
                    request, "Check recorded. The panel now sees the text; redactions show as marked blocks."
                )
            else:
                messages.warning(request, "The text still has possible identifiers and stays held back.")
            anchor = obj.pk if kind == "finding" else obj.finding_id
            return redirect(f"{reverse('scrutiny:meeting-detail', args=[meeting.pk])}#finding-{anchor}")
    return render(
        request,
        "scrutiny/text_check.html",
        {
            "form": form,
            "edit_form": edit_form,
            "errors_form": bound,
            "marked": _marked(text, hits),
            "caption": "Meeting finding" if kind == "finding" else "Meeting action",
            "back_url": reverse("scrutiny:meeting-detail", args=[meeting.pk]),
            "back_label": "Back to the meeting",
        },
        status=400 if bound.errors else 200,
    )


# Reviews ------------------------------------------------------------------------------------------


@require_http_methods(GET_POST)
@scrutiny_view
def review_submit(request: HttpRequest, case_id: int, meeting_id: int) -> HttpResponse:
    case = _case_or_404(request, case_id)
    meeting = _meeting_or_404(request, meeting_id)
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
        try:
            services.review_submit(
                actor=request.user,
                case=case,
                meeting=meeting,
                score=form.cleaned_data["score"],
                assessments=form.assessments(),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
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


# Meetings -----------------------------------------------------------------------------------------


def meeting_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    """The meeting as this viewer may see it (also the live fragment's context)."""
    audience = permissions.audience_for(request.user, meeting)
    agenda = selectors.meeting_agenda(meeting=meeting, viewer=request.user)
    findings = selectors.meeting_findings(meeting=meeting, viewer=request.user)
    is_chair = permissions.can_chair(request.user, meeting)
    access = permissions.case_access_map(request.user, [item.case for item in agenda])
    chaired = permissions.chaired_case_ids(
        request.user,
        meeting,
        [item.case_id for item in agenda],
        acting=[item.case_id for item in agenda if getattr(item, "viewer_acting", False)],
    )
    rows = [
        presenters.agenda_row(
            item,
            audience,
            permissions.audience_for(request.user, item.case),
            can_open=access.get(item.case.pk) == CaseAccess.ALLOWED,
            can_score=item.case_id in chaired,
        )
        for item in agenda
    ]
    finding_rows = []
    for f in findings:
        row = presenters.finding_view(
            f,
            audience,
            lambda obj: permissions.can_check_meeting_text(
                request.user,
                meeting.panel_id,
                obj.author_id_value,
                obj.case_id if hasattr(obj, "case_id") else obj.finding.case_id,
            ),
        )
        row["can_add_action"] = f.case_id in chaired
        finding_rows.append(row)
    return {
        "meeting": presenters.meeting_row(meeting, audience),
        "meeting_id": meeting.pk,
        "panel": presenters.panel_heading(meeting.panel, audience),
        "panel_id": meeting.panel_id,
        "agenda": rows,
        "show_review_counts": any("review_count" in row for row in rows),
        "attendance": presenters.attendance_rows(selectors.meeting_attendance(meeting=meeting), audience),
        "findings": finding_rows,
        "is_chair": is_chair,
        "can_record_findings": meeting.status != MeetingStatus.CLOSED and (is_chair or bool(chaired)),
        "can_appoint_acting_chair": permissions.can_appoint_acting_chair(request.user, meeting),
        "is_coordinator": audience == Audience.COORDINATOR,
        "can_join": permissions.can_attend(request.user, meeting),
        "is_closed": meeting.status == MeetingStatus.CLOSED,
        "is_planned": meeting.status == MeetingStatus.PLANNED,
        "score_form": AgreedScoreForm(),
        "can_promote": any(permissions.can_promote_finding(request.user, f.kind) for f in findings),
        "audience": audience,
    }


@require_GET
@scrutiny_view
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(request, meeting_id)
    context = meeting_context(request, meeting)
    _log_view(request, meeting, context["audience"], meeting.panel_id, meeting.pk)
    if context["is_coordinator"] and not context["is_closed"]:
        candidates, more = selectors.agenda_candidates(viewer=request.user, meeting=meeting)
        context["addable"] = [{"id": pk, "pseudonym": pseudonym} for pk, pseudonym in candidates]
        context["addable_more"] = more
    return render(request, "scrutiny/meeting_detail.html", context)


@require_GET
@scrutiny_view
def meeting_fragment(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The live part of the meeting page, re-fetched by the browser when a live event arrives."""
    meeting = _meeting_or_404(request, meeting_id)
    context = meeting_context(request, meeting)
    _log_view(request, meeting, context["audience"], meeting.panel_id, meeting.pk)
    return render(request, "scrutiny/includes/meeting_live.html", context)


def _meeting_action(request: HttpRequest, meeting_id: int, call: Any, success: str) -> HttpResponse:
    meeting = _meeting_or_404(request, meeting_id)
    try:
        call(meeting)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("scrutiny:meeting-detail", meeting.pk)


@require_POST
@scrutiny_view
def agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(request, meeting_id)
    if not permissions.can_coordinate(request.user, meeting.panel):
        raise PermissionDenied
    pseudonym = request.POST.get("pseudonym", "").strip()
    if pseudonym:  # typed in, for a case beyond the listed choices
        case = selectors.case_by_pseudonym(viewer=request.user, panel=meeting.panel, pseudonym=pseudonym)
    else:
        try:
            case_id = int(request.POST.get("case", ""))
        except ValueError:
            case_id = 0
        case = selectors.case_get(viewer=request.user, case_id=case_id)
    if case is None:
        messages.error(request, "Choose a released case of this panel.")
        return redirect("scrutiny:meeting-detail", meeting.pk)
    return _meeting_action(
        request,
        meeting_id,
        lambda m: services.agenda_add(actor=request.user, meeting=m, case=case),
        "Case added to the agenda.",
    )


@require_POST
@scrutiny_view
def meeting_start(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(request, meeting_id)
    if not permissions.can_chair(request.user, meeting):
        raise PermissionDenied
    return _meeting_action(
        request,
        meeting_id,
        lambda m: services.meeting_start(actor=request.user, meeting=m),
        "The meeting is in session.",
    )


@require_POST
@scrutiny_view
def meeting_close(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(request, meeting_id)
    if not permissions.can_chair(request.user, meeting):
        raise PermissionDenied
    return _meeting_action(
        request,
        meeting_id,
        lambda m: services.meeting_close(actor=request.user, meeting=m),
        "Meeting closed. Cases scored 4 carry over to the next meeting.",
    )


@require_POST
@scrutiny_view
def meeting_join(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(request, meeting_id)
    if not permissions.can_attend(request.user, meeting):
        raise PermissionDenied
    return _meeting_action(
        request,
        meeting_id,
        lambda m: services.attendance_join(actor=request.user, meeting=m),
        "You are marked as present.",
    )


@require_POST
@scrutiny_view
def agreed_score(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.agenda_item_get(viewer=request.user, item_id=item_id)
    if item is None:
        raise Http404
    if not permissions.can_chair_case(request.user, item.meeting, item.case_id):
        raise permissions.Refused(item, panel_id=item.meeting.panel_id, meeting_id=item.meeting_id)
    form = AgreedScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an agreed score from 1 to 4.")
    else:
        services.agreed_score_record(actor=request.user, item=item, score=form.cleaned_data["score"])
        messages.success(request, "Agreed score recorded.")
    return redirect("scrutiny:meeting-detail", item.meeting_id)


@require_http_methods(GET_POST)
@scrutiny_view
def finding_create(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(request, meeting_id)
    if not permissions.can_record_findings(request.user, meeting):
        raise permissions.Refused(meeting, panel_id=meeting.panel_id, meeting_id=meeting.pk)
    # Only the cases the viewer chairs: never one they declared involvement in (not even listed).
    agenda = selectors.meeting_agenda(meeting=meeting, viewer=request.user)
    chaired = permissions.chaired_case_ids(
        request.user,
        meeting,
        [item.case_id for item in agenda],
        acting=[item.case_id for item in agenda if getattr(item, "viewer_acting", False)],
    )
    agenda = [item for item in agenda if item.case_id in chaired]
    form = FindingForm(
        request.POST or None, case_choices=[(item.case.pk, item.case.pseudonym) for item in agenda]
    )
    if request.method == "POST" and form.is_valid():
        case = next(item.case for item in agenda if item.case.pk == form.cleaned_data["case"])
        try:
            finding = services.finding_record(
                actor=request.user,
                meeting=meeting,
                case=case,
                theme=form.cleaned_data["theme"],
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if finding.is_releasable:
                messages.success(request, "Finding recorded. Add an action for it if one was agreed.")
            else:
                messages.warning(request, HELD_MESSAGE)
            return redirect(f"{reverse('scrutiny:meeting-detail', args=[meeting.pk])}#finding-{finding.pk}")
    return render(
        request,
        "scrutiny/finding_form.html",
        {"form": form, "meeting_id": meeting.pk},
        status=400 if form.errors else 200,
    )


@require_http_methods(GET_POST)
@scrutiny_view
def acting_chair(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A chair who declared involvement in a case (or the coordinator) hands that case's chairing
    to another member for this meeting. The chair sees the case by pseudonym only."""
    meeting = _meeting_or_404(request, meeting_id)
    if not permissions.can_appoint_acting_chair(request.user, meeting):
        raise permissions.Refused(meeting, panel_id=meeting.panel_id, meeting_id=meeting.pk)
    audience = permissions.audience_for(request.user, meeting)
    items, members = selectors.acting_chair_choices(viewer=request.user, meeting=meeting)
    form = ActingChairForm(
        _posted(request),
        items=[(item.pk, item.case.pseudonym) for item in items],
        members=presenters.member_choices(members, audience),
    )
    if request.method == "POST" and form.is_valid():
        item = selectors.acting_chair_item(
            viewer=request.user, meeting=meeting, item_id=form.cleaned_data["item"]
        )
        membership = selectors.acting_chair_membership(
            meeting=meeting, membership_id=form.cleaned_data["membership"]
        )
        if item is None or membership is None:
            form.add_error(None, "Choose a case of this meeting and a member of this panel.")
        else:
            try:
                services.acting_chair_appoint(actor=request.user, item=item, membership=membership)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "The chairing of that case was handed over for this meeting.")
                return redirect("scrutiny:meeting-detail", meeting.pk)
    return render(
        request,
        "scrutiny/acting_chair.html",
        {
            "form": form,
            "meeting_id": meeting.pk,
            "items": [presenters.acting_chair_row(item, audience) for item in items],
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(GET_POST)
@scrutiny_view
def action_create(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_get(viewer=request.user, finding_id=finding_id)
    if finding is None:
        raise Http404
    if not permissions.can_chair_case(request.user, finding.meeting, finding.case_id):
        raise permissions.Refused(finding, panel_id=finding.meeting.panel_id, meeting_id=finding.meeting_id)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_record(actor=request.user, finding=finding, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if action.is_releasable:
                messages.success(request, "Action recorded; the owner agency's panel members are notified.")
            else:
                messages.warning(request, HELD_MESSAGE)
            return redirect("scrutiny:meeting-detail", finding.meeting_id)
    return render(
        request,
        "scrutiny/action_form.html",
        {"form": form, "meeting_id": finding.meeting_id, "finding_id": finding.pk},
        status=400 if form.errors else 200,
    )


@require_http_methods(GET_POST)
@scrutiny_view
def action_update(request: HttpRequest, action_id: int) -> HttpResponse:
    action = selectors.action_get(viewer=request.user, action_id=action_id)
    if action is None:
        raise Http404
    meeting = action.finding.meeting
    if not permissions.can_update_action(request.user, action, meeting.panel_id):
        raise permissions.Refused(action, panel_id=meeting.panel_id, meeting_id=meeting.pk)
    form = ActionUpdateForm(request.POST or None, initial={"status": action.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Action updated.")
            return redirect("scrutiny:meeting-detail", meeting.pk)
    audience = permissions.audience_for(request.user, meeting)
    return render(
        request,
        "scrutiny/action_update.html",
        {
            "form": form,
            "action": presenters.action_view(action, audience),
            "action_id": action.pk,
            "meeting_id": meeting.pk,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@scrutiny_view
def finding_promote(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_get(viewer=request.user, finding_id=finding_id)
    if finding is None:
        raise Http404
    if not permissions.can_promote_finding(request.user, finding.kind):
        raise permissions.Refused(finding, panel_id=finding.meeting.panel_id, meeting_id=finding.meeting_id)
    try:
        with transaction.atomic():
            services.finding_promote(actor=request.user, finding=finding)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, "A draft guidance page was created from this finding for editing and approval."
        )
    return redirect("scrutiny:meeting-detail", finding.meeting_id)


# Exports and the access log -----------------------------------------------------------------------

FINDING_COLUMNS = ("id", "meeting", "case", "theme", "kind", "text", "recorded_at", "recorded_by")
ACTION_COLUMNS = (
    "id",
    "finding",
    "description",
    "owner_agency",
    "owner_role",
    "due_on",
    "status",
    "overdue",
    "closed_at",
    "created_by",
)
ACCESS_COLUMNS = (
    "id",
    "at",
    "actor",
    "verb",
    "object_type",
    "object_id",
    "audience",
    "channel",
    "meeting_id",
)


def _export_format(fmt: str) -> str:
    if fmt not in exports.FORMATS:
        raise Http404
    return fmt


@require_GET
@scrutiny_view
def findings_export(request: HttpRequest, panel_id: int, fmt: str) -> HttpResponse:
    fmt = _export_format(fmt)
    panel = _panel_or_404(request, panel_id)
    if not permissions.can_export_findings(request.user, panel):
        raise permissions.Refused(
            panel, panel_id=panel.pk, audience=permissions.panel_audience(request.user, panel)
        )
    audience = permissions.panel_audience(request.user, panel)
    findings = selectors.panel_findings(viewer=request.user, panel=panel)
    rows = [presenters.labelled(type(f), redact(f, audience), "kind") for f in findings]
    services.access_record(
        actor=request.user,
        verb=AccessVerb.EXPORT,
        object_type="findings",
        audience=audience,
        channel=AccessChannel.EXPORT,
        panel_id=panel.pk,
    )
    return exports.respond(
        fmt=fmt,
        filename=f"findings-panel-{panel.pk}",
        columns=FINDING_COLUMNS,
        rows=exports.table(rows, FINDING_COLUMNS),
        user=request.user,
    )


@require_GET
@scrutiny_view
def actions_export(request: HttpRequest, panel_id: int, fmt: str) -> HttpResponse:
    fmt = _export_format(fmt)
    panel = _panel_or_404(request, panel_id)
    if not permissions.can_export_findings(request.user, panel):
        raise permissions.Refused(
            panel, panel_id=panel.pk, audience=permissions.panel_audience(request.user, panel)
        )
    audience = permissions.panel_audience(request.user, panel)
    actions = selectors.panel_actions(viewer=request.user, panel=panel)
    rows = []
    for action in actions:
        row = redact(action, audience)
        row["overdue"] = "yes" if ("status" in row and action.is_overdue()) else ""
        rows.append(row)
    services.access_record(
        actor=request.user,
        verb=AccessVerb.EXPORT,
        object_type="actions",
        audience=audience,
        channel=AccessChannel.EXPORT,
        panel_id=panel.pk,
    )
    return exports.respond(
        fmt=fmt,
        filename=f"actions-panel-{panel.pk}",
        columns=ACTION_COLUMNS,
        rows=exports.table(rows, ACTION_COLUMNS),
        user=request.user,
    )


@require_GET
@scrutiny_view
def aggregate_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Suppressed scrutiny figures of every scope the viewer may fetch (scrutiny.governance.figures:
    the same publication and scopes as the dashboards and the API)."""
    fmt = _export_format(fmt)
    if not permissions.can_export_aggregate(request.user):
        raise PermissionDenied
    rows = [list(row) for row in governance_figures.aggregate_rows(viewer=request.user)]
    services.access_record(
        actor=request.user,
        verb=AccessVerb.EXPORT,
        object_type="aggregate",
        audience="aggregate",
        channel=AccessChannel.EXPORT,
    )
    return exports.respond(
        fmt=fmt,
        filename="scrutiny-figures",
        columns=AGGREGATE_COLUMNS,
        rows=exports.table(
            (dict(zip(AGGREGATE_COLUMNS, row, strict=True)) for row in rows), AGGREGATE_COLUMNS
        ),
        user=request.user,
    )


AGGREGATE_COLUMNS = ("scope", "section", "measure", "breakdown", "value")


@require_GET
@scrutiny_view
def access_log(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _panel_or_404(request, panel_id)
    if not permissions.can_view_access_log(request.user, panel):
        raise permissions.Refused(panel, panel_id=panel.pk)
    rows = presenters.access_rows(
        selectors.access_events(viewer=request.user, panel=panel), Audience.COORDINATOR
    )
    _log_view(request, panel, Audience.COORDINATOR, panel.pk)
    return render(
        request,
        "scrutiny/access_log.html",
        {"panel": presenters.panel_view(panel, Audience.COORDINATOR), "panel_id": panel.pk, "events": rows},
    )


@require_GET
@scrutiny_view
def access_log_export(request: HttpRequest, panel_id: int, fmt: str) -> HttpResponse:
    fmt = _export_format(fmt)
    panel = _panel_or_404(request, panel_id)
    if not permissions.can_view_access_log(request.user, panel):
        raise permissions.Refused(panel, panel_id=panel.pk)
    rows = [
        redact(e, Audience.COORDINATOR)
        for e in selectors.access_events(viewer=request.user, panel=panel, limit=100_000)
    ]
    services.access_record(
        actor=request.user,
        verb=AccessVerb.EXPORT,
        object_type="access_log",
        audience=Audience.COORDINATOR,
        channel=AccessChannel.EXPORT,
        panel_id=panel.pk,
    )
    return exports.respond(
        fmt=fmt,
        filename=f"access-log-panel-{panel.pk}",
        columns=ACCESS_COLUMNS,
        rows=exports.table(rows, ACCESS_COLUMNS),
        user=request.user,
    )


# Legal hold --------------------------------------------------------------------------------------------


def _hold_target(request: HttpRequest, kind: str, pk: int) -> Case | Meeting:
    """The record whose hold the viewer manages. Someone who may see it but not hold it gets a 403
    (audited as a refusal); anyone else a 404, with no hint the record exists."""
    target = selectors.legal_hold_target(viewer=request.user, kind=kind, pk=pk)
    if target is not None:
        return target
    visible = (
        selectors.case_get(viewer=request.user, case_id=pk)
        if kind == "case"
        else selectors.meeting_get(viewer=request.user, meeting_id=pk)
    )
    if visible is None:
        raise Http404
    services.legal_hold_audit(actor=request.user, target=visible, verb=AccessVerb.REFUSED)
    raise PermissionDenied


def _legal_hold_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _hold_target(request, kind, pk)
    form = LegalHoldForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        call = services.legal_hold_set if form.cleaned_data["action"] == "set" else services.legal_hold_clear
        try:
            call(actor=request.user, target=target, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            done = "placed" if form.cleaned_data["action"] == "set" else "cleared"
            messages.success(request, f"Legal hold {done}.")
            return redirect(request.path)
    if request.method == "GET":
        services.legal_hold_audit(actor=request.user, target=target, verb=AccessVerb.VIEW)
    can_open = (
        permissions.can_coordinate(request.user, target.panel)
        if kind == "case"
        else permissions.can_view_meeting(request.user, target)
    )
    return render(
        request,
        "scrutiny/legal_hold.html",
        {
            "form": form,
            "kind": kind,
            "label": presenters.legal_hold_target_label(target),
            "on_hold": target.legal_hold,
            "holds": presenters.legal_hold_rows(selectors.legal_hold_history(target=target)),
            "back_url": reverse(f"scrutiny:{kind}-detail", args=[target.pk]) if can_open else "",
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(GET_POST)
@scrutiny_view
def case_legal_hold(request: HttpRequest, case_id: int) -> HttpResponse:
    return _legal_hold_page(request, "case", case_id)


@require_http_methods(GET_POST)
@scrutiny_view
def meeting_legal_hold(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return _legal_hold_page(request, "meeting", meeting_id)


@require_GET
@scrutiny_view
def legal_hold_list(request: HttpRequest) -> HttpResponse:
    """Active holds on the records the viewer may hold, and a look-up by case reference (how a
    platform administrator, who cannot open cases, reaches a case's hold page)."""
    if not permissions.can_list_legal_holds(request.user):
        raise PermissionDenied
    form = LegalHoldLookupForm(request.GET if "case" in request.GET else None)
    if form.is_bound and form.is_valid():
        case = selectors.legal_hold_lookup(viewer=request.user, pseudonym=form.cleaned_data["case"])
        if case is not None:
            return redirect("scrutiny:case-legal-hold", case.pk)
        form.add_error("case", "There is no case with that reference that you can place on hold.")
    holds = selectors.legal_hold_active(viewer=request.user)
    rows = [
        {
            "label": presenters.legal_hold_target_label(hold.case or hold.meeting),
            "url": reverse("scrutiny:case-legal-hold", args=[hold.case_id])
            if hold.case_id
            else reverse("scrutiny:meeting-legal-hold", args=[hold.meeting_id]),
            "set_at": hold.set_at,
        }
        for hold in holds
    ]
    return render(
        request,
        "scrutiny/legal_hold_list.html",
        {"form": form, "rows": rows},
        status=400 if form.errors else 200,
    )
