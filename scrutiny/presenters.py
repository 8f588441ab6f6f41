"""Display-ready values for scrutiny pages, built only from `redact` output: a template can print
what a presenter gives it and nothing else. Choice codes become labels; confirmed redactions
become visible blocks with their reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format

from scrutiny.models import (
    REDACTION_TOKEN,
    AccessEvent,
    Action,
    ActionUpdate,
    AgendaItem,
    Case,
    CaseKey,
    DecisionAssessment,
    DecisionPoint,
    Extract,
    Finding,
    Meeting,
    MeetingAttendance,
    Panel,
    PanelMembership,
    RedactionReason,
    Review,
    Vulnerability,
)
from scrutiny.redaction import Audience, label, person_name, redact

MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class Segment:
    text: str = ""
    redacted: str = ""  # the reason label when this segment is a redaction block


def segments(text: str | None) -> list[Segment]:
    """Split text into plain runs and visible redaction blocks."""
    if not text:
        return []
    out: list[Segment] = []
    position = 0
    for match in REDACTION_TOKEN.finditer(text):
        if match.start() > position:
            out.append(Segment(text=text[position : match.start()]))
        out.append(Segment(redacted=label_reason(match.group(1))))
        position = match.end()
    if position < len(text):
        out.append(Segment(text=text[position:]))
    return out


def label_reason(code: str) -> str:
    return str(dict(RedactionReason.choices).get(code, "Redacted"))


def labelled(model: type, data: dict[str, Any], *names: str) -> dict[str, Any]:
    for name in names:
        if name in data:
            data[f"{name}_label"] = label(model, name, data[name])
    return data


def panel_view(panel: Panel, audience: Audience | None) -> dict[str, Any]:
    data = redact(panel, audience)
    forces = data.get("police_forces")
    # Names (a list) or a generalised count (a sentence), as the policy gives this audience.
    data["police_forces_text"] = ", ".join(forces) if isinstance(forces, list) else (forces or "")
    return data


def panel_heading(panel: Panel, audience: Audience | None) -> dict[str, Any]:
    """The panel as a page heading (its id and name only, as the policy gives them): no police
    forces to load."""
    return redact(panel, audience, only=("id", "name"))


def membership_rows(memberships: list[PanelMembership], audience: Audience | None) -> list[dict[str, Any]]:
    return [labelled(PanelMembership, redact(m, audience), "role") for m in memberships]


def meeting_row(meeting: Meeting, audience: Audience | None) -> dict[str, Any]:
    data = labelled(Meeting, redact(meeting, audience), "status")
    data["case_count"] = getattr(meeting, "case_count", None)
    return data


def case_stub(case: Case) -> dict[str, Any]:
    """What the panel sees of a case it may not open yet (no agreement or declaration, or
    declared involvement): its pseudonym only."""
    return {"id": case.pk, "pseudonym": case.pseudonym, "closed": True}


def case_row(case: Case, audience: Audience | None, *, can_open: bool = True) -> dict[str, Any]:
    if not can_open:
        return case_stub(case)
    data = labelled(
        Case,
        redact(case, audience),
        "offence_category",
        "outcome",
        "selection_reason",
        "victim_age_band",
        "suspect_age_band",
        "relationship",
        "status",
    )
    if "vulnerability_flags" in data:
        labels = dict(Vulnerability.choices)
        data["vulnerability_labels"] = [str(labels.get(v, v)) for v in data["vulnerability_flags"]]
    return data


def key_view(key: CaseKey | None, audience: Audience | None) -> dict[str, Any]:
    return redact(key, audience) if key is not None else {}


def text_view(obj: DecisionPoint | Extract, audience: Audience | None) -> dict[str, Any]:
    data = redact(obj, audience)
    if isinstance(obj, DecisionPoint):
        labelled(DecisionPoint, data, "stage", "check_status")
    else:
        labelled(Extract, data, "kind", "check_status")
    if "text" in data:
        data["withheld"] = data["text"] is None
        data["segments"] = segments(data["text"])
    return data


def review_view(review: Review, audience: Audience | None) -> dict[str, Any]:
    data = labelled(Review, redact(review, audience), "panel_role", "score")
    data["assessments"] = [
        labelled(DecisionAssessment, redact(a, audience), "assessment") for a in review.assessments.all()
    ]
    return data


def agenda_row(
    item: AgendaItem,
    audience: Audience | None,
    case_audience: Audience | None,
    *,
    can_open: bool,
    can_score: bool = False,
) -> dict[str, Any]:
    """`can_score`: the viewer chairs this case (permissions.chaired_case_ids). The review count is
    there only when the selector gave one (an audience that sees reviews) and the viewer may open
    the case: a count is derived from the reviews and goes no further than they do."""
    data = labelled(AgendaItem, redact(item, audience), "agreed_score")
    data["case"] = case_row(item.case, case_audience, can_open=can_open)
    if can_open and hasattr(item, "review_count"):
        data["review_count"] = item.review_count
    data["can_score"] = can_score
    return data


def member_choices(memberships: list[PanelMembership], audience: Audience | None) -> list[tuple[int, str]]:
    """(membership id, label) as the policy lets `audience` name members: the coordinator by name
    and role, others by role only (numbered when a role repeats)."""
    out: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for membership in memberships:
        data = redact(membership, audience)
        if audience == Audience.COORDINATOR:
            text = f"{person_name(membership.user, membership)} ({membership.get_role_display()})"
        else:
            role = label(PanelMembership, "role", data.get("role"))
            seen[role] = seen.get(role, 0) + 1
            text = f"{role} {seen[role]}"
        out.append((membership.pk, text))
    return out


def acting_chair_row(item: AgendaItem, audience: Audience | None) -> dict[str, Any]:
    """A case whose chairing can be handed over: its pseudonym, and who chairs it now (by role)."""
    acting = getattr(item, "acting_chair", None) if hasattr(item, "acting_chair") else None
    return {
        "id": item.pk,
        "pseudonym": item.case.pseudonym,
        "acting": redact(acting, audience).get("membership") if acting is not None else None,
    }


def attendance_rows(rows: list[MeetingAttendance], audience: Audience | None) -> list[dict[str, Any]]:
    return [redact(row, audience) for row in rows]


def _held(data: dict[str, Any], name: str) -> dict[str, Any]:
    """Display values of a checked meeting text: withheld (None from the policy), held back from
    others (flagged, seen by the people who can check it), and segments with redaction blocks."""
    if name in data:
        data["withheld"] = data[name] is None
        data[f"{name}_segments"] = segments(data[name])
    # Seen only by the people who can check it: waiting for a second person (hits or not).
    data["held"] = data.get("check_status") in {"flagged", "clear"}
    return data


def action_view(
    action: Action, audience: Audience | None, can_check: Callable[[Any], bool] | None = None
) -> dict[str, Any]:
    data = _held(labelled(Action, redact(action, audience), "status"), "description")
    data["can_check"] = bool(data["held"] and can_check is not None and can_check(action))
    data["overdue"] = "status" in data and "due_on" in data and action.is_overdue(timezone.localdate())
    data["updates"] = [
        labelled(ActionUpdate, redact(update, audience), "status") for update in action.updates.all()
    ]
    return data


def finding_view(
    finding: Finding, audience: Audience | None, can_check: Callable[[Any], bool] | None = None
) -> dict[str, Any]:
    """`can_check(obj)` says whether the viewer may do the second-person check of a held text."""
    data = _held(labelled(Finding, redact(finding, audience), "kind"), "text")
    data["can_check"] = bool(data["held"] and can_check is not None and can_check(finding))
    data["actions"] = [action_view(action, audience, can_check) for action in finding.actions.all()]
    return data


def kanon_view(report: Any) -> dict[str, Any]:
    """The re-identification report for the coordinator: what the panel sees of each descriptive
    detail, how many cases would look alike if that detail were left out, and the suggestions."""
    from scrutiny.services import field_label

    def shown(value: Any, name: str) -> str:
        if ":" in name:  # related rows (decision points, extracts): already display text
            return str(value)
        if value is None or value == "":
            return "Not recorded"
        if isinstance(value, list):
            labels = dict(Vulnerability.choices)
            return ", ".join(str(labels.get(v, v)) for v in value) or "None recorded"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return label(Case, name, value) if not isinstance(value, int) else str(value)

    return {
        "matches": report.matches,
        "k": report.k,
        "passes": report.passes,
        "rows": [
            {
                "label": field_label(name),
                "shown": shown(value, name),
                "ignoring": report.ignoring.get(name),
                "distinguishing": name in report.distinguishing,
            }
            for name, value in report.shown.items()
        ],
        "suggestions": [
            {"fields": list(s.fields), "labels": s.labels, "matches": s.matches} for s in report.suggestions
        ],
    }


def override_rows(overrides: list[Any]) -> list[dict[str, Any]]:
    """Overrides for the coordinator (redact decides the fields; the name through the policy)."""
    return [
        {**redact(o, Audience.COORDINATOR), "kind_label": str(o.kind).replace("_", " ")} for o in overrides
    ]


def access_rows(rows: list[AccessEvent], audience: Audience | None) -> list[dict[str, Any]]:
    return [labelled(AccessEvent, redact(row, audience), "verb", "channel") for row in rows]


REMOVED_ACCOUNT = "A removed account"


def _hold_moment(value: Any) -> str:
    """A redacted moment (ISO text) as the hold pages print it, in local time."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value)
    return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "j F Y H:i")


def legal_hold_rows(holds: list[Any], audience: Audience | None) -> list[dict[str, Any]]:
    """A record's legal-hold history for the people who manage holds (coordinator, platform
    administrator), through the redaction policy: who set and cleared each hold, when and why.
    No case content."""
    rows = []
    for hold in holds:
        data = redact(hold, audience)
        cleared = data.get("cleared_at")
        rows.append(
            {
                "active": "cleared_at" in data and cleared is None,
                "reason": data.get("reason", ""),
                "set_by": data.get("set_by") or REMOVED_ACCOUNT,
                "set_at": _hold_moment(data.get("set_at")),
                "cleared_by": (data.get("cleared_by") or REMOVED_ACCOUNT) if cleared else "",
                "cleared_at": _hold_moment(cleared),
                "clear_reason": data.get("clear_reason", ""),
            }
        )
    return rows


def legal_hold_target_label(target: Any, audience: Audience | None) -> str:
    """How the hold pages name the record, through the redaction policy: a case by its
    pseudonym, a meeting by panel and date."""
    if isinstance(target, Case):
        pseudonym = redact(target, audience, only=("pseudonym",)).get("pseudonym")
        return f"Case {pseudonym}" if pseudonym else "A case"
    panel = redact(target.panel, audience, only=("name",)).get("name")
    held_on = redact(target, audience, only=("held_on",)).get("held_on")
    if not panel or not held_on:
        return "A meeting"
    return f"Meeting of {panel} on {dt.date.fromisoformat(held_on):%d %B %Y}"
