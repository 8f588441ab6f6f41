"""Hostile input on every scrutiny form: case intake and its sub-forms (case keys, extracts,
decision points), the identifier check, the declaration, the agreement, membership, meetings,
agenda, reviews, agreed scores, findings, actions and action updates. See tests/hostile.py."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from agencies.privacy.identifiers import ALL_KINDS, find_identifiers
from scrutiny import services
from scrutiny.models import (
    ActionStatus,
    AgeBand,
    AgendaItem,
    Assessment,
    CaseStatus,
    DecisionPoint,
    DecisionStage,
    Extract,
    ExtractKind,
    FindingKind,
    OffenceCategory,
    Outcome,
    PanelMembership,
    PanelRole,
    Relationship,
    SelectionReason,
    Vulnerability,
)
from tests.conftest import signed_in_client
from tests.factories.scrutiny import CaseFactory
from tests.hostile import HOSTILE_SETTINGS, check_post, form_body, models_of
from tests.scrutiny.conftest import CASE_FIELDS, add_lookalike_rows

pytestmark = pytest.mark.django_db

# Each example here renders a full case or meeting page: fewer examples keep the file near a minute.
HOSTILE_SETTINGS = settings(HOSTILE_SETTINGS, max_examples=14)

# Viewing a page writes an access event by design (the audit of who saw what); every other
# scrutiny table must be untouched by a rejected post.
TABLES = models_of("scrutiny", "agencies.Notification", exclude=["scrutiny.accessevent"])


def _values(choices) -> list[str]:
    return [str(value) for value, _label in choices]


def _foreign(world) -> list[str]:
    """Ids of the other panel's objects (and of nothing at all)."""
    other_case = CaseFactory(panel=world.other_panel, status=CaseStatus.RELEASED)
    return [str(world.other_panel.pk), str(other_case.pk), str(world.draft.pk), "999999", str(2**63)]


CASE_FORM = {
    "presenting_agency": [],
    "offence_category": _values(OffenceCategory.choices),
    "outcome": _values(Outcome.choices),
    "selection_reason": _values(SelectionReason.choices),
    "offence_month": ["2023-05", "2023-13", "0-0"],
    "finalised_month": ["2024-09"],
    "months_to_charge_decision": ["", "7", "240"],
    "victim_age_band": _values(AgeBand.choices),
    "suspect_age_band": _values(AgeBand.choices),
    "relationship": _values(Relationship.choices),
    "vulnerability_flags": _values(Vulnerability.choices),
    "isva_involved": ["yes", "no"],
}
CASE_KEYS = {"cps_urn": ["", "01AB2345623"], "crime_number": ["", "CR/12345/24"]}


def _with_agency(data, world):
    agency = str(world.case.presenting_agency_id)
    return [(k, agency if k == "presenting_agency" and v == "" else v) for k, v in data]


@HOSTILE_SETTINGS
@given(data=form_body({**CASE_FORM, **CASE_KEYS}))
def test_case_intake_form(world, data) -> None:
    client = signed_in_client(world.users["coordinator"])
    check_post(
        client, reverse("scrutiny:case-create", args=[world.panel.pk]), _with_agency(data, world), TABLES
    )


@HOSTILE_SETTINGS
@given(data=form_body(CASE_FORM))
def test_case_edit_form(world, data) -> None:
    client = signed_in_client(world.users["coordinator"])
    check_post(
        client, reverse("scrutiny:case-edit", args=[world.draft.pk]), _with_agency(data, world), TABLES
    )
    # A released case cannot be edited, whatever is posted.
    check_post(client, reverse("scrutiny:case-edit", args=[world.case.pk]), _with_agency(data, world), TABLES)


TEXT_FIELDS = {
    "extract": {"text": ["A clean summary.", "Rang 07700 900123"], "kind": _values(ExtractKind.choices)},
    "decision-point": {"text": ["Charging advice was sought."], "stage": _values(DecisionStage.choices)},
}


@HOSTILE_SETTINGS
@given(kind=st.sampled_from(sorted(TEXT_FIELDS)), data=st.data())
def test_text_add_and_edit_forms(world, kind, data) -> None:
    body = data.draw(form_body(TEXT_FIELDS[kind]))
    client = signed_in_client(world.users["coordinator"])
    check_post(client, reverse("scrutiny:text-add", args=[world.draft.pk, kind]), body, TABLES)
    check_post(client, reverse("scrutiny:text-add", args=[world.case.pk, kind]), body, TABLES)
    text = world.draft_text if kind == "extract" else DecisionPoint.objects.filter(case=world.case).first()
    check_post(client, reverse("scrutiny:text-edit", args=[kind, text.pk]), body, TABLES)


@HOSTILE_SETTINGS
@given(data=st.data())
def test_identifier_check_form(world, data) -> None:
    obj = world.draft_text
    hits = find_identifiers(obj.text, ALL_KINDS)
    assert hits, "the draft text must carry identifiers for this test"
    from scrutiny.models import RedactionReason

    fields = {f"hit_{i}": ["keep", *_values(RedactionReason.choices)] for i in range(len(hits))}
    body = data.draw(form_body(fields, hostile=["hit_99", "keep"]))
    client = signed_in_client(world.users["coordinator2"])
    check_post(client, reverse("scrutiny:text-check", args=["extract", obj.pk]), body, TABLES)


@pytest.fixture
def undeclared_case(world):
    coordinator = world.users["coordinator"]
    case = services.case_create(
        actor=coordinator, panel=world.panel, presenting_agency=world.case.presenting_agency, **CASE_FIELDS
    )
    services.text_add(actor=coordinator, case=case, model=Extract, kind="summary", text="A clean summary.")
    add_lookalike_rows(actor=coordinator, case=case)  # as the world's cases (compared by the k-check)
    return services.case_release(actor=world.users["coordinator2"], case=case)


@HOSTILE_SETTINGS
@given(data=form_body({"involved": ["yes", "no"]}))
def test_declaration_form(world, undeclared_case, data) -> None:
    client = signed_in_client(world.users["cps_member"])
    check_post(client, reverse("scrutiny:case-declare", args=[undeclared_case.pk]), data, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({"accept": ["yes", "no"], "next_case": ["", "1", "https://evil.example/"]}))
def test_agreement_form(world, data) -> None:
    client = signed_in_client(world.users["not_accepted"])
    response = check_post(client, reverse("scrutiny:agreement"), data, TABLES)
    if response.status_code == 302:
        assert response["Location"].startswith("/"), response["Location"]  # never off-site


@HOSTILE_SETTINGS
@given(
    data=form_body(
        {
            # A member already, nobody, an account that cannot sit on panels, one that can.
            "email": [
                "member@independent.example.org",
                "nobody@example.org",
                "evaluator@research.example.org",
                "officer@other-police.example.org",
            ],
            "role": _values(PanelRole.choices),
        }
    )
)
def test_membership_form(world, data) -> None:
    client = signed_in_client(world.users["coordinator"])
    check_post(client, reverse("scrutiny:membership-add", args=[world.panel.pk]), data, TABLES)
    check_post(client, reverse("scrutiny:membership-add", args=[world.other_panel.pk]), data, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({"held_on": ["2026-09-01", "2026-02-29", "1900-01-01"]}))
def test_meeting_form(world, data) -> None:
    client = signed_in_client(world.users["coordinator"])
    check_post(client, reverse("scrutiny:meeting-create", args=[world.panel.pk]), data, TABLES)


@HOSTILE_SETTINGS
@given(data=st.data())
def test_agenda_form(world, data) -> None:
    foreign = _foreign(world)
    body = data.draw(form_body({"case": [str(c.pk) for c in world.cases]}, hostile=foreign))
    client = signed_in_client(world.users["coordinator"])
    check_post(client, reverse("scrutiny:agenda-add", args=[world.other_meeting.pk]), body, TABLES)


@HOSTILE_SETTINGS
@given(data=st.data())
def test_review_form(world, data) -> None:
    points = list(DecisionPoint.objects.filter(case=world.case))
    fields = {"score": ["1", "2", "3", "4"]}
    for point in points:
        fields[f"assessment_{point.pk}"] = _values(Assessment.choices)
        fields[f"notes_{point.pk}"] = ["", "Sound reasoning."]
    body = data.draw(form_body(fields))
    client = signed_in_client(world.users["cps_member"])
    url = reverse("scrutiny:review-submit", args=[world.case.pk, world.meeting.pk])
    check_post(client, url, body, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({"score": ["1", "4"]}))
def test_agreed_score_form(world, data) -> None:
    item = AgendaItem.objects.filter(meeting=world.meeting).first()
    client = signed_in_client(world.users["chair"])
    check_post(client, reverse("scrutiny:agreed-score", args=[item.pk]), data, TABLES)


@HOSTILE_SETTINGS
@given(data=st.data())
def test_finding_form(world, data) -> None:
    from content.models import Theme

    fields = {
        "case": [str(c.pk) for c in world.cases],
        "theme": [str(pk) for pk in Theme.objects.values_list("pk", flat=True)],
        "kind": _values(FindingKind.choices),
        "text": ["The charging advice was timely."],
    }
    body = data.draw(form_body(fields, hostile=_foreign(world)))
    client = signed_in_client(world.users["chair"])
    check_post(client, reverse("scrutiny:finding-create", args=[world.meeting.pk]), body, TABLES)


@HOSTILE_SETTINGS
@given(data=st.data())
def test_action_form(world, data) -> None:
    fields = {
        "description": ["Review the charging timeline."],
        "owner_agency": [str(world.action.owner_agency_id)],
        "owner_role": ["RASSO unit head"],
        "due_on": ["2031-06-30", "2026-13-01"],
    }
    body = data.draw(form_body(fields, hostile=_foreign(world)))
    client = signed_in_client(world.users["chair"])
    check_post(client, reverse("scrutiny:action-create", args=[world.finding.pk]), body, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({"status": _values(ActionStatus.choices), "text": ["Progress made."]}))
def test_action_update_form(world, data) -> None:
    client = signed_in_client(world.users["coordinator"])
    check_post(client, reverse("scrutiny:action-update", args=[world.action.pk]), data, TABLES)
    # Someone outside the panel: refused, nothing written.
    outsider = signed_in_client(world.users["other_panel_member"])
    check_post(outsider, reverse("scrutiny:action-update", args=[world.action.pk]), data, TABLES)


BODYLESS = [
    ("scrutiny:case-release", "draft", "coordinator"),
    ("scrutiny:meeting-start", "other_meeting", "chair"),
    ("scrutiny:meeting-close", "meeting", "chair"),
    ("scrutiny:meeting-join", "meeting", "cps_member"),
    ("scrutiny:finding-promote", "finding", "chair"),
]


@HOSTILE_SETTINGS
@given(which=st.sampled_from(BODYLESS), data=form_body({}))
def test_bodyless_actions_ignore_any_body(world, which, data) -> None:
    name, attr, who = which
    client = signed_in_client(world.users[who])
    check_post(client, reverse(name, args=[getattr(world, attr).pk]), data, TABLES)
    # Ending a membership, by the coordinator and (refused) by a member of another panel.
    membership = PanelMembership.objects.get(panel=world.panel, user=world.users["observer"])
    for actor in ("coordinator", "other_panel_member"):
        url = reverse("scrutiny:membership-end", args=[membership.pk])
        check_post(signed_in_client(world.users[actor]), url, data, TABLES)
