"""Case texts (extracts, decision points) and the second person's identifier check of texts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from agencies.errors import attach_to_form
from agencies.http import AuthenticatedHttpRequest
from scrutiny import permissions, selectors, services
from scrutiny.forms import (
    CheckForm,
    DecisionPointForm,
    ExtractForm,
    HeldTextForm,
)
from scrutiny.models import (
    DecisionPoint,
    Extract,
)
from scrutiny.reporting import scrutiny_view
from scrutiny.views.common import GET_POST, coordinated_case, submitted

TEXT_FORMS: dict[
    str, tuple[type[Extract] | type[DecisionPoint], type[ExtractForm] | type[DecisionPointForm]]
] = {"extract": (Extract, ExtractForm), "decision-point": (DecisionPoint, DecisionPointForm)}


@require_http_methods(GET_POST)
@scrutiny_view
def text_add(request: AuthenticatedHttpRequest, case_id: int, kind: str) -> HttpResponse:
    if kind not in TEXT_FORMS:
        raise Http404
    case = coordinated_case(request, case_id)
    if not permissions.can_edit_case(request.user, case):
        raise permissions.Refused(case, panel_id=case.panel_id)
    model, form_class = TEXT_FORMS[kind]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        text = data.pop("text")
        ok, obj = submitted(
            form, lambda: services.text_add(actor=request.user, case=case, model=model, text=text, **data)
        )
        if ok:
            if obj.check_status == "flagged":
                messages.warning(
                    request,
                    "This text may contain identifiers. The case cannot be released until another "
                    "coordinator, who has not edited it, checks it.",
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


def _text_or_404(request: AuthenticatedHttpRequest, kind: str, text_id: int) -> DecisionPoint | Extract:
    obj = selectors.text_get(viewer=request.user, kind=kind, text_id=text_id)
    if obj is None:
        raise Http404
    return obj


@require_http_methods(GET_POST)
@scrutiny_view
def text_edit(request: AuthenticatedHttpRequest, kind: str, text_id: int) -> HttpResponse:
    obj = _text_or_404(request, kind, text_id)
    if not permissions.can_edit_case(request.user, obj.case):
        raise permissions.Refused(obj, panel_id=obj.case.panel_id)
    form_class = ExtractForm if kind == "extract" else DecisionPointForm
    form = form_class(
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
def text_check(request: AuthenticatedHttpRequest, kind: str, text_id: int) -> HttpResponse:
    obj = _text_or_404(request, kind, text_id)
    if not permissions.can_check_text(request.user, obj.case, obj.writer_ids):
        raise permissions.Refused(obj, panel_id=obj.case.panel_id)
    hits = services.open_hits(obj)
    form = CheckForm(request.POST or None, hits=hits)
    if request.method == "POST" and form.is_valid():
        ok, _ = submitted(
            form,
            lambda: services.text_confirm(
                actor=request.user, obj=obj, redactions=form.decisions(), reasons=form.reasons()
            ),
        )
        if ok:
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
    marked: list[dict[str, Any]] = []
    position = 0
    for index, hit in enumerate(hits):
        marked.append({"text": text[position : hit.start]})
        marked.append({"hit": text[hit.start : hit.end], "number": index + 1, "label": hit.label})
        position = hit.end
    marked.append({"text": text[position:]})
    return marked


@require_http_methods(GET_POST)
@scrutiny_view
def meeting_text_check(request: AuthenticatedHttpRequest, kind: str, text_id: int) -> HttpResponse:
    """The second person's check of a held finding or action: decide each possible identifier
    (keep or redact with a reason), or rewrite the text without them."""
    if kind not in ("finding", "action"):
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
            attach_to_form(bound, exc)
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
