"""Permission matrix for every scrutiny URL and API endpoint: each role -> expected status on the
world of tests/scrutiny/conftest.py (panel "this" with a member of every role; panel "other" in
another area). tests/scrutiny/test_permission_matrix.py runs it; tests/test_url_coverage.py reads
COVERED_URL_NAMES.

Roles: anonymous; isva, host (no panel); coordinator (this panel's area); coordinator_other
(another area); panel_this (independent member), chair, presenting (member from the presenting
agency), observer, involved (declared involvement), not_accepted (has not accepted the agreement);
panel_other (member of the other panel, other agency); governance; evaluator; editor; admin.
Objects a role cannot reach at all are 404 (no hint they exist); actions on objects a role can see
but may not take are 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ROLES = (
    "anonymous",
    "isva",
    "host",
    "coordinator",
    "coordinator_other",
    "panel_this",
    "chair",
    "presenting",
    "observer",
    "involved",
    "not_accepted",
    "panel_other",
    "governance",
    "evaluator",
    "editor",
    "admin",
)
SITTING = ("panel_this", "chair", "presenting", "observer", "involved", "not_accepted")
OUTSIDERS = ("isva", "host", "coordinator_other", "panel_other", "evaluator", "editor", "admin")

OK, FOUND, BAD_REQUEST, UNAUTHORISED, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 400, 401, 403, 404, 405
CREATED = 201


def statuses(
    *,
    coordinator: int,
    sitting: int,
    governance: int,
    outsiders: int = NOT_FOUND,
    anonymous: int = FOUND,
    **per_role: int,
) -> dict[str, int]:
    out = {"anonymous": anonymous, "coordinator": coordinator, "governance": governance}
    out.update(dict.fromkeys(SITTING, sitting))
    out.update(dict.fromkeys(OUTSIDERS, outsiders))
    unknown = set(per_role) - set(ROLES)
    assert not unknown, unknown
    out.update(per_role)
    assert set(out) == set(ROLES)
    return out


@dataclass(frozen=True)
class Row:
    name: str
    statuses: dict[str, int]
    args: Callable[[Any], list[Any]] = lambda w: []
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] = lambda w: {}
    json: bool = False  # send data as a JSON body (API writes)


def _panel(w: Any) -> list[Any]:
    return [w.panel.pk]


def _case(w: Any) -> list[Any]:
    return [w.case.pk]


def _draft(w: Any) -> list[Any]:
    return [w.draft.pk]


def _meeting(w: Any) -> list[Any]:
    return [w.meeting.pk]


# Reading a case: the coordinator, and sitting members who accepted and declared no involvement.
# Involvement is a wall: a case the person declared involvement in answers 404, as if it did not
# exist (the refusal audited), and so does every record tied to it.
CASE_READ = statuses(coordinator=OK, sitting=OK, governance=NOT_FOUND, involved=NOT_FOUND, not_accepted=FOUND)
API_CASE_READ = statuses(
    coordinator=OK,
    sitting=OK,
    governance=NOT_FOUND,
    involved=NOT_FOUND,
    not_accepted=FORBIDDEN,
    anonymous=UNAUTHORISED,
)
PANEL_READ = statuses(coordinator=OK, sitting=OK, governance=OK)
API_PANEL_READ = statuses(coordinator=OK, sitting=OK, governance=OK, anonymous=UNAUTHORISED)
COORDINATOR_ONLY = statuses(coordinator=OK, sitting=FORBIDDEN, governance=FORBIDDEN)
DRAFT_ONLY_COORDINATOR = statuses(coordinator=OK, sitting=NOT_FOUND, governance=NOT_FOUND)
CHAIR_GET = statuses(coordinator=OK, sitting=FORBIDDEN, governance=FORBIDDEN, chair=OK)
CHAIR_POST = statuses(coordinator=FOUND, sitting=FORBIDDEN, governance=FORBIDDEN, chair=FOUND)
AGGREGATE = statuses(
    coordinator=OK, sitting=FORBIDDEN, governance=OK, outsiders=FORBIDDEN, coordinator_other=OK, evaluator=OK
)

ANY_COORDINATOR = statuses(
    coordinator=OK, sitting=FORBIDDEN, governance=FORBIDDEN, outsiders=FORBIDDEN, coordinator_other=OK
)
NOBODY = statuses(coordinator=FORBIDDEN, sitting=FORBIDDEN, governance=FORBIDDEN, outsiders=FORBIDDEN)
HELD_CHECK = statuses(coordinator=OK, sitting=FORBIDDEN, governance=FORBIDDEN, involved=NOT_FOUND)

ROWS: tuple[Row, ...] = (
    Row("scrutiny:panel-list", statuses(coordinator=OK, sitting=OK, governance=OK, outsiders=OK)),
    Row("scrutiny:agreement", statuses(coordinator=OK, sitting=OK, governance=OK, outsiders=OK)),
    Row("scrutiny:aggregate-export", AGGREGATE, args=lambda w: ["csv"]),
    # The platform-wide access audit: the data protection officer only (no role here has it; the
    # officer's own access is tests/scrutiny/test_dpo_audit.py).
    Row("scrutiny:audit-log", NOBODY),
    Row("scrutiny:audit-log-export", NOBODY),
    Row("scrutiny:panel-detail", PANEL_READ, args=_panel),
    # Creating panels and publishing agreements: any case coordinator (panels in their own area).
    Row("scrutiny:panel-create", ANY_COORDINATOR),
    Row("scrutiny:agreement-publish", ANY_COORDINATOR),
    Row("scrutiny:panel-edit", COORDINATOR_ONLY, args=_panel),
    Row(
        "scrutiny:panel-edit",
        statuses(coordinator=BAD_REQUEST, sitting=FORBIDDEN, governance=FORBIDDEN),
        args=_panel,
        method="post",
    ),
    Row(
        "scrutiny:membership-add",
        statuses(coordinator=BAD_REQUEST, sitting=FORBIDDEN, governance=FORBIDDEN),
        args=_panel,
        method="post",
    ),
    Row(
        "scrutiny:membership-end",
        statuses(coordinator=FOUND, sitting=NOT_FOUND, governance=NOT_FOUND),
        args=lambda w: [w.membership_of("independent").pk],
        method="post",
    ),
    Row(
        "scrutiny:meeting-create",
        statuses(coordinator=BAD_REQUEST, sitting=FORBIDDEN, governance=FORBIDDEN),
        args=_panel,
        method="post",
    ),
    Row("scrutiny:case-list", statuses(coordinator=OK, sitting=OK, governance=FORBIDDEN), args=_panel),
    Row("scrutiny:case-create", COORDINATOR_ONLY, args=_panel),
    Row("scrutiny:findings-export", PANEL_READ, args=lambda w: [w.panel.pk, "csv"]),
    Row("scrutiny:actions-export", PANEL_READ, args=lambda w: [w.panel.pk, "xlsx"]),
    Row("scrutiny:access-log", COORDINATOR_ONLY, args=_panel),
    Row("scrutiny:access-log-export", COORDINATOR_ONLY, args=lambda w: [w.panel.pk, "csv"]),
    Row("scrutiny:case-detail", CASE_READ, args=_case),
    Row("scrutiny:case-edit", DRAFT_ONLY_COORDINATOR, args=_draft),
    # Only the panel's coordinator chooses how coarsely members see a case; a member who may see the
    # case is refused (audited), anyone else finds nothing.
    Row(
        "scrutiny:case-generalise",
        statuses(coordinator=OK, sitting=FORBIDDEN, governance=NOT_FOUND, involved=NOT_FOUND),
        args=_case,
    ),
    Row(
        "scrutiny:case-declare",
        statuses(coordinator=FOUND, sitting=FOUND, governance=NOT_FOUND, involved=NOT_FOUND),
        args=_case,
    ),
    Row(
        "scrutiny:case-release",
        statuses(coordinator=FOUND, sitting=NOT_FOUND, governance=NOT_FOUND),
        args=_draft,
        method="post",
    ),
    # Legal hold: the panel's coordinator and a platform administrator; someone who can see the
    # record but not hold it gets a 403, anyone else a 404.
    Row(
        "scrutiny:case-legal-hold",
        statuses(coordinator=OK, sitting=FORBIDDEN, governance=NOT_FOUND, admin=OK, involved=NOT_FOUND),
        args=_case,
    ),
    Row(
        "scrutiny:case-legal-hold",
        statuses(coordinator=FOUND, sitting=FORBIDDEN, governance=NOT_FOUND, admin=FOUND, involved=NOT_FOUND),
        args=_case,
        method="post",
        data=lambda w: {"action": "set", "reason": "Inquiry request"},
    ),
    Row(
        "scrutiny:meeting-legal-hold",
        statuses(coordinator=OK, sitting=FORBIDDEN, governance=FORBIDDEN, admin=OK),
        args=_meeting,
    ),
    Row(
        "scrutiny:legal-hold-list",
        statuses(
            coordinator=OK,
            sitting=FORBIDDEN,
            governance=FORBIDDEN,
            outsiders=FORBIDDEN,
            coordinator_other=OK,
            admin=OK,
        ),
    ),
    Row("scrutiny:text-add", DRAFT_ONLY_COORDINATOR, args=lambda w: [w.draft.pk, "extract"]),
    Row("scrutiny:text-edit", DRAFT_ONLY_COORDINATOR, args=lambda w: ["extract", w.draft_text.pk]),
    Row(
        "scrutiny:text-check",
        statuses(coordinator=FORBIDDEN, sitting=NOT_FOUND, governance=NOT_FOUND),
        args=lambda w: ["extract", w.draft_text.pk],
    ),
    Row(
        "scrutiny:review-submit",
        statuses(
            coordinator=FORBIDDEN,
            sitting=OK,
            governance=NOT_FOUND,
            observer=FORBIDDEN,
            involved=NOT_FOUND,
            not_accepted=FORBIDDEN,
        ),
        args=lambda w: [w.case.pk, w.meeting.pk],
    ),
    Row("scrutiny:meeting-detail", PANEL_READ, args=_meeting),
    Row("scrutiny:meeting-fragment", PANEL_READ, args=_meeting),
    Row(
        "scrutiny:agenda-add",
        statuses(coordinator=FOUND, sitting=FORBIDDEN, governance=FORBIDDEN),
        args=_meeting,
        method="post",
    ),
    Row("scrutiny:meeting-start", CHAIR_POST, args=_meeting, method="post"),
    Row("scrutiny:meeting-close", CHAIR_POST, args=_meeting, method="post"),
    Row(
        "scrutiny:meeting-join",
        statuses(coordinator=FORBIDDEN, sitting=FOUND, governance=FORBIDDEN),
        args=_meeting,
        method="post",
    ),
    Row("scrutiny:finding-create", CHAIR_GET, args=_meeting),
    # Handing a case's chairing over: the coordinator, or a chair involved in one of the cases (the
    # world's chair is involved in none; tests/scrutiny/test_involvement.py covers that chair).
    Row("scrutiny:acting-chair", COORDINATOR_ONLY, args=_meeting),
    Row(
        "scrutiny:acting-chair",
        statuses(coordinator=BAD_REQUEST, sitting=FORBIDDEN, governance=FORBIDDEN),
        args=_meeting,
        method="post",
    ),
    Row(
        "scrutiny:agreed-score",
        {**CHAIR_POST, "involved": NOT_FOUND},
        args=lambda w: [w.meeting.agenda.first().pk],
        method="post",
        data=lambda w: {"score": "2"},
    ),
    Row("scrutiny:action-create", {**CHAIR_GET, "involved": NOT_FOUND}, args=lambda w: [w.finding.pk]),
    Row(
        "scrutiny:finding-promote",
        statuses(coordinator=FORBIDDEN, sitting=FORBIDDEN, governance=FOUND, involved=NOT_FOUND),
        args=lambda w: [w.finding.pk],
        method="post",
    ),
    Row("scrutiny:action-update", {**CHAIR_GET, "involved": NOT_FOUND}, args=lambda w: [w.action.pk]),
    # The second-person check of a held finding or action: the chair wrote them, so only the
    # coordinator may check (test_permission_matrix adds the held texts to the world).
    Row("scrutiny:meeting-text-check", HELD_CHECK, args=lambda w: ["finding", w.held_finding.pk]),
    Row("scrutiny:meeting-text-check", HELD_CHECK, args=lambda w: ["action", w.held_action.pk]),
    # API v1
    Row(
        "api-v1:scrutiny_panels",
        statuses(coordinator=OK, sitting=OK, governance=OK, outsiders=OK, anonymous=UNAUTHORISED),
    ),
    Row("api-v1:scrutiny_panel", API_PANEL_READ, args=_panel),
    Row("api-v1:scrutiny_meetings", API_PANEL_READ, args=_panel),
    Row("api-v1:scrutiny_meeting", API_PANEL_READ, args=_meeting),
    Row(
        "api-v1:scrutiny_cases",
        statuses(coordinator=OK, sitting=OK, governance=FORBIDDEN, anonymous=UNAUTHORISED),
        args=_panel,
    ),
    Row("api-v1:scrutiny_case", API_CASE_READ, args=_case),
    Row("api-v1:scrutiny_reviews", API_CASE_READ, args=_case),
    Row("api-v1:scrutiny_findings", API_PANEL_READ, args=_panel),
    Row("api-v1:scrutiny_actions", API_PANEL_READ, args=_panel),
    # The national figures: coordinators belong to an agency in an area, so, as on the dashboards,
    # they reach their own area's figures only (ADR 0012; tests/governance/test_aggregate_scope.py).
    Row(
        "api-v1:scrutiny_figures",
        {**AGGREGATE, "anonymous": UNAUTHORISED, "coordinator": FORBIDDEN, "coordinator_other": FORBIDDEN},
    ),
    # API writes: valid bodies, so the status is the permission decision (201 = it was done).
    Row(
        "api-v1:scrutiny_panel_create",
        {**ANY_COORDINATOR, "coordinator": CREATED, "coordinator_other": CREATED, "anonymous": UNAUTHORISED},
        method="post",
        json=True,
        data=lambda w: {
            "name": "Matrix panel",
            "code": "mxp",
            "terms_of_reference": "Terms.",
            "police_forces": [],
        },
    ),
    Row(
        "api-v1:scrutiny_panel_update",
        statuses(coordinator=OK, sitting=FORBIDDEN, governance=FORBIDDEN, anonymous=UNAUTHORISED),
        args=_panel,
        method="put",
        json=True,
        data=lambda w: {"name": "North test panel", "terms_of_reference": "New terms.", "police_forces": []},
    ),
    Row(
        "api-v1:scrutiny_member_add",
        statuses(coordinator=CREATED, sitting=FORBIDDEN, governance=FORBIDDEN, anonymous=UNAUTHORISED),
        args=_panel,
        method="post",
        json=True,
        # Someone who may sit on panels (an evaluator is refused: tests/scrutiny/test_membership.py).
        data=lambda w: {"email": w.users["other_panel_member"].email, "role": "observer"},
    ),
    Row(
        "api-v1:scrutiny_member_end",
        statuses(coordinator=OK, sitting=NOT_FOUND, governance=NOT_FOUND, anonymous=UNAUTHORISED),
        args=lambda w: [w.membership_of("independent").pk],
        method="post",
        json=True,
    ),
    Row(
        "api-v1:scrutiny_agreement_publish",
        {**ANY_COORDINATOR, "coordinator": CREATED, "coordinator_other": CREATED, "anonymous": UNAUTHORISED},
        method="post",
        json=True,
        data=lambda w: {"text": "Version two."},
    ),
)

COVERED_URL_NAMES: set[str] = {row.name for row in ROWS}
