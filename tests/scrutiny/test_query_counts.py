"""Query counts of the case list, case review and meeting pages (and the live meeting fragment and
the API case list): each page's own queries exactly, per role, the same at 10 and at 1,000 cases
on the panel (and with more findings and actions); with the shared chrome, at most 12."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.middleware import ACTIVITY_WRITE_GRANULARITY, LAST_ACTIVITY_SESSION_KEY
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


# The shared page chrome (agencies/config, not this app): the session, the signed-in user, the
# MFA device, permission caches, the unread-notification count. Told apart by the table each
# statement starts on, so the budgets below are this app's own queries and stay exact whatever
# the chrome costs (the total is checked against the 12-query target separately).
CHROME_TABLES = (
    "django_session",
    "agencies_user",
    "otp_totp_totpdevice",
    "otp_static_staticdevice",
    "auth_permission",
    "agencies_notification",
)
FIRST_TABLE = re.compile(r'^\s*(?:SELECT .*? FROM|INSERT INTO|UPDATE|DELETE FROM)\s+"(\w+)"', re.S)

# Each page's own queries, exactly, for each role (the same at 10 and 1,000 cases). The audit
# insert is one statement that also reads the hash chain's head (scrutiny/audit/):
OWN = {
    # panel, the viewer's facts (active memberships UNION agency area: permissions.user_access_facts), the
    # cases' count (the paginator) and one page of them with the viewer's agreement/declaration facts
    # annotated, the access-audit insert
    "case-list": dict.fromkeys(("coordinator", "independent", "chair", "presenting"), 5),
    # case (with the viewer's facts), viewer facts, audit insert, decision points, extracts,
    # reviews, their assessments; + the source key for keyholders (coordinator, presenting agency);
    # + meetings where it can be reviewed, for members only (the presenting agency's officer is a
    # member too); the coordinator does not review but gets the second-person overrides on the
    # case's texts (one query; the re-identification report only for drafts and flagged cases)
    "case-detail": {"coordinator": 9, "independent": 8, "chair": 8, "presenting": 9},
    # meeting with panel, viewer facts, agenda (cases, review counts and the viewer's facts
    # annotated), findings, their actions, the actions' updates, attendance, audit insert; + the
    # released cases not on the agenda (ids and pseudonyms) for the coordinator's "add" list
    "meeting": {"coordinator": 9, "independent": 8, "chair": 8, "presenting": 8},
    # the meeting page's live part: the same without the "add" list
    "meeting-live": dict.fromkeys(("coordinator", "independent", "chair", "presenting"), 8),
    # as the case list page (its count, then the offset/limit slice)
    "api-cases": dict.fromkeys(("coordinator", "independent", "chair", "presenting"), 5),
}
TOTAL_TARGET = 12  # issue 8: at most 12 queries per page, chrome included


def _is_chrome(sql: str) -> bool:
    match = FIRST_TABLE.match(sql)
    return match is not None and match.group(1) in CHROME_TABLES


def _is_transaction_control(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))


def _is_own(sql: str) -> bool:
    return not _is_chrome(sql) and not _is_transaction_control(sql)


def _shape(sql: str) -> str:
    """A statement without its values: the verb and the first table (or the transaction verb)."""
    if _is_transaction_control(sql):
        return sql.split()[0].upper()
    match = FIRST_TABLE.match(sql)
    return f"{sql.split()[0].upper()} {match.group(1) if match else '?'}"


def _fresh_activity(client: Any) -> None:
    """Stamp the idle-timeout activity time now, so the request does not save it again (it is
    saved at most every 15 s, which a slow test run can cross between any two requests);
    test_activity_stamp_is_the_only_periodic_write measures the save itself."""
    session = client.session
    if LAST_ACTIVITY_SESSION_KEY in session:
        session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())
        session.save()


def _queries(client: Any, url: str) -> list[str]:
    _fresh_activity(client)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in queries.captured_queries]


def _count(client: Any, url: str) -> int:
    return len(_queries(client, url))


def _counts(world: Any) -> tuple[dict[str, int], dict[str, int]]:
    """(own queries, total queries) per page/role."""
    own, total = {}, {}
    for name in ("coordinator", "independent", "chair", "presenting"):
        client = signed_in_client(world.users[name])
        client.get("/")  # warm the session and site caches
        pages = {
            "case-list": reverse("scrutiny:case-list", args=[world.panel.pk]),
            "case-detail": reverse("scrutiny:case-detail", args=[world.case.pk]),
            "meeting": reverse("scrutiny:meeting-detail", args=[world.meeting.pk]),
            "meeting-live": reverse("scrutiny:meeting-fragment", args=[world.meeting.pk]),
            "api-cases": reverse("api-v1:scrutiny_cases", args=[world.panel.pk]),
        }
        for page, url in pages.items():
            sql = _queries(client, url)
            own[f"{page}/{name}"] = sum(1 for q in sql if _is_own(q))
            total[f"{page}/{name}"] = len(sql)
    return own, total


@pytest.mark.django_db
def test_page_queries_are_the_same_at_10_and_1000_cases(
    roles, area, other_area, cps_agency, coordinator
) -> None:
    world = build_world(area=area, other_area=other_area, cps_agency=cps_agency, coordinator=coordinator)
    _add_cases(world, 10)
    small_own, small_total = _counts(world)
    _add_cases(world, 1000)
    assert Case.objects.filter(panel=world.panel).count() == 1000
    large_own, large_total = _counts(world)
    print("own queries at 1000 cases:", large_own, "totals:", large_total)
    assert small_total == large_total
    assert small_own == large_own
    expected = {f"{page}/{name}": n for page, by_role in OWN.items() for name, n in by_role.items()}
    assert large_own == expected
    over = {key: n for key, n in large_total.items() if n > TOTAL_TARGET}
    assert over == {}, large_total


@pytest.mark.django_db
def test_activity_stamp_is_the_only_periodic_write(world) -> None:
    """The meeting page's count varied (19/22) with the idle-timeout activity stamp, which is saved
    when the last one is 15 s old or more. With a stale stamp the page does its same own queries,
    and what it adds is the session save and nothing else."""
    client = signed_in_client(world.users["chair"])
    client.get("/")
    url = reverse("scrutiny:meeting-detail", args=[world.meeting.pk])
    fresh = _queries(client, url)
    session = client.session
    stale = int(time.time()) - ACTIVITY_WRITE_GRANULARITY - 1
    session[LAST_ACTIVITY_SESSION_KEY] = stale
    session.save()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    with_stamp = [q["sql"] for q in captured.captured_queries]
    assert client.session[LAST_ACTIVITY_SESSION_KEY] > stale  # the stamp was written
    assert [_shape(q) for q in with_stamp if _is_own(q)] == [_shape(q) for q in fresh if _is_own(q)]
    assert sum(1 for q in fresh if _is_own(q)) == OWN["meeting"]["chair"]
    added = Counter(_shape(q) for q in with_stamp) - Counter(_shape(q) for q in fresh)
    assert sum(added.values()) == len(with_stamp) - len(fresh)
    session_write = {"UPDATE django_session", "INSERT django_session", "SAVEPOINT", "RELEASE"}
    assert set(added) <= session_write, added


@pytest.mark.django_db
def test_redact_only_computes_the_named_fields_as_the_policy_says(area) -> None:
    """redact(..., only=...) is how a page heading skips the panel's police forces: each field it
    gives is exactly what full redaction gives, and it never adds one the policy withholds."""
    from scrutiny.models import Panel
    from scrutiny.redaction import Audience, redact

    panel = Panel.objects.create(name="North panel", code="np", area=area, terms_of_reference="terms")
    wanted = ("id", "name", "terms_of_reference", "police_forces")
    for audience in Audience:
        full = redact(panel, audience)
        assert redact(panel, audience, only=wanted) == {k: v for k, v in full.items() if k in wanted}
    assert redact(panel, Audience.EVALUATOR, only=("terms_of_reference",)) == {}
    assert redact(panel, Audience.CHAIR, only=("id", "name")) == {"id": panel.pk, "name": "North panel"}


@pytest.mark.django_db
def test_meeting_page_queries_do_not_grow_with_findings_and_actions(world) -> None:
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


@pytest.mark.django_db
def test_coordinator_add_list_is_bounded_and_any_case_can_be_added_by_pseudonym(world) -> None:
    """The coordinator's "add to agenda" list listed every released case of the panel (10,000 in
    bench/data_growth: a 6 s, 400 KiB page); it lists AGENDA_CHOICES and takes a pseudonym for the rest."""
    from scrutiny.models import AgendaItem
    from scrutiny.selectors import AGENDA_CHOICES

    _add_cases(world, AGENDA_CHOICES + 10)
    client = signed_in_client(world.users["coordinator"])
    url = reverse("scrutiny:meeting-detail", args=[world.other_meeting.pk])
    response = client.get(url)
    assert response.status_code == 200
    listed = response.context["addable"]
    assert len(listed) == AGENDA_CHOICES and response.context["addable_more"] is True
    assert b'name="pseudonym"' in response.content
    unlisted = (
        Case.objects.filter(panel=world.panel, status=CaseStatus.RELEASED)
        .exclude(pk__in=[row["id"] for row in listed])
        .order_by("-pseudonym")
        .first()
    )
    add = reverse("scrutiny:agenda-add", args=[world.other_meeting.pk])
    for hostile in ("NO-SUCH-CASE", "BULK\x00", "x" * 5000, world.draft.pseudonym):
        assert client.post(add, {"pseudonym": hostile}).status_code == 302
        assert not AgendaItem.objects.filter(meeting=world.other_meeting).exists()
    assert client.post(add, {"pseudonym": f" {unlisted.pseudonym.lower()} "}).status_code == 302
    assert list(AgendaItem.objects.filter(meeting=world.other_meeting).values_list("case_id", flat=True)) == [
        unlisted.pk
    ]
    # Someone else's panel's case is not found by its pseudonym either.
    other = Case.objects.exclude(panel=world.panel).first()
    if other is not None:
        client.post(add, {"pseudonym": other.pseudonym})
        assert AgendaItem.objects.filter(meeting=world.other_meeting).count() == 1
