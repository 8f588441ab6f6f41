"""Re-identification checked over everything the audience sees (issue 13, point 3), from the
intruder's side: a member who knows a person's details looks for a case that can only be theirs.

The quasi-identifiers come from the redaction policy (every field the members see that describes
the case or the people in it), "Not recorded" never makes a recorded value look alike, cases are
compared as the audience sees them, and the coordinator is told which fields make a case unique
and which generalisation would fix it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from agencies.models import AgencyKind
from agencies.roles import Role
from scrutiny import redaction, services
from scrutiny.models import Case, CaseStatus, Extract
from scrutiny.redaction import MEMBERS, POLICY, Audience, Level
from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, UserFactory
from tests.scrutiny.conftest import CASE_FIELDS, add_lookalike_rows

pytestmark = pytest.mark.django_db

# A different value for every field a member sees, to show each one is compared.
OTHER_VALUE = {
    "offence_category": "sexual_assault",
    "outcome": "convicted",
    "selection_reason": "themed",
    "offence_month": dt.date(2022, 1, 1),
    "finalised_month": dt.date(2025, 2, 1),
    "months_to_charge_decision": 30,
    "victim_age_band": "55_plus",
    "suspect_age_band": "18_24",
    "relationship": "stranger",
    "vulnerability_flags": ["language"],
    "isva_involved": False,
}


def _case(world, **overrides):
    fields = {**CASE_FIELDS, **overrides}
    agency = fields.pop("presenting_agency", world.case.presenting_agency)
    case = services.case_create(
        actor=world.users["coordinator"], panel=world.panel, presenting_agency=agency, **fields
    )
    services.text_add(
        actor=world.users["coordinator"], case=case, model=Extract, kind="summary", text="Summary."
    )
    # The world's cases' other rows members see (compared too: tests/scrutiny/test_kanon_related.py).
    add_lookalike_rows(actor=world.users["coordinator"], case=case)
    return case


def _member_visible_case_fields() -> set[str]:
    return {
        name
        for name, policy in POLICY[Case].items()
        if any(policy.rule(a).level in {Level.FULL, Level.GENERALISED} for a in MEMBERS)
    }


def test_every_member_visible_case_field_is_declared_descriptive_or_not() -> None:
    """Adding a field members see without saying whether it describes the case fails here."""
    undeclared = [
        name for name in sorted(_member_visible_case_fields()) if POLICY[Case][name].describes is None
    ]
    assert undeclared == []


def test_the_quasi_identifiers_are_every_descriptive_field_the_members_see() -> None:
    fields = set(redaction.quasi_identifiers(Case, Audience.ISVA_MEMBER))
    assert fields == {n for n in _member_visible_case_fields() if POLICY[Case][n].describes}
    # The ones the issue names are among them.
    assert {
        "suspect_age_band",
        "outcome",
        "vulnerability_flags",
        "months_to_charge_decision",
        "finalised_month",
        "presenting_agency",
    } <= fields


@pytest.mark.parametrize("field", sorted(OTHER_VALUE))
def test_each_descriptive_field_is_counted(world, field) -> None:
    """Three cases alike in everything but one field: the odd one is unique to the members."""
    assert field in redaction.quasi_identifiers(Case, Audience.ISVA_MEMBER)
    odd = _case(world, **{field: OTHER_VALUE[field]})
    assert services.quasi_identifier_matches(odd) == 1
    assert odd.kanon_flagged


def test_every_quasi_identifier_has_a_differing_value_in_this_test() -> None:
    """A new descriptive field fails here until the parametrised test above covers it."""
    missing = (
        set(redaction.quasi_identifiers(Case, Audience.ISVA_MEMBER))
        - set(OTHER_VALUE)
        - {
            "presenting_agency",
            "area",
        }
    )
    assert missing == set()


def test_the_presenting_agency_counts_as_members_see_it(world) -> None:
    """Members see the kind of agency only: another police force looks alike, a CPS area does not."""
    other_force = AgencyFactory(
        name="Another Constabulary", kind=AgencyKind.POLICE_FORCE, area=world.panel.area
    )
    alike = _case(world, presenting_agency=other_force)
    assert services.quasi_identifier_matches(alike) >= 3
    cps = AgencyFactory(name="CPS Somewhere", kind=AgencyKind.CPS_AREA, area=world.panel.area)
    unique = _case(world, presenting_agency=cps)
    assert services.quasi_identifier_matches(unique) == 1


def test_not_recorded_never_makes_a_recorded_case_look_alike(world) -> None:
    """The reproduction: one 16-17 case plus two 'unknown' cases passed k=3."""
    teen = _case(world, victim_age_band="16_17", relationship="family")
    _case(world, victim_age_band="unknown", relationship="family")
    _case(world, victim_age_band="unknown", relationship="family")
    assert services.quasi_identifier_matches(teen) == 1
    with pytest.raises(ValidationError) as refused:
        services.case_release(actor=world.users["coordinator2"], case=teen)
    assert any("unique" in m.lower() for m in refused.value.messages)
    teen.refresh_from_db()
    assert teen.status == CaseStatus.DRAFT and teen.kanon_flagged


def test_the_coordinator_is_told_which_fields_and_offered_a_generalisation(world) -> None:
    """A 16-17 victim among 'Under 16' cases: the wider band (Under 18) fixes it."""
    for _ in range(3):
        _case(world, victim_age_band="under_16", offence_category="rape_child")
    teen = _case(world, victim_age_band="16_17", offence_category="rape_child")
    report = services.kanon_report(teen)
    assert report.matches == 1 and not report.passes
    assert "victim_age_band" in report.distinguishing
    suggestion = next(s for s in report.suggestions if s.fields == ("victim_age_band",))
    assert suggestion.matches >= services.K_ANONYMITY
    page = signed_in_client(world.users["coordinator"]).get(reverse("scrutiny:case-detail", args=[teen.pk]))
    body = page.content.decode()
    assert "Victim age band" in body and "Under 18" in body
    assert 'action="' + reverse("scrutiny:case-generalise", args=[teen.pk]) + '"' in body
    assert "govuk-checkboxes" in body
    # Applying it without JavaScript: a plain form post.
    response = signed_in_client(world.users["coordinator"]).post(
        reverse("scrutiny:case-generalise", args=[teen.pk]), {"generalised": ["victim_age_band"]}
    )
    assert response.status_code == 302
    teen.refresh_from_db()
    assert teen.generalised == ["victim_age_band"] and not teen.kanon_flagged
    assert redaction.redact(teen, Audience.ISVA_MEMBER)["victim_age_band"] == "Under 18"
    assert redaction.redact(teen, Audience.COORDINATOR)["victim_age_band"] == "16_17"
    assert services.case_release(actor=world.users["coordinator2"], case=teen).status == CaseStatus.RELEASED


def test_a_quarter_instead_of_a_month(world) -> None:
    for month in (7, 8, 9):
        _case(world, finalised_month=dt.date(2024, month, 1), outcome="acquitted")
    odd = _case(world, finalised_month=dt.date(2024, 8, 1), outcome="acquitted")
    odd.refresh_from_db()
    assert services.quasi_identifier_matches(odd) == 2
    report = services.kanon_report(odd)
    assert any(s.fields == ("finalised_month",) for s in report.suggestions)
    services.case_generalise(actor=world.users["coordinator"], case=odd, fields=["finalised_month"])
    odd.refresh_from_db()
    assert redaction.redact(odd, Audience.ISVA_MEMBER)["finalised_month"] == "July to September 2024"
    assert services.quasi_identifier_matches(odd) >= 3


def test_generalising_is_checked_and_hostile_input_is_refused(world) -> None:
    case = _case(world)
    for bad in (["no_such_field"], ["outcome"], ["victim_age_band\x00"], [""] * 50):
        with pytest.raises(ValidationError):
            services.case_generalise(actor=world.users["coordinator"], case=case, fields=bad)
    with pytest.raises(PermissionDenied):
        services.case_generalise(actor=world.users["isva_member"], case=case, fields=["victim_age_band"])
    client = signed_in_client(world.users["coordinator"])
    response = client.post(reverse("scrutiny:case-generalise", args=[case.pk]), {"generalised": ["outcome"]})
    assert response.status_code == 400
    response = signed_in_client(world.users["isva_member"]).post(
        reverse("scrutiny:case-generalise", args=[case.pk]), {"generalised": ["victim_age_band"]}
    )
    assert response.status_code in {403, 404}
    case.refresh_from_db()
    assert case.generalised == []


def test_editing_a_released_case_is_re_checked(world) -> None:
    """A released case may only be shown more coarsely: making it finer again is refused if it
    would make it unique, and the details themselves stay fixed."""
    coordinator = world.users["coordinator"]
    for _ in range(2):
        _case(world, victim_age_band="under_16", offence_category="rape_child")
    teen = _case(world, victim_age_band="16_17", offence_category="rape_child")
    services.case_generalise(actor=coordinator, case=teen, fields=["victim_age_band"])
    services.case_release(actor=world.users["coordinator2"], case=teen)
    with pytest.raises(ValidationError) as refused:
        services.case_generalise(actor=coordinator, case=teen, fields=[])
    assert any("unique" in m.lower() for m in refused.value.messages)
    teen.refresh_from_db()
    assert teen.generalised == ["victim_age_band"]
    with pytest.raises(PermissionDenied):
        services.case_update(actor=coordinator, case=teen, victim_age_band="16_17")


def test_an_edit_that_leaves_a_released_case_unique_is_refused(world) -> None:
    """The world's three released cases are alike; a draft like them changing its details is fine,
    but if one of them could only be told apart through a draft, that draft cannot move away."""
    coordinator = world.users["coordinator"]
    lone = _case(world, outcome="discontinued")
    _case(world, outcome="discontinued")
    helper = _case(world, outcome="discontinued")
    services.case_release(actor=world.users["coordinator2"], case=lone)
    with pytest.raises(ValidationError) as refused:
        services.case_update(actor=coordinator, case=helper, outcome="convicted")
    assert any(lone.pseudonym in m for m in refused.value.messages)
    helper.refresh_from_db()
    assert helper.outcome == "discontinued"


def test_the_k_check_cannot_be_padded_by_another_panels_member(world) -> None:
    """Only coordinators create cases; a third coordinator's lookalike drafts count (they are real
    cases), but release still needs a second person who sees the report."""
    third = UserFactory(
        email="coordinator3@test-cps.example.org",
        agency=world.users["coordinator"].agency,
        roles=[Role.CASE_COORDINATOR],
    )
    case = _case(world, outcome="victim_withdrew")
    assert services.kanon_report(case).matches == 1
    assert not services.kanon_report(case).passes
    with pytest.raises(ValidationError):
        services.case_release(actor=third, case=case)
