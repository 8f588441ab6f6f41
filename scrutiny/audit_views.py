"""The platform-wide access audit for the data protection officer: every AccessEvent, with or
without a panel (agreements accepted, aggregate figures and exports, security of the log itself,
account security events: sign-ins, failed sign-ins, lockouts, MFA and role changes, chained by
scrutiny/audit/security.py), filterable by date, actor and verb, paginated, and exported as CSV.
Filtering by a person finds what they did and the security events about their account. Reading
and exporting it are themselves audited. The rows hold ids, kinds and channels, never case
content; the actor is named (the officer's question is who looked)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agencies.http import AuthenticatedHttpRequest
from agencies.models import User
from scrutiny import exports, permissions, services
from scrutiny.audit.security import security_label, subject_audience
from scrutiny.models import AccessChannel, AccessEvent, AccessVerb
from scrutiny.reporting import scrutiny_view

PAGE_SIZE = 50
EXPORT_LIMIT = 200_000
COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor",
    "verb",
    "description",
    "object_type",
    "object_id",
    "audience",
    "channel",
    "panel_id",
    "meeting_id",
    "row_hash",
)
DATE_HELP = "For example 2026-06-30"


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label="From", required=False, help_text=DATE_HELP, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To (inclusive)",
        required=False,
        help_text=DATE_HELP,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    actor = forms.CharField(
        label="Who (email address or account number)", required=False, max_length=254, strip=True
    )
    verb = forms.ChoiceField(label="What", required=False, choices=[("", "Any"), *AccessVerb.choices])

    def clean_actor(self) -> str:
        value = self.cleaned_data["actor"]
        if any(ord(c) < 32 for c in value):
            raise forms.ValidationError("Enter an email address or an account number.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be on or after the start date.")
        for name in ("date_from", "date_to"):
            value = data.get(name)
            if value and not dt.date(2000, 1, 1) <= value <= dt.date(9998, 12, 31):
                self.add_error(name, "Enter a date between 2000 and 9998.")
        return data


def audit_events(*, viewer: Any, filters: dict[str, Any]) -> QuerySet[AccessEvent]:
    """Every access event the filters match, newest first (the officer's only)."""
    if not permissions.can_review_audit(viewer):
        return AccessEvent.objects.none()
    rows = AccessEvent.objects.select_related("actor").order_by("-pk")
    if filters.get("date_from"):
        rows = rows.filter(at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        rows = rows.filter(at__date__lte=filters["date_to"])
    actor = filters.get("actor") or ""
    if actor.isdigit() and len(actor) < 19:
        rows = rows.filter(_by_or_about([int(actor)]))
    elif actor:
        people = list(User.objects.filter(email__iexact=actor).values_list("pk", flat=True))
        rows = rows.filter(_by_or_about(people))
    if filters.get("verb"):
        rows = rows.filter(verb=filters["verb"])
    return rows


def _by_or_about(user_ids: list[int]) -> Q:
    """What these accounts did, and the security events about them (a failed sign-in has no actor)."""
    about = Q(verb=AccessVerb.SECURITY, audience=subject_audience("user"), object_id__in=user_ids)
    return Q(actor_id__in=user_ids) | about


def _row(event: AccessEvent) -> dict[str, Any]:
    actor = event.actor
    return {
        "id": event.pk,
        "at": event.at,
        "actor_id": event.actor_id,
        "actor": (f"{actor.get_full_name() or 'account'} <{actor.email}>" if actor is not None else ""),
        "verb": event.verb,
        "verb_label": event.get_verb_display(),
        "description": security_label(event.object_type) if event.verb == AccessVerb.SECURITY else "",
        "object_type": event.object_type,
        "object_id": event.object_id,
        "audience": event.audience,
        "channel": event.channel,
        "channel_label": event.get_channel_display(),
        "panel_id": event.panel_id,
        "meeting_id": event.meeting_id,
        "row_hash": event.row_hash,
    }


def _form(request: AuthenticatedHttpRequest) -> AuditFilterForm:
    return AuditFilterForm(
        request.GET if any(k in request.GET for k in AuditFilterForm.base_fields) else None
    )


def _page_number(request: AuthenticatedHttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < len(value) < 7 else 1


@require_GET
@scrutiny_view
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_review_audit(request.user):
        raise PermissionDenied
    form = _form(request)
    valid = form.is_bound and form.is_valid()
    if form.is_bound and not valid:
        return render(request, "scrutiny/audit_log.html", {"form": form, "page": None}, status=400)
    filters = form.cleaned_data if valid else {}
    page = Paginator(audit_events(viewer=request.user, filters=filters), PAGE_SIZE).get_page(
        _page_number(request)
    )
    events = [_row(e) for e in page.object_list]
    services.access_record(
        actor=request.user,
        verb=AccessVerb.VIEW,
        object_type="audit_log",
        audience="data_protection_officer",
        channel=AccessChannel.PAGE,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "scrutiny/audit_log.html",
        {"form": form, "page": page, "events": events, "query": query.urlencode()},
    )


@require_GET
@scrutiny_view
def audit_log_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_review_audit(request.user):
        raise PermissionDenied
    form = _form(request)
    if form.is_bound and not form.is_valid():
        return render(request, "scrutiny/audit_log.html", {"form": form, "page": None}, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    rows = [_row(e) for e in audit_events(viewer=request.user, filters=filters)[:EXPORT_LIMIT]]
    services.access_record(
        actor=request.user,
        verb=AccessVerb.EXPORT,
        object_type="audit_log",
        audience="data_protection_officer",
        channel=AccessChannel.EXPORT,
    )
    return exports.respond(
        fmt="csv",
        filename="access-audit",
        columns=COLUMNS,
        rows=exports.table(rows, COLUMNS),
        user=request.user,
    )
