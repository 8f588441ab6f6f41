"""Retention re-checks re-identification (issue 13, point b), from the intruder's side: a
released case passed the k-check because two older cases looked like it to the panel; when
retention deletes those two, a member who knows the person's details would find only one case
left that could be theirs. The run must flag it, as an edit would, and tell its coordinators."""

from __future__ import annotations

import datetime as dt

import pytest

from agencies import retention as registry
from agencies.models import Notification
from scrutiny import services
from scrutiny.models import Case, CaseStatus, DecisionPoint, Extract
from scrutiny.retention import KANON_NOTICE, apply_retention
from tests.scrutiny.conftest import CASE_FIELDS

pytestmark = pytest.mark.django_db


def _case(world, month: dt.date, **overrides):
    coordinator = world.users["coordinator"]
    fields = {
        **CASE_FIELDS,
        "outcome": "discontinued",
        "offence_month": dt.date(2017, 1, 1),
        "finalised_month": month,
        **overrides,
    }
    case = services.case_create(
        actor=coordinator, panel=world.panel, presenting_agency=world.case.presenting_agency, **fields
    )
    services.text_add(actor=coordinator, case=case, model=Extract, kind="summary", text="Summary.")
    services.text_add(actor=coordinator, case=case, model=DecisionPoint, stage="charging", text="Noted.")
    return case


@pytest.fixture
def scene(world):
    """A case finalised in September 2018, shown to the panel as July to September 2018, and two
    look-alikes finalised in July 2018; the run's day puts the cut-off between them."""
    old = [_case(world, dt.date(2018, 7, 1)) for _ in range(2)]
    kept = _case(world, dt.date(2018, 9, 1))
    services.case_generalise(actor=world.users["coordinator"], case=kept, fields=["finalised_month"])
    kept = services.case_release(actor=world.users["coordinator2"], case=kept)
    assert kept.status == CaseStatus.RELEASED and not kept.kanon_flagged
    assert services.quasi_identifier_matches(kept) == 3
    today = dt.date(2018, 8, 15) + dt.timedelta(days=registry.period_days("case"))
    return world, old, kept, today


def test_deleting_the_look_alikes_flags_the_released_case(scene) -> None:
    world, old, kept, today = scene
    results = {r.record_type: r for r in apply_retention(today=today)}
    assert results["case"].deleted == 2
    assert not Case.objects.filter(pk__in=[c.pk for c in old]).exists()
    kept.refresh_from_db()
    assert kept.status == CaseStatus.RELEASED
    assert services.quasi_identifier_matches(kept) == 1
    assert kept.kanon_flagged  # the coordinator's page now shows the report and its suggestions


def test_the_coordinators_are_told_and_no_one_else(scene) -> None:
    world, _old, kept, today = scene
    apply_retention(today=today)
    told = set(Notification.objects.filter(title=KANON_NOTICE).values_list("recipient_id", flat=True))
    assert told == {world.users["coordinator"].pk, world.users["coordinator2"].pk}
    notice = Notification.objects.filter(title=KANON_NOTICE).first()
    assert notice.url.endswith(f"/cases/{kept.pk}/")
    assert kept.pseudonym not in notice.title


def test_a_dry_run_flags_nothing(scene) -> None:
    _world, _old, kept, today = scene
    apply_retention(today=today, dry_run=True)
    kept.refresh_from_db()
    assert not kept.kanon_flagged
    assert not Notification.objects.filter(title=KANON_NOTICE).exists()


def test_a_released_case_with_look_alikes_left_is_not_flagged(scene) -> None:
    """Two more look-alikes outside the cut-off keep it at k: no flag, no notice."""
    world, _old, kept, today = scene
    for _ in range(2):
        _case(world, dt.date(2018, 9, 1))
    apply_retention(today=today)
    kept.refresh_from_db()
    assert services.quasi_identifier_matches(kept) == 3
    assert not kept.kanon_flagged
    assert not Notification.objects.filter(title=KANON_NOTICE).exists()
