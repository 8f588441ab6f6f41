"""The grouped selectors (every scope in a fixed number of queries) give the figures counted by
hand, scope by scope, on varied worlds with several areas (the drop-in ones: what the per-scope
drop-in selector gives)."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.dropins.models import Booking, BookingStatus, DropInSession, SessionStatus, Topic
from agencies.dropins.selectors import dropin_stats, dropin_stats_by_scope
from agencies.models import AgencyKind
from scrutiny.models import Action, ActionStatus, AgendaItem, Finding, FindingKind
from scrutiny.redaction import may_aggregate
from scrutiny.selectors import aggregate_audience, governance_stats_by_scope
from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, AreaFactory, UserFactory
from tests.factories.content import ThemeFactory
from tests.factories.dropins import DropInScheduleFactory
from tests.factories.scrutiny import (
    ActionFactory,
    AgendaItemFactory,
    CaseFactory,
    FindingFactory,
    MeetingFactory,
    PanelFactory,
)

pytestmark = pytest.mark.django_db


def _build_world(seed: int, areas: list) -> None:
    """Random drop-in and scrutiny data over `areas` (the last one left empty) and a host agency
    with no area: sessions scheduled and cancelled, bookings in every status and topic, cases whose
    area is not their panel's, a case scored at several meetings, findings over themes and kinds,
    actions open, overdue and done for several owner agencies."""
    rng = random.Random(seed)
    today = timezone.localdate()
    used = areas[:-1]
    hosts = [AgencyFactory(area=area) for area in used] + [AgencyFactory(kind=AgencyKind.NATIONAL, area=None)]
    owners = [AgencyFactory(kind=AgencyKind.POLICE_FORCE, area=rng.choice(used)) for _ in range(3)]
    isvas = [UserFactory(agency=hosts[0]) for _ in range(6)]
    themes = [ThemeFactory() for _ in range(3)]

    sessions = []
    for host in hosts:
        schedule = DropInScheduleFactory(host_agency=host)
        for n in range(rng.randint(0, 7)):
            sessions.append(
                DropInSession(
                    schedule=schedule,
                    occurrence_key=f"w{seed}-{schedule.pk}-{n}",
                    starts_at=timezone.now() + dt.timedelta(days=n + 1),
                    ends_at=timezone.now() + dt.timedelta(days=n + 1, hours=1),
                    capacity=rng.randint(1, 12),
                    status=rng.choice([SessionStatus.SCHEDULED] * 3 + [SessionStatus.CANCELLED]),
                )
            )
    DropInSession.objects.bulk_create(sessions)
    bookings = []
    for session in sessions:
        for isva in rng.sample(isvas, rng.randint(0, len(isvas))):
            bookings.append(
                Booking(
                    session=session,
                    isva=isva,
                    status=rng.choice(list(BookingStatus)),
                    topic=rng.choice(list(Topic)),
                )
            )
    Booking.objects.bulk_create(bookings)

    for area in used:
        panel = PanelFactory(area=area)
        meetings = [MeetingFactory(panel=panel, held_on=today - dt.timedelta(days=30 * m)) for m in range(2)]
        for _ in range(rng.randint(0, 4)):
            # Now and then a case of another area on this panel: cases count in their own area.
            case = CaseFactory(panel=panel, area=rng.choice(used) if rng.random() < 0.25 else area)
            for meeting in rng.sample(meetings, rng.randint(0, 2)):
                AgendaItemFactory(meeting=meeting, case=case, agreed_score=rng.choice([None, 1, 2, 3, 4]))
            for _ in range(rng.randint(0, 3)):
                finding = FindingFactory(
                    meeting=meetings[0],
                    case=case,
                    theme=rng.choice(themes),
                    kind=rng.choice(list(FindingKind)),
                )
                for _ in range(rng.randint(0, 2)):
                    ActionFactory(
                        finding=finding,
                        owner_agency=rng.choice(owners),
                        status=rng.choice(list(ActionStatus)),
                        due_on=today + dt.timedelta(days=rng.choice([-20, -1, 0, 1, 40])),
                    )


def _same(a: object, b: object) -> bool:
    """Equal values and the same key order (the order is the order rows are shown in)."""
    return json.dumps(a) == json.dumps(b)


def _scrutiny_by_hand(viewer, scope) -> dict:
    """The scrutiny figures of one scope, counted row by row in Python (no grouping, no SQL
    aggregation), gated by the policy's aggregate level for the viewer's audience."""
    audience = aggregate_audience(viewer)
    today = timezone.localdate()

    def in_scope(area_id: int) -> bool:
        return scope is None or area_id == scope.pk

    stats: dict = {"area": scope.name if scope is not None else None}
    if may_aggregate(AgendaItem, "agreed_score", audience):
        items = [
            item
            for item in AgendaItem.objects.filter(agreed_score__isnull=False).select_related("case")
            if in_scope(item.case.area_id)
        ]
        stats["cases_reviewed"] = len({item.case_id for item in items})
        stats["score_distribution"] = {
            str(s): sum(1 for item in items if item.agreed_score == s) for s in (1, 2, 3, 4)
        }
    if may_aggregate(Finding, "theme", audience) and may_aggregate(Finding, "kind", audience):
        findings = [f for f in Finding.objects.select_related("case", "theme") if in_scope(f.case.area_id)]
        themes = sorted({f.theme.name for f in findings})
        kinds = sorted({f.kind for f in findings})
        stats["findings_by_theme"] = {t: sum(1 for f in findings if f.theme.name == t) for t in themes}
        stats["findings_by_kind"] = {k: sum(1 for f in findings if f.kind == k) for k in kinds}
    if may_aggregate(Action, "owner_agency", audience) and may_aggregate(Action, "status", audience):
        actions = [
            a
            for a in Action.objects.select_related("finding__case", "owner_agency")
            if in_scope(a.finding.case.area_id)
        ]
        by_owner: dict = {}
        for action in sorted(actions, key=lambda a: a.owner_agency.name):
            row = by_owner.setdefault(action.owner_agency.name, {"open": 0, "overdue": 0, "closed": 0})
            if action.status == ActionStatus.DONE:
                row["closed"] += 1
            else:
                row["open"] += 1
                row["overdue"] += action.due_on < today
        stats["actions_by_owner_agency"] = by_owner
    return stats


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_grouped_figures_equal_the_figures_counted_by_hand(
    seed, governance_member, evaluator, coordinator, area, other_area
) -> None:
    areas = [area, other_area, AreaFactory(), AreaFactory()]
    _build_world(seed, areas)
    for viewer in (governance_member, evaluator, coordinator):
        # Every area, and a subset (the others' rows still count nationally).
        for listed in (areas, areas[1:3]):
            grouped = governance_stats_by_scope(viewer=viewer, areas=listed)
            assert list(grouped) == [None, *(a.pk for a in listed)]
            for scope in [None, *listed]:
                expected = _scrutiny_by_hand(viewer, scope)
                got = grouped[scope.pk if scope is not None else None]
                assert _same(got, expected), (viewer.email, scope, got, expected)
    for listed in (areas, areas[1:3]):
        grouped = dropin_stats_by_scope(viewer=governance_member, areas=listed)
        assert list(grouped) == [None, *(a.pk for a in listed)]
        for scope in [None, *listed]:
            expected = dropin_stats(viewer=governance_member, area=scope)
            assert _same(grouped[scope.pk if scope is not None else None], expected), scope
    # The world is not trivial: something counted in more than one area, nationally the sum.
    national = dropin_stats_by_scope(viewer=governance_member, areas=areas)
    assert national[None]["sessions_offered"] >= sum(national[a.pk]["sessions_offered"] for a in areas)


def test_grouped_figures_refuse_or_are_empty_exactly_as_the_per_scope_ones(
    isva, panel_member, evaluator, area, other_area
) -> None:
    for viewer in (isva, panel_member):
        assert governance_stats_by_scope(viewer=viewer, areas=[]) == {None: {}}
        assert governance_stats_by_scope(viewer=viewer, areas=[area, other_area]) == {
            None: {},
            area.pk: {},
            other_area.pk: {},
        }
    for viewer in (isva, evaluator):
        with pytest.raises(PermissionDenied):
            dropin_stats(viewer=viewer)
        with pytest.raises(PermissionDenied):
            dropin_stats_by_scope(viewer=viewer, areas=[area])


def test_an_evaluator_reads_raw_counts_and_the_national_figure_is_the_raw_sum(
    evaluator, area, other_area
) -> None:
    """Each area has 3 cases reviewed; nationally 6: the sum of the raw counts. The selectors
    suppress nothing (scrutiny.governance.figures does, for every route): the API shows the
    nation's 6 and neither area's 3, and 3 + 3 with both hidden cannot be solved."""
    for scope_area in (area, other_area):
        panel = PanelFactory(area=scope_area)
        meeting = MeetingFactory(panel=panel)
        for _ in range(3):
            AgendaItemFactory(meeting=meeting, case=CaseFactory(panel=panel), agreed_score=2)
    grouped = governance_stats_by_scope(viewer=evaluator, areas=[area, other_area])
    assert grouped[area.pk]["cases_reviewed"] == 3 and grouped[other_area.pk]["cases_reviewed"] == 3
    assert grouped[None]["cases_reviewed"] == 6
    assert grouped[None]["score_distribution"] == {"1": 0, "2": 6, "3": 0, "4": 0}
    client = signed_in_client(evaluator)
    api = reverse("api-v1:scrutiny_figures")
    assert client.get(api).json()["cases_reviewed"] == 6
    for scope_area in (area, other_area):
        assert client.get(api, {"area_id": scope_area.pk}).json()["cases_reviewed"] == "suppressed"


def test_grouped_reads_take_the_same_queries_for_two_areas_as_for_many(governance_member) -> None:
    dropin_stats_by_scope(viewer=governance_member, areas=[])  # the viewer's permissions, loaded once
    counts = []
    for number in (2, 8):
        areas = [AreaFactory() for _ in range(number)]
        _build_world(number, [*areas, AreaFactory()])
        with CaptureQueriesContext(connection) as queries:
            governance_stats_by_scope(viewer=governance_member, areas=areas)
            dropin_stats_by_scope(viewer=governance_member, areas=areas)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 5, counts
