"""Query counts of the case list, case review and meeting pages do not grow with the number of
cases: the same at 10 and at 1,000 cases on the panel (and with a full agenda of findings)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scrutiny.models import Case, CaseStatus, InvolvementDeclaration
from tests.conftest import signed_in_client
from tests.scrutiny.conftest import CASE_FIELDS, build_world


def _add_cases(world: Any, total: int) -> None:
    """Bring the panel to `total` released cases (bulk: the count, not the intake, is under test),
    declared on by every member so the list shows every row in full."""
    existing = Case.objects.filter(panel=world.panel).count()
    presenting = world.case.presenting_agency
    cases = Case.objects.bulk_create(
        [
            Case(
                panel=world.panel,
                area=world.panel.area,
                pseudonym=f"BULK-{existing + n:05d}",
                presenting_agency=presenting,
                status=CaseStatus.RELEASED,
                created_by=world.users["coordinator"],
                **CASE_FIELDS,
            )
            for n in range(total - existing)
        ]
    )
    declarations = [
        InvolvementDeclaration(case=case, user=world.users[name], involved=False)
        for case in cases
        for name in ("independent", "chair")
    ]
    InvolvementDeclaration.objects.bulk_create(declarations)


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _counts(world: Any) -> dict[str, int]:
    out = {}
    for name in ("coordinator", "independent", "chair"):
        client = signed_in_client(world.users[name])
        client.get("/")  # warm the session and site caches
        out[f"case-list/{name}"] = _count(client, reverse("scrutiny:case-list", args=[world.panel.pk]))
        out[f"case-detail/{name}"] = _count(client, reverse("scrutiny:case-detail", args=[world.case.pk]))
        out[f"meeting/{name}"] = _count(client, reverse("scrutiny:meeting-detail", args=[world.meeting.pk]))
        out[f"meeting-live/{name}"] = _count(
            client, reverse("scrutiny:meeting-fragment", args=[world.meeting.pk])
        )
        out[f"api-cases/{name}"] = _count(client, reverse("api-v1:scrutiny_cases", args=[world.panel.pk]))
    return out


@pytest.mark.django_db
def test_page_queries_are_the_same_at_10_and_1000_cases(
    roles, area, other_area, cps_agency, coordinator
) -> None:  # type: ignore[no-untyped-def]
    world = build_world(area=area, other_area=other_area, cps_agency=cps_agency, coordinator=coordinator)
    _add_cases(world, 10)
    small = _counts(world)
    _add_cases(world, 1000)
    assert Case.objects.filter(panel=world.panel).count() == 1000
    large = _counts(world)
    print("query counts at 10 and 1000 cases:", large)
    assert small == large
    # Budgets (measured 14 / 16-17 / 19-23): 6 queries are the shared chrome (session, user, MFA
    # device, two permission caches, unread notifications) and 1 is the audit insert.
    budgets = {"case-list": 16, "case-detail": 19, "meeting": 25, "meeting-live": 25, "api-cases": 15}
    over = {name: n for name, n in large.items() if n > budgets[name.split("/")[0]]}
    assert over == {}, large


@pytest.mark.django_db
def test_meeting_page_queries_do_not_grow_with_findings_and_actions(world) -> None:  # type: ignore[no-untyped-def]
    from scrutiny import services

    client = signed_in_client(world.users["chair"])
    client.get("/")
    url = reverse("scrutiny:meeting-detail", args=[world.meeting.pk])
    before = _count(client, url)
    chair = world.users["chair"]
    for case in world.cases[1:3]:
        finding = services.finding_record(
            actor=chair,
            meeting=world.meeting,
            case=case,
            theme=world.finding.theme,
            kind="learning",
            text="more",
        )
        for _ in range(3):
            action = services.action_record(
                actor=chair,
                finding=finding,
                description="another action",
                owner_agency=world.action.owner_agency,
                owner_role="unit head",
                due_on=dt.date(2026, 9, 1),
            )
            services.action_update(actor=chair, action=action, text="started", status="in_progress")
    assert _count(client, url) == before
