"""A complete scrutiny world for the matrices: one panel with a member of every role, a second
panel, released cases on a meeting agenda, reviews, a finding, an action and an update, with every
restricted text field seeded with a unique canary string."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from agencies.models import AgencyKind, User
from agencies.roles import Role
from scrutiny import services
from scrutiny.models import (
    ActionStatus,
    Case,
    CaseKey,
    CheckStatus,
    DecisionPoint,
    Extract,
    PanelRole,
)
from scrutiny.services import kanon
from tests.factories import AgencyFactory, UserFactory
from tests.factories.content import ThemeFactory
from tests.factories.scrutiny import AgreementFactory, ExtractFactory

CANARIES = {
    "urn": "zqxurn",
    "crime": "zqxcrime",
    "extract_ok": "zqxextractok",
    "extract_flagged": "zqxextractflagged",
    "decision": "zqxdecision",
    "notes": "zqxnotes",
    "finding": "zqxfinding",
    "action": "zqxaction",
    "owner": "zqxowner",
    "update": "zqxupdate",
    "terms": "zqxterms",
    "held_finding": "zqxheldfinding",
    "held_action": "zqxheldaction",
    "force_a": "zqxforcea",
    "force_b": "zqxforceb",
    "offence_month": "2023-05-01",
    "coordinator_name": "Zqxcoordname",
    "checker_name": "Zqxcheckername",
    "chair_name": "Zqxchairname",
    "reviewer_name": "Zqxreviewername",
}
# Whose own name each name canary is (a person always sees their own name in the account bar).
OWN_NAME = {
    "coordinator_name": "coordinator",
    "checker_name": "coordinator2",
    "chair_name": "chair",
    "reviewer_name": "cps_member",
    # A member's own agency is in their account bar.
    "force_a": "presenting",
    "force_b": "police_member",
}

CASE_FIELDS: dict[str, Any] = {
    "offence_category": "rape_adult",
    "outcome": "nfa_cps",
    "selection_reason": "random",
    "offence_month": dt.date(2023, 5, 1),
    "finalised_month": dt.date(2024, 9, 1),
    "months_to_charge_decision": 7,
    "victim_age_band": "25_34",
    "suspect_age_band": "35_54",
    "relationship": "acquaintance",
    "vulnerability_flags": ["mental_health"],
    "isva_involved": True,
}


def add_lookalike_rows(*, actor: User, case: Case, with_letter: bool = True) -> None:
    """The rows members see of the world's cases besides their summary (a charging-advice extract,
    a decision point at charging, a letter to the victim: the world's cases get theirs after
    release, as the defence-in-depth flagged letter): a case made to look like them needs these, as the
    re-identification check compares them (tests/scrutiny/test_kanon_related.py)."""
    services.text_add(actor=actor, case=case, model=Extract, kind="charging_advice", text="Advice was given.")
    services.text_add(actor=actor, case=case, model=DecisionPoint, stage="charging", text="Charging noted.")
    if with_letter:
        services.text_add(actor=actor, case=case, model=Extract, kind="victim_letter", text="A letter went.")


@dataclass
class World:
    users: dict[str, User]
    panel: Any
    other_panel: Any
    cases: list[Any]
    meeting: Any
    other_meeting: Any
    finding: Any
    action: Any
    flagged_extract: Any
    draft: Any = None
    draft_text: Any = None
    held_finding: Any = None
    held_action: Any = None
    objects: list[Any] = field(default_factory=list)

    @property
    def case(self) -> Any:
        return self.cases[0]


def _member(panel: Any, role: str, agency: Any, email: str, **names: str) -> User:
    user = UserFactory(email=email, agency=agency, roles=[Role.PANEL_MEMBER], **names)
    services.membership_add(actor=None, panel=panel, user=user, role=role)
    return user


def build_world(*, area: Any, other_area: Any, cps_agency: Any, coordinator: User, extra: int = 0) -> World:
    """Build the world. `extra` adds that many more released cases to the panel (query counts)."""
    coordinator.last_name = CANARIES["coordinator_name"]
    coordinator.save()
    police = AgencyFactory(
        name=f"Test Constabulary {CANARIES['force_a']}", kind=AgencyKind.POLICE_FORCE, area=area
    )
    police2 = AgencyFactory(
        name=f"Second Test Constabulary {CANARIES['force_b']}", kind=AgencyKind.POLICE_FORCE, area=area
    )
    isva_service = AgencyFactory(name="Panel ISVA Service", kind=AgencyKind.ISVA_SERVICE, area=area)
    independent = AgencyFactory(name="Independent Members", kind=AgencyKind.INDEPENDENT, area=area)
    other_police = AgencyFactory(
        name="Other Area Constabulary", kind=AgencyKind.POLICE_FORCE, area=other_area
    )
    agreement = AgreementFactory()
    panel = services.panel_create(
        name="North test panel",
        code="ntp",
        area=area,
        terms_of_reference=f"We review finalised cases {CANARIES['terms']} to learn.",
        police_forces=[police, police2],
    )
    other_panel = services.panel_create(
        name="South test panel", code="stp", area=other_area, terms_of_reference="Other panel terms."
    )
    coordinator2 = UserFactory(
        email="coordinator2@test-cps.example.org",
        agency=cps_agency,
        roles=[Role.CASE_COORDINATOR],
        last_name=CANARIES["checker_name"],
    )
    users = {
        "coordinator": coordinator,
        "coordinator2": coordinator2,
        "chair": _member(
            panel,
            PanelRole.CHAIR,
            independent,
            "chair@independent.example.org",
            last_name=CANARIES["chair_name"],
        ),
        "cps_member": _member(
            panel, PanelRole.CPS, cps_agency, "cps@test-cps.example.org", last_name=CANARIES["reviewer_name"]
        ),
        "presenting": _member(panel, PanelRole.POLICE, police, "officer@test-police.example.org"),
        "police_member": _member(panel, PanelRole.POLICE, police2, "officer@second-police.example.org"),
        "isva_member": _member(panel, PanelRole.ISVA, isva_service, "isva@panel-isva.example.org"),
        "independent": _member(panel, PanelRole.INDEPENDENT, independent, "member@independent.example.org"),
        "observer": _member(panel, PanelRole.OBSERVER, independent, "observer@independent.example.org"),
        "involved": _member(panel, PanelRole.INDEPENDENT, independent, "involved@independent.example.org"),
        "not_accepted": _member(panel, PanelRole.ISVA, isva_service, "new@panel-isva.example.org"),
        "other_panel_member": _member(
            other_panel, PanelRole.POLICE, other_police, "officer@other-police.example.org"
        ),
    }
    users["evaluator"] = UserFactory(
        email="evaluator@research.example.org",
        agency=AgencyFactory(name="Research Unit", kind=AgencyKind.NATIONAL, area=None),
        roles=[Role.EVALUATOR],
    )

    cases = []
    for _ in range(3 + extra):
        case = services.case_create(
            actor=coordinator,
            panel=panel,
            presenting_agency=police,
            cps_urn=CANARIES["urn"] if not cases else "",
            crime_number=CANARIES["crime"] if not cases else "",
            **CASE_FIELDS,
        )
        services.text_add(
            actor=coordinator, case=case, model=Extract, kind="summary", text="A clean summary of events."
        )
        cases.append(case)
    case = cases[0]
    confirmed = services.text_add(
        actor=coordinator,
        case=case,
        model=Extract,
        kind="charging_advice",
        text=f"Advice {CANARIES['extract_ok']} was given; the officer rang 07700 900123 afterwards.",
    )
    assert confirmed.check_status == CheckStatus.FLAGGED
    services.text_confirm(actor=coordinator2, obj=confirmed, redactions={0: "contact"})
    point = services.text_add(
        actor=coordinator,
        case=case,
        model=DecisionPoint,
        stage="charging",
        text=f"Charging {CANARIES['decision']}.",
    )
    # Members see the kinds of extracts and the stages of decision points (the re-identification
    # check compares them): the other cases have the same ones, so the first is not unique.
    for other in cases[1:]:
        add_lookalike_rows(actor=coordinator, case=other, with_letter=False)
    # The second person releases (no one releases their own case).
    cases = [services.case_release(actor=coordinator2, case=c) for c in cases]
    case = cases[0]
    # Defence in depth: a flagged text on a released case (not reachable through the services).
    flagged = ExtractFactory(
        case=case,
        kind="victim_letter",
        text=f"Letter {CANARIES['extract_flagged']} sent to SW1A 1AA.",
        check_status=CheckStatus.FLAGGED,
        identifier_kinds=["postcode"],
    )
    # The other cases have a letter to the victim too (members see the kind of a held text).
    for other in cases[1:]:
        ExtractFactory(
            case=other,
            kind="victim_letter",
            text="A letter was sent.",
            check_status=CheckStatus.CONFIRMED,
            checked_by=coordinator2,
        )
    draft = services.case_create(actor=coordinator, panel=panel, presenting_agency=police, **CASE_FIELDS)
    draft_text = services.text_add(
        actor=coordinator, case=draft, model=Extract, kind="summary", text="Seen at 12 Long Road, LS1 4AB."
    )
    add_lookalike_rows(actor=coordinator, case=draft)
    # Adding texts does not re-run the re-identification check (services/texts.py): refresh the
    # flag the draft got at creation, before it had any rows.
    kanon.kanon_refresh(draft)
    meeting = services.meeting_create(actor=coordinator, panel=panel, held_on=dt.date(2026, 3, 12))
    for c in cases[:10]:
        services.agenda_add(actor=coordinator, meeting=meeting, case=c)
    other_meeting = services.meeting_create(
        actor=User.objects.get(pk=coordinator.pk), panel=panel, held_on=dt.date(2026, 6, 11)
    )
    for name, user in users.items():
        if name in {"coordinator", "coordinator2", "evaluator", "not_accepted"}:
            continue
        services.agreement_accept(actor=user, agreement=agreement)
        if name == "other_panel_member":
            continue
        for c in cases:
            services.involvement_declare(actor=user, case=c, involved=(name == "involved"))
    services.review_submit(
        actor=users["cps_member"],
        case=case,
        meeting=meeting,
        score=2,
        assessments={point.pk: ("partly", f"notes {CANARIES['notes']}")},
    )
    chair = users["chair"]
    services.attendance_join(actor=chair, meeting=meeting)
    services.meeting_start(actor=chair, meeting=meeting)
    theme = ThemeFactory(name="Case strategy", slug="case-strategy")
    finding = services.finding_record(
        actor=chair,
        meeting=meeting,
        case=case,
        theme=theme,
        kind="good_practice",
        text=f"agreed {CANARIES['finding']}",
    )
    action = services.action_record(
        actor=chair,
        finding=finding,
        description=f"do {CANARIES['action']}",
        owner_agency=cps_agency,
        owner_role=f"unit head {CANARIES['owner']}",
        due_on=dt.date(2026, 1, 31),
    )
    # Meeting texts reach the panel once someone other than their author has checked them.
    for text in (finding, action):
        services.meeting_text_confirm(actor=coordinator, obj=text, redactions={})
        text.refresh_from_db(fields=["check_status", "checked_by", "checked_at"])
    services.action_update(
        actor=coordinator,
        action=action,
        text=f"progress {CANARIES['update']}",
        status=ActionStatus.IN_PROGRESS,
    )
    world = World(
        users=users,
        panel=panel,
        other_panel=other_panel,
        cases=cases,
        meeting=meeting,
        other_meeting=other_meeting,
        finding=finding,
        action=action,
        flagged_extract=flagged,
        draft=draft,
        draft_text=draft_text,
    )
    world.objects = [panel, *cases, CaseKey.objects.get(case=case), confirmed, flagged, point]
    return world


@pytest.fixture
def world(roles, area, other_area, cps_agency, coordinator) -> World:
    return build_world(area=area, other_area=other_area, cps_agency=cps_agency, coordinator=coordinator)


def add_held_texts(world: World) -> World:
    """A finding and an action the chair recorded with possible identifiers in them: held back
    from everyone but the coordinator and the chair until a second person checks them."""
    chair = world.users["chair"]
    theme = world.finding.theme
    world.held_finding = services.finding_record(
        actor=chair,
        meeting=world.meeting,
        case=world.case,
        theme=theme,
        kind="concern",
        text=f"agreed {CANARIES['held_finding']}; the officer rang 07700 900456 twice.",
    )
    world.held_action = services.action_record(
        actor=chair,
        finding=world.finding,
        description=f"do {CANARIES['held_action']} and write to SW1A 1AA.",
        owner_agency=world.action.owner_agency,
        owner_role="unit head",
        due_on=dt.date(2026, 2, 28),
    )
    assert world.held_finding.check_status == CheckStatus.FLAGGED
    assert world.held_action.check_status == CheckStatus.FLAGGED
    return world


@pytest.fixture
def held(world) -> World:
    return add_held_texts(world)


@pytest.fixture
def presenting_observer(world) -> User:
    """An observer employed by the presenting police force (accepted, no involvement declared)."""
    from scrutiny.permissions import current_agreement

    police = world.users["presenting"].agency
    user = UserFactory(email="observer@test-police.example.org", agency=police, roles=[Role.PANEL_MEMBER])
    services.membership_add(actor=None, panel=world.panel, user=user, role=PanelRole.OBSERVER)
    services.agreement_accept(actor=user, agreement=current_agreement())
    for case in world.cases:
        services.involvement_declare(actor=user, case=case, involved=False)
    return user


@pytest.fixture
def involved_chair(world) -> User:
    """The panel's chair, having declared prior involvement in the canary case (world.case)."""
    from scrutiny.models import InvolvementDeclaration

    chair = world.users["chair"]
    from scrutiny import permissions

    InvolvementDeclaration.objects.filter(user=chair, case=world.case).update(involved=True)
    permissions.forget(chair)
    return chair
