"""The redaction policy itself: every field classified for every audience, and the check that
says so can fail (a test of the test)."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from scrutiny import redaction
from scrutiny.models import Case, CaseKey, CheckStatus, Extract
from scrutiny.redaction import ALL, POLICY, Audience, Level, P, redact
from tests.factories.scrutiny import CaseFactory, CaseKeyFactory, ExtractFactory


def test_every_field_of_every_scrutiny_model_is_classified() -> None:
    models_without_policy = [m._meta.label for m in redaction.scrutiny_models() if m not in POLICY]
    assert models_without_policy == []
    assert redaction.unclassified_fields(POLICY) == []


def test_every_field_policy_gives_every_audience_exactly_one_level() -> None:
    for model, fields in POLICY.items():
        for name, policy in fields.items():
            assert set(policy.rules) == ALL, f"{model.__name__}.{name}"


class ThrowawayModel(models.Model):
    """Not migrated: only its _meta is used."""

    summary = models.TextField()
    new_column = models.CharField(max_length=10)

    class Meta:
        app_label = "scrutiny_test_throwaway"

    def __str__(self) -> str:
        return "throwaway"


def test_the_check_fails_when_a_field_is_added_without_a_policy_entry() -> None:
    registry = {ThrowawayModel: {"id": P(full=ALL), "summary": P(full={Audience.COORDINATOR})}}
    assert redaction.unclassified_fields(registry) == ["scrutiny_test_throwaway.ThrowawayModel.new_column"]
    registry[ThrowawayModel]["new_column"] = P()
    assert redaction.unclassified_fields(registry) == []


def test_the_check_fails_when_a_real_model_loses_a_policy_entry() -> None:
    registry = {model: dict(fields) for model, fields in POLICY.items()}
    del registry[CaseKey]["cps_urn"]
    assert redaction.unclassified_fields(registry) == ["scrutiny.CaseKey.cps_urn"]


def test_a_policy_entry_naming_no_field_is_reported() -> None:
    registry = {ThrowawayModel: {"id": P(), "summary": P(), "new_column": P(), "gone": P()}}
    assert redaction.unclassified_fields(registry) == [
        "scrutiny_test_throwaway.ThrowawayModel.gone (no such field)"
    ]


def test_field_policy_refuses_an_audience_twice_or_a_generaliser_outside_the_registry() -> None:
    with pytest.raises(ImproperlyConfigured):
        P(full={Audience.CHAIR}, agg={Audience.CHAIR})
    with pytest.raises(ImproperlyConfigured):
        P(gen=[({Audience.CHAIR}, lambda value, obj: value)])
    with pytest.raises(ImproperlyConfigured):
        redaction.FieldPolicy(full=frozenset({Audience.CHAIR}))


def test_unlisted_fields_and_unknown_models_are_hidden() -> None:
    assert redaction.rule_for(Case, "no_such_field", Audience.COORDINATOR).level == Level.NONE
    assert redact(object.__new__(ThrowawayModel), Audience.COORDINATOR) == {}
    assert redaction.rule_for(Case, "pseudonym", None).level == Level.NONE


@pytest.mark.django_db
def test_case_keys_only_for_the_coordinator_and_presenting_agency(roles) -> None:
    key = CaseKeyFactory(cps_urn="42AB1234523")
    for audience in Audience:
        data = redact(key, audience)
        if audience in {Audience.COORDINATOR, Audience.PRESENTING_AGENCY}:
            assert data["cps_urn"] == "42AB1234523"
        else:
            assert data == {}, audience


@pytest.mark.django_db
def test_dates_are_month_and_year_for_members_and_absent_for_oversight(roles) -> None:
    case = CaseFactory(offence_month=dt.date(2023, 5, 1))
    assert redact(case, Audience.COORDINATOR)["offence_month"] == "2023-05-01"
    assert redact(case, Audience.ISVA_MEMBER)["offence_month"] == "May 2023"
    assert "offence_month" not in redact(case, Audience.GOVERNANCE)
    assert redact(case, Audience.EVALUATOR) == {}
    assert (
        redact(case, Audience.ISVA_MEMBER)["presenting_agency"] == case.presenting_agency.get_kind_display()
    )
    assert "created_by" not in redact(case, Audience.CHAIR)


@pytest.mark.django_db
def test_flagged_text_is_withheld_from_members_until_checked(roles) -> None:
    extract = ExtractFactory(text="secret words", check_status=CheckStatus.FLAGGED)
    assert redact(extract, Audience.CHAIR)["text"] is None
    assert redact(extract, Audience.COORDINATOR)["text"] == "secret words"
    assert "text" not in redact(extract, Audience.OBSERVER)
    Extract.objects.filter(pk=extract.pk).update(check_status=CheckStatus.CONFIRMED)
    extract.refresh_from_db()
    assert redact(extract, Audience.CHAIR)["text"] == "secret words"


@pytest.mark.parametrize("audience", list(Audience))
@pytest.mark.django_db
def test_redact_returns_plain_json_data(roles, audience) -> None:
    import json

    extract = ExtractFactory()
    json.dumps(redact(extract.case, audience))
    json.dumps(redact(extract, audience))


def test_views_api_and_consumers_reach_scrutiny_data_only_through_selectors() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "scrutiny"
    # Modules and the packages they were split into (scrutiny/views/, scrutiny/api/).
    paths = [
        path
        for name in ("views", "api", "consumers", "presenters", "exports")
        for path in sorted([root / f"{name}.py", *(root / name).glob("*.py")])
        if path.exists()
    ]
    assert any(path.parent.name == "views" for path in paths)
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in paths
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if ".objects." in line
    ]
    assert offenders == []


def test_scrutiny_records_are_not_wagtail_snippets_pages_or_search_indexed() -> None:
    from wagtail.models import Page
    from wagtail.search.index import Indexed
    from wagtail.snippets.models import get_snippet_models

    for model in redaction.scrutiny_models():
        assert not issubclass(model, Page | Indexed), model
        assert model not in get_snippet_models(), model


# ADR 0005: a panel's police forces ------------------------------------------------------------------


@pytest.mark.django_db
def test_police_forces_are_named_for_keyholders_and_governance_and_counted_for_members(roles) -> None:
    from agencies.models import AgencyKind
    from tests.factories import AgencyFactory
    from tests.factories.scrutiny import PanelFactory

    panel = PanelFactory()
    force = AgencyFactory(name="Only Force", kind=AgencyKind.POLICE_FORCE, area=panel.area)
    panel.police_forces.set([force])
    named = {Audience.COORDINATOR, Audience.PRESENTING_AGENCY, Audience.GOVERNANCE}
    counted = redaction.SITTING - redaction.KEYHOLDERS
    for audience in Audience:
        value = redact(panel, audience).get("police_forces")
        if audience in named:
            assert value == ["Only Force"], audience
        elif audience in counted:
            assert value == "One police force", audience
        else:
            assert value is None, audience
    panel.police_forces.add(AgencyFactory(name="Second Force", kind=AgencyKind.POLICE_FORCE, area=panel.area))
    assert redact(panel, Audience.CHAIR)["police_forces"] == "2 police forces"
    panel.police_forces.clear()
    assert redact(panel, Audience.CHAIR)["police_forces"] is None


@pytest.mark.django_db
def test_a_member_never_sees_a_force_name_on_the_panel_page_or_api(world) -> None:
    from django.urls import reverse

    from tests.conftest import signed_in_client
    from tests.scrutiny.conftest import CANARIES

    for name in ("isva_member", "chair", "observer"):
        client = signed_in_client(world.users[name])
        page = client.get(reverse("scrutiny:panel-detail", args=[world.panel.pk])).content.decode()
        api = client.get(reverse("api-v1:scrutiny_panel", args=[world.panel.pk])).json()
        assert "Police forces: 2 police forces" in page, name
        assert api["data"]["police_forces"] == "2 police forces"
        assert CANARIES["force_a"] not in page + str(api) and CANARIES["force_b"] not in page + str(api)
    coordinator = signed_in_client(world.users["coordinator"])
    page = coordinator.get(reverse("scrutiny:panel-detail", args=[world.panel.pk])).content.decode()
    assert CANARIES["force_a"] in page and CANARIES["force_b"] in page
