"""Evaluation export files in the retention schedule: deleted thirty days after they were asked
for, unless their scope (area or national) covers a case or meeting on legal hold."""

from __future__ import annotations

import datetime as dt

import pytest

from scrutiny import services
from scrutiny.governance.models import ExportJob
from scrutiny.models import RetentionBatch
from scrutiny.retention import apply_retention
from tests.factories.scrutiny import CaseFactory, MeetingFactory, PanelFactory

pytestmark = pytest.mark.django_db

ASKED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LIMIT = dt.date(2026, 3, 2) + dt.timedelta(days=30)


def _job(user, area=None) -> ExportJob:
    return ExportJob.objects.create(
        requested_by=user, area=area, format="csv", content=b"x", created_at=ASKED
    )


def _results(today: dt.date) -> dict:
    return {r.record_type: r for r in apply_retention(today=today)}


def test_an_export_goes_thirty_days_after_it_was_asked_for(governance_member, area) -> None:
    job = _job(governance_member, area)
    assert _results(LIMIT)["export"].deleted == 0
    assert _results(LIMIT + dt.timedelta(days=1))["export"].deleted == 1
    assert not ExportJob.objects.filter(pk=job.pk).exists()
    assert RetentionBatch.objects.get(record_type="export").object_ids == [job.pk]


@pytest.mark.parametrize("held", ["case", "meeting"])
def test_an_export_covering_a_held_record_stays(
    governance_member, coordinator, area, other_area, held
) -> None:
    panel = PanelFactory(area=area)
    earlier = ASKED - dt.timedelta(days=10)
    target = (
        CaseFactory(panel=panel, created_at=earlier)
        if held == "case"
        else MeetingFactory(panel=panel, created_at=earlier)
    )
    services.legal_hold_set(actor=coordinator, target=target, reason="Inquiry")
    same_area, national, other = (
        _job(governance_member, area),
        _job(governance_member),
        _job(governance_member, other_area),
    )
    result = _results(LIMIT + dt.timedelta(days=1))["export"]
    assert set(result.held_ids) == {same_area.pk, national.pk}
    assert set(ExportJob.objects.values_list("pk", flat=True)) == {same_area.pk, national.pk}
    assert other.pk in result.due_ids


def test_an_export_made_before_the_held_record_existed_goes(governance_member, coordinator, area) -> None:
    panel = PanelFactory(area=area)
    case = CaseFactory(panel=panel, created_at=ASKED + dt.timedelta(days=1))
    services.legal_hold_set(actor=coordinator, target=case, reason="Inquiry")
    job = _job(governance_member, area)
    _results(LIMIT + dt.timedelta(days=1))
    assert not ExportJob.objects.filter(pk=job.pk).exists()
