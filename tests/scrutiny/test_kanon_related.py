"""Re-identification over everything members see of a case (issue 13, point c), from the
intruder's side: a member who knows at which stages a person's case went wrong looks for the case
whose decision points (or extracts) only theirs could have. The stages and extract kinds members
see are quasi-identifiers too, derived from the policy; a case with none recorded only looks like
another with none."""

from __future__ import annotations

import pytest

from scrutiny import redaction, services
from scrutiny.models import Case, DecisionPoint, Extract
from scrutiny.redaction import MEMBERS, POLICY, Audience, Level
from tests.scrutiny.conftest import CASE_FIELDS

pytestmark = pytest.mark.django_db


def _case(world, *, stages=(), kinds=("summary",), **overrides):
    coordinator = world.users["coordinator"]
    fields = {**CASE_FIELDS, "outcome": "discontinued", **overrides}
    case = services.case_create(
        actor=coordinator, panel=world.panel, presenting_agency=world.case.presenting_agency, **fields
    )
    for kind in kinds:
        services.text_add(actor=coordinator, case=case, model=Extract, kind=kind, text="Summary.")
    for order, stage in enumerate(stages, start=1):
        services.text_add(
            actor=coordinator, case=case, model=DecisionPoint, stage=stage, order=order, text="Noted."
        )
    return case


def test_every_member_visible_field_of_a_case_row_is_declared_descriptive_or_not() -> None:
    """A row about a case (a foreign key to Case) whose fields members see must say whether they
    describe the case; stage and kind do, and are compared."""
    undeclared = []
    for model, fields in POLICY.items():
        if model is Case or not any(
            f.many_to_one and f.related_model is Case for f in model._meta.get_fields() if f.concrete
        ):
            continue
        for name, policy in fields.items():
            visible = any(policy.rule(a).level in {Level.FULL, Level.GENERALISED} for a in MEMBERS)
            if (
                visible
                and policy.describes
                and name not in redaction.quasi_identifiers(model, Audience.ISVA_MEMBER)
            ):
                undeclared.append(f"{model.__name__}.{name}")
    assert undeclared == []
    from scrutiny.services.kanon import describing_rows

    keys = {(m, fields) for m, _link, fields in describing_rows(Audience.ISVA_MEMBER)}
    assert (DecisionPoint, ("stage",)) in keys
    assert (Extract, ("kind",)) in keys


def test_a_case_alike_in_its_fields_but_not_its_stages_is_unique(world) -> None:
    """Three cases equal on every case field; one had a decision point at trial, which members
    see: only that case can be the person's whose trial went wrong."""
    _case(world, stages=["charging"])
    _case(world, stages=["charging"])
    odd = _case(world, stages=["charging", "trial"])
    assert services.quasi_identifier_matches(odd) == 1
    odd.refresh_from_db()
    report = services.kanon_report(odd)
    assert not report.passes
    assert "decisionpoint:stage" in report.distinguishing
    assert "Trial" in report.shown["decisionpoint:stage"]


def test_stages_in_another_order_set_a_case_apart(world) -> None:
    _case(world, stages=["charging", "trial"])
    _case(world, stages=["charging", "trial"])
    odd = _case(world, stages=["trial", "charging"])
    assert services.quasi_identifier_matches(odd) == 1


def test_extract_kinds_set_a_case_apart(world) -> None:
    _case(world)
    _case(world)
    odd = _case(world, kinds=("summary", "victim_letter"))
    assert services.quasi_identifier_matches(odd) == 1


def test_no_stage_recorded_never_looks_like_a_recorded_stage(world) -> None:
    """Two cases with no decision point do not pad a case with one: "Not recorded" is not a
    stage it might have been."""
    _case(world)
    _case(world)
    odd = _case(world, stages=["investigation"])
    assert services.quasi_identifier_matches(odd) == 1
    # ...and an unrecorded stage only looks like another unrecorded one.
    blank = _case(world, stages=["investigation"])
    DecisionPoint.objects.filter(case=blank).update(stage="")
    assert services.quasi_identifier_matches(blank) == 1


def test_cases_alike_in_their_stages_pass(world) -> None:
    for _ in range(2):
        _case(world, stages=["charging", "trial"])
    third = _case(world, stages=["charging", "trial"])
    assert services.quasi_identifier_matches(third) == 3


def test_the_coordinators_report_page_names_the_stages(world, client_for) -> None:
    from django.urls import reverse

    _case(world, stages=["charging"])
    odd = _case(world, stages=["charging", "trial"])
    response = client_for(world.users["coordinator"]).get(reverse("scrutiny:case-detail", args=[odd.pk]))
    assert response.status_code == 200
    assert "Decision points: stage" in response.content.decode()


def test_adding_a_decision_point_refreshes_the_flag_of_the_case_and_its_lookalikes(world) -> None:
    """The stored flag the release gate and the coordinator's page read follows a new row at once:
    three alike cases pass; a trial stage added to one sets it (and only it) apart."""
    cases = [_case(world, stages=["charging"]) for _ in range(3)]
    for case in cases:
        case.refresh_from_db()
        assert not case.kanon_flagged
    services.text_add(
        actor=world.users["coordinator"],
        case=cases[0],
        model=DecisionPoint,
        stage="trial",
        order=2,
        text="Noted.",
    )
    flags = [Case.objects.get(pk=case.pk).kanon_flagged for case in cases]
    assert flags[0] is True  # unique now: one case with a trial stage
    assert flags[1:] == [True, True]  # two left alike: fewer than k=3 share their look
