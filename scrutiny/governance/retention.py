"""Evaluation exports in the retention schedule (agencies/retention.py). An export job holds a
generated file of aggregate figures; it goes a period after it was requested, unless its scope
(its area, or national) covers a case or meeting on legal hold that existed when it was made: the
file may then be needed as it was."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q

from agencies import retention as registry
from scrutiny.governance.models import ExportJob
from scrutiny.models import Case, Meeting
from scrutiny.retention import held_annotation, held_case_ids, held_meeting_ids


def _due(today: dt.date) -> Any:
    return ExportJob.objects.filter(created_at__lt=registry.cutoff_datetime(today, "export"))


def _held() -> Q:
    cases = Case.objects.filter(pk__in=held_case_ids(), created_at__lte=OuterRef("created_at"))
    meetings = Meeting.objects.filter(pk__in=held_meeting_ids(), created_at__lte=OuterRef("created_at"))
    area = OuterRef("area_id")
    national = Q(area__isnull=True) & (Q(Exists(cases)) | Q(Exists(meetings)))
    regional = Q(Exists(cases.filter(Q(area_id=area) | Q(panel__area_id=area)))) | Q(
        Exists(meetings.filter(panel__area_id=area))
    )
    return national | regional


def _select(today: dt.date) -> registry.Selection:
    rows = list(
        _due(today).annotate(_held=held_annotation(_held())).order_by("pk").values_list("pk", "_held")
    )
    return registry.Selection(
        due=[pk for pk, held in rows if not held], held=[pk for pk, held in rows if held]
    )


def _delete(today: dt.date, ids: Any) -> list[int]:
    queryset = _due(today).filter(pk__in=list(ids)).exclude(_held())
    gone = list(queryset.values_list("pk", flat=True))
    if gone:
        ExportJob.objects.filter(pk__in=gone).delete()
    return gone


def register_rules() -> None:
    registry.register(
        registry.RetentionRule(
            record_type="export",
            label="Evaluation export files",
            anchor="when the export was requested",
            select=_select,
            delete=_delete,
            order=50,
        )
    )
