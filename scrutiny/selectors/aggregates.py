"""Aggregate figures for governance: raw counts that only scrutiny.governance.figures publishes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.utils import timezone

from agencies.models import Area, User
from agencies.permissions import Perm, has
from scrutiny import permissions
from scrutiny.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Finding,
)
from scrutiny.redaction import Audience, may_aggregate

# Aggregates -------------------------------------------------------------------------------------------


def _aggregate_audience(viewer: User | AnonymousUser) -> Audience | None:
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return None
    if has(viewer, Perm.VIEW_GOVERNANCE):
        return Audience.GOVERNANCE
    if viewer.has_perm(permissions.EVALUATE):
        return Audience.EVALUATOR
    if has(viewer, Perm.COORDINATE_CASES):
        return Audience.GOVERNANCE  # a coordinator sees their panels' figures like governance does
    return None


def aggregate_audience(viewer: User | AnonymousUser) -> Audience | None:
    """The audience aggregate figures are read for (None: no aggregate access)."""
    return _aggregate_audience(viewer)


def governance_stats_by_scope(
    *, viewer: User | AnonymousUser, areas: Sequence[Area]
) -> dict[int | None, dict[str, Any]]:
    """Scrutiny figures for the governance dashboard and evaluators, for the whole country (key
    None) and for each of `areas` (key: the area's id): cases reviewed, the agreed score
    distribution, findings by theme and kind, actions open/overdue/closed by owner agency. Counts
    only, each gated by the redaction policy's aggregate level, raw: nothing is suppressed here.
    Every route publishes them only through scrutiny.governance.figures, which applies the one
    suppression rule (ADR 0012). Empty dicts for anyone without aggregate access.

    A fixed number of queries whatever the number of areas: each figure is one query grouped by
    the case's area, with conditional aggregation for the columns. Every national figure is the
    sum of the per-area groups (all of them, not only `areas`), and that is exact for each: a
    case, finding or action belongs to exactly one area (its case's, non-null), so the areas
    partition the rows. "Cases reviewed" is a distinct count, which is not additive in general,
    but it is counted distinct per area, and a case is in one area only, so no case is counted in
    two groups (tests/governance/test_grouped_figures.py counts varied data by hand)."""
    scopes: list[Area | None] = [None, *areas]
    audience = _aggregate_audience(viewer)
    if audience is None:
        return {_scope_key(scope): {} for scope in scopes}
    result: dict[int | None, dict[str, Any]] = {}
    for scope in scopes:
        stats: dict[str, Any] = {"area": scope.name if scope is not None else None}
        result[_scope_key(scope)] = stats

    def targets(area_id: int | None) -> list[int | None]:
        """A group's rows count nationally, and for its area when that is one of `areas`."""
        return [None, area_id] if area_id is not None and area_id in result else [None]

    if may_aggregate(AgendaItem, "agreed_score", audience):
        cases: dict[int | None, int] = dict.fromkeys(result, 0)
        scores: dict[int | None, dict[int, int]] = {key: dict.fromkeys((1, 2, 3, 4), 0) for key in result}
        rows: Iterable[Mapping[str, Any]] = (
            AgendaItem.objects.filter(agreed_score__isnull=False)
            .values("case__area_id")
            .annotate(
                cases=Count("case_id", distinct=True),
                **{f"score_{s}": Count("pk", filter=Q(agreed_score=s)) for s in (1, 2, 3, 4)},
            )
            .order_by()
        )
        for row in rows:
            for key in targets(row["case__area_id"]):
                cases[key] += row["cases"]
                for s in (1, 2, 3, 4):
                    scores[key][s] += row[f"score_{s}"]
        for key, stats in result.items():
            stats["cases_reviewed"] = cases[key]
            stats["score_distribution"] = {str(s): n for s, n in scores[key].items()}
    if may_aggregate(Finding, "theme", audience) and may_aggregate(Finding, "kind", audience):
        by_theme: dict[int | None, Counter[str]] = {key: Counter() for key in result}
        by_kind: dict[int | None, Counter[str]] = {key: Counter() for key in result}
        finding_rows: Iterable[Mapping[str, Any]] = (
            Finding.objects.values("case__area_id", "theme__name", "kind").annotate(n=Count("pk")).order_by()
        )
        for row in finding_rows:
            for key in targets(row["case__area_id"]):
                by_theme[key][row["theme__name"]] += row["n"]
                by_kind[key][row["kind"]] += row["n"]
        for key, stats in result.items():
            stats["findings_by_theme"] = dict(sorted(by_theme[key].items()))
            stats["findings_by_kind"] = dict(sorted(by_kind[key].items()))
    if may_aggregate(Action, "owner_agency", audience) and may_aggregate(Action, "status", audience):
        today = timezone.localdate()
        not_done = ~Q(status=ActionStatus.DONE)
        by_owner: dict[int | None, dict[str, dict[str, int]]] = {key: {} for key in result}
        action_rows: Iterable[Mapping[str, Any]] = (
            Action.objects.values("finding__case__area_id", "owner_agency__name")
            .annotate(
                open=Count("pk", filter=not_done),
                overdue=Count("pk", filter=not_done & Q(due_on__lt=today)),
                closed=Count("pk", filter=Q(status=ActionStatus.DONE)),
            )
            .order_by()
        )
        for row in action_rows:
            for key in targets(row["finding__case__area_id"]):
                counts = by_owner[key].setdefault(
                    row["owner_agency__name"], {"open": 0, "overdue": 0, "closed": 0}
                )
                for column in ("open", "overdue", "closed"):
                    counts[column] += row[column]
        for key, stats in result.items():
            stats["actions_by_owner_agency"] = {
                name: dict(counts) for name, counts in sorted(by_owner[key].items())
            }
    return result


def _scope_key(area: Area | None) -> int | None:
    return area.pk if area is not None else None
