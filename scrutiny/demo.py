"""Fictional demo panels for `manage.py seed_demo`: two panels with meetings and anonymised
cases. Everything here is invented; there are no identifiers in any text. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from django.db import transaction

from agencies.demo import DEMO_PASSWORD
from agencies.models import Agency, Area, User
from agencies.roles import Role
from content.models import Theme
from scrutiny import services
from scrutiny.models import ConfidentialityAgreement, DecisionPoint, Extract, Panel, PanelRole

AGREEMENT = (
    "I will keep confidential everything I read or hear as a member of this scrutiny panel. I will use it "
    "only for the panel's work, will not copy or share it, and will tell the coordinator at once if I "
    "recognise a case or was involved in it in any way."
)
TERMS = (
    "The panel reviews finalised rape and serious sexual offence cases to learn what went well and what "
    "did not, and agrees actions for the agencies. It cannot reopen a case, change an outcome or hear "
    "appeals."
)
CASE = {
    "offence_category": "rape_adult",
    "outcome": "nfa_cps",
    "selection_reason": "themed",
    "offence_month": dt.date(2023, 4, 1),
    "finalised_month": dt.date(2024, 10, 1),
    "months_to_charge_decision": 9,
    "victim_age_band": "18_24",
    "suspect_age_band": "25_34",
    "relationship": "acquaintance",
    "vulnerability_flags": ["mental_health"],
    "isva_involved": True,
}
SUMMARY = (
    "The complainant reported to police some weeks after the offence, supported by an advocate. Early "
    "investigative advice was sought; the charging decision followed a request for further enquiries."
)
EVALUATOR_EMAIL = "evaluator@governance.example.org"
DECISION = "Charging advice: no further action on evidential grounds after further enquiries."


def _user(
    email: str, first: str, last: str, agency_name: str, role: Role, job_title: str = "Panel member"
) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            job_title=job_title,
            agency=Agency.objects.get(name=agency_name),
        )
    user.groups.add(Group.objects.get(name=role.value))
    return user


def _checker(coordinator: User) -> User:
    """A second coordinator in the same agency: no one releases their own case or checks their own
    finding (issue 13), so every demo panel has two."""
    domain = coordinator.email.split("@", 1)[1]
    name = coordinator.agency.name
    return _user(f"checker@{domain}", "Lee", "Ashdown", name, Role.CASE_COORDINATOR, "Case coordinator")


def _panel(name: str, code: str, area: Area, coordinator: User, members: list[tuple[User, str]]) -> Panel:
    panel = services.panel_create(
        name=name,
        code=code,
        area=area,
        terms_of_reference=TERMS,
        police_forces=Agency.objects.filter(area=area, kind="police_force"),
    )
    for user, role in members:
        services.membership_add(actor=None, panel=panel, user=user, role=role)
    presenting = Agency.objects.filter(area=area, kind="police_force").first() or coordinator.agency
    cases = []
    for _ in range(4):
        case = services.case_create(actor=coordinator, panel=panel, presenting_agency=presenting, **CASE)
        services.text_add(actor=coordinator, case=case, model=Extract, kind="summary", text=SUMMARY)
        services.text_add(actor=coordinator, case=case, model=DecisionPoint, stage="charging", text=DECISION)
        cases.append(case)
    checker = _checker(coordinator)
    cases = [services.case_release(actor=checker, case=case) for case in cases]
    past = services.meeting_create(actor=coordinator, panel=panel, held_on=dt.date(2026, 1, 15))
    for case in cases[:3]:
        services.agenda_add(actor=coordinator, meeting=past, case=case)
    services.meeting_start(actor=coordinator, meeting=past)
    theme = Theme.objects.order_by("name").first()
    if theme is not None:
        finding = services.finding_record(
            actor=coordinator,
            meeting=past,
            case=cases[0],
            theme=theme,
            kind="good_practice",
            text="early investigative advice shortened the time to a charging decision.",
        )
        action = services.action_record(
            actor=coordinator,
            finding=finding,
            description="share the early advice checklist with every investigation team.",
            owner_agency=presenting,
            owner_role="Head of the rape investigation unit",
            due_on=dt.date(2026, 4, 30),
        )
        services.meeting_text_confirm(actor=checker, obj=finding, redactions={})
        services.meeting_text_confirm(actor=checker, obj=action, redactions={})
    upcoming = services.meeting_create(actor=coordinator, panel=panel, held_on=dt.date(2026, 12, 10))
    for case in cases[1:4]:
        services.agenda_add(actor=coordinator, meeting=upcoming, case=case)
    return panel


@transaction.atomic
def seed(*, stdout: object = None) -> None:
    if not ConfidentialityAgreement.objects.exists():
        services.agreement_publish(text=AGREEMENT)
    _user(EVALUATOR_EMAIL, "Sam", "Rowan", "Joint Governance Board (demo)", Role.EVALUATOR, "Evaluator")
    if Panel.objects.filter(code__in=["ne", "wx"]).exists():
        return
    north, wessex = Area.objects.get(code="north-east"), Area.objects.get(code="wessex")
    coordinator = User.objects.get(email="coordinator@dalesford-cps.example.org")
    panel_member = User.objects.get(email="panel@dalesford-police.example.org")
    chair = _user(
        "chair@independent.example.org", "Pat", "Gorse", "Independent Panel Members (demo)", Role.PANEL_MEMBER
    )
    wessex_coordinator = _user(
        "coordinator@harbourvale-cps.example.org",
        "Ray",
        "Holly",
        "Harbour Vale RASSO Unit (demo)",
        Role.CASE_COORDINATOR,
    )
    _panel(
        "North East scrutiny panel (demo)",
        "ne",
        north,
        coordinator,
        [(chair, PanelRole.CHAIR), (panel_member, PanelRole.POLICE)],
    )
    _panel("Wessex scrutiny panel (demo)", "wx", wessex, wessex_coordinator, [(chair, PanelRole.INDEPENDENT)])
    if stdout is not None:
        stdout.write("Demo scrutiny panels created.")
