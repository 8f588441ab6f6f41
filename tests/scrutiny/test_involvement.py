"""Involvement is a wall, not a door (issue 13 point 4), tried from the intruder's side.

A member who declared prior involvement in a case must see nothing of it on any channel: not its
review, scores, findings, actions or agenda line, not in the CSV/XLSX exports, the JSON API, the
live meeting socket or their notifications. The wall is per case: the same person still sees the
panel's other cases. An involved chair hands that case's chairing to another member. The panel
role decides the audience before the employer does (an observer from the presenting agency stays
an observer), and counts derived from reviews reach only the audiences that may see reviews.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import Notification
from agencies.roles import Role
from scrutiny import permissions, services
from scrutiny.models import (
    AccessEvent,
    AccessVerb,
    AgendaItem,
    CaseStatus,
    InvolvementDeclaration,
    PanelRole,
)
from scrutiny.redaction import Audience
from tests.conftest import signed_in_client
from tests.factories import UserFactory
from tests.scrutiny.conftest import CANARIES
from tests.scrutiny.test_leak_matrix import canaries_in, websocket_text

WALLED = {"finding", "action", "owner", "update", "notes", "decision", "extract_ok", "urn", "crime"}
MISSING_ID = 2**31 - 1  # no record has this id


def _normalised(response) -> str:
    """The page without what differs between any two responses (CSRF tokens, CSP nonces, and the
    session's seconds left, which tick between the two requests)."""
    return re.sub(r'(nonce|value|content|data-expires-in)="[^"]*"', r'\1=""', response.content.decode())


def _xlsx(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r if c)


def _declared_member(world, *, email, like, role, involved_in=None):
    """A panel member of the agency of `world.users[like]`, with the agreement accepted and an
    involvement declared for every case: involved in `involved_in` only."""
    user = UserFactory(email=email, agency=world.users[like].agency, roles=[Role.PANEL_MEMBER])
    services.membership_add(actor=None, panel=world.panel, user=user, role=role)
    services.agreement_accept(actor=user, agreement=permissions.current_agreement())
    for case in world.cases:
        services.involvement_declare(actor=user, case=case, involved=case == involved_in)
    return user


def _partly_involved(world):
    """An independent member involved in the canary case only (no prior involvement in the rest)."""
    return _declared_member(
        world,
        email="partly@independent.example.org",
        like="independent",
        role=PanelRole.INDEPENDENT,
        involved_in=world.case,
    )


def _other_finding(world):
    """A finding on another case of the same meeting (the wall is per case, not per panel)."""
    finding = services.finding_record(
        actor=world.users["chair"],
        meeting=world.meeting,
        case=world.cases[1],
        theme=world.finding.theme,
        kind="learning",
        text="agreed zqxotherfinding",
    )
    # Members see a meeting text once someone other than its author has checked it.
    return services.meeting_text_confirm(actor=world.users["coordinator"], obj=finding, redactions={})


def _refusals(user) -> int:
    return AccessEvent.objects.filter(actor=user, verb=AccessVerb.REFUSED).count()


# The wall on every channel ------------------------------------------------------------------------


@pytest.mark.django_db
def test_involved_member_sees_nothing_of_the_case_on_the_meeting_page(world) -> None:
    user = _partly_involved(world)
    _other_finding(world)
    client = signed_in_client(user)
    for name in ("scrutiny:meeting-detail", "scrutiny:meeting-fragment"):
        response = client.get(reverse(name, args=[world.meeting.pk]))
        assert response.status_code == 200
        page = response.content.decode()
        assert canaries_in(page) & WALLED == set(), name
        # Not even the agenda line: no pseudonym, no link, no score for the walled case.
        assert world.case.pseudonym not in page, name
        assert "zqxotherfinding" in page and world.cases[1].pseudonym in page, name
        assert world.case.pk not in {row["case"]["id"] for row in response.context["agenda"]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.django_db
def test_involved_member_gets_no_row_of_the_case_in_exports(world, fmt) -> None:
    user = _partly_involved(world)
    other = _other_finding(world)
    client = signed_in_client(user)
    findings = client.get(reverse("scrutiny:findings-export", args=[world.panel.pk, fmt]))
    actions = client.get(reverse("scrutiny:actions-export", args=[world.panel.pk, fmt]))
    assert findings.status_code == actions.status_code == 200
    read = _xlsx if fmt == "xlsx" else (lambda content: content.decode())
    assert canaries_in(read(findings.content) + read(actions.content)) & WALLED == set()
    assert "zqxotherfinding" in read(findings.content)
    assert str(other.pk) in read(findings.content)


@pytest.mark.django_db
def test_involved_member_gets_nothing_of_the_case_from_the_api(world) -> None:
    user = _partly_involved(world)
    _other_finding(world)
    client = signed_in_client(user)
    urls = [
        reverse("api-v1:scrutiny_meeting", args=[world.meeting.pk]),
        reverse("api-v1:scrutiny_findings", args=[world.panel.pk]),
        reverse("api-v1:scrutiny_actions", args=[world.panel.pk]),
        reverse("api-v1:scrutiny_cases", args=[world.panel.pk]),
        reverse("api-v1:scrutiny_meetings", args=[world.panel.pk]),
    ]
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.json()
        assert canaries_in(response.content.decode()) & WALLED == set(), url
    meeting = bodies[urls[0]]
    assert world.case.pk not in {row["case"]["id"] for row in meeting["agenda"]}
    assert {f["case"] for f in meeting["findings"]} == {world.cases[1].pk}
    assert {f["case"] for f in bodies[urls[1]]["items"]} == {world.cases[1].pk}
    assert bodies[urls[2]]["items"] == []  # the only action is on the walled case's finding
    assert world.case.pk not in {c["id"] for c in bodies[urls[3]]["items"]}
    # The meeting's case count does not count the walled case either.
    [listed] = [m for m in bodies[urls[4]]["items"] if m["id"] == world.meeting.pk]
    assert listed.get("case_count") in (None, len(world.cases) - 1)
    # The case itself and its reviews: answered exactly as a case that does not exist (a wall, not
    # a door), and every refusal is audited.
    before = _refusals(user)
    for name in ("api-v1:scrutiny_case", "api-v1:scrutiny_reviews"):
        response = client.get(reverse(name, args=[world.case.pk]))
        missing = client.get(reverse(name, args=[MISSING_ID]))
        assert response.status_code == missing.status_code == 404, name
        assert response.json() == missing.json() == {"detail": "Not found."}, name
        assert canaries_in(response.content.decode()) == set()
        assert world.case.pseudonym not in response.content.decode()
    assert _refusals(user) == before + 2


@pytest.mark.django_db
def test_involved_member_gets_nothing_of_the_case_on_the_socket(world) -> None:
    user = _partly_involved(world)
    _other_finding(world)
    frames = websocket_text(world, user)
    assert canaries_in(frames) & WALLED == set()
    assert "zqxotherfinding" in frames
    for frame in json.loads(frames):
        findings = frame["findings"] if "findings" in frame else frame["meeting"]["findings"]
        assert {f["case"] for f in findings} == {world.cases[1].pk}


@pytest.mark.django_db
def test_direct_urls_to_the_walled_case_records_are_refused_and_audited(world) -> None:
    user = _partly_involved(world)
    client = signed_in_client(user)
    before = _refusals(user)
    urls = [
        reverse("scrutiny:case-detail", args=[world.case.pk]),
        reverse("scrutiny:review-submit", args=[world.case.pk, world.meeting.pk]),
        reverse("scrutiny:action-update", args=[world.action.pk]),
        reverse("scrutiny:action-create", args=[world.finding.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert canaries_in(response.content.decode()) & WALLED == set(), url
        assert world.case.pseudonym not in response.content.decode(), url
    response = client.post(
        reverse("scrutiny:action-update", args=[world.action.pk]), {"status": "done", "text": "closing it"}
    )
    assert response.status_code == 404
    world.action.refresh_from_db()
    assert world.action.status != "done"
    assert _refusals(user) >= before + len(urls) + 1
    refused = AccessEvent.objects.filter(actor=user, verb=AccessVerb.REFUSED)
    assert {e.panel_id for e in refused} == {world.panel.pk}


@pytest.mark.django_db
def test_a_walled_case_answers_exactly_like_a_case_that_does_not_exist(world) -> None:
    """Its page, its declaration page and its legal-hold page: 404, the same page as for an id
    no case has, never the pseudonym; the refusal is still in the audit. The panel's other cases
    stay open to the same person."""
    user = _partly_involved(world)
    client = signed_in_client(user)
    before = _refusals(user)
    names = ("scrutiny:case-detail", "scrutiny:case-declare", "scrutiny:case-legal-hold")
    for name in names:
        walled = client.get(reverse(name, args=[world.case.pk]))
        missing = client.get(reverse(name, args=[MISSING_ID]))
        assert walled.status_code == missing.status_code == 404, name
        assert _normalised(walled) == _normalised(missing), name
        assert world.case.pseudonym not in walled.content.decode(), name
    declared = client.post(reverse("scrutiny:case-declare", args=[world.case.pk]), {"involved": "no"})
    assert declared.status_code == 404
    assert InvolvementDeclaration.objects.get(user=user, case=world.case).involved
    assert _refusals(user) == before + len(names) + 1
    refused = AccessEvent.objects.filter(actor=user, verb=AccessVerb.REFUSED).order_by("-pk")
    refused = refused[: len(names) + 1]
    assert {e.object_id for e in refused} == {world.case.pk}
    assert client.get(reverse("scrutiny:case-detail", args=[world.cases[1].pk])).status_code == 200


@pytest.mark.django_db
def test_the_pseudonym_of_the_walled_case_reaches_the_involved_member_nowhere(world) -> None:
    """Every page, file, API answer and socket frame a panel member uses to find cases, after
    a finding and an action on the walled case (notified to the rest of their agency)."""
    user = _partly_involved(world)
    _other_finding(world)
    finding = services.finding_record(
        actor=world.users["chair"],
        meeting=world.meeting,
        case=world.case,
        theme=world.finding.theme,
        kind="concern",
        text="agreed zqxnotforthem",
    )
    services.action_record(
        actor=world.users["chair"],
        finding=finding,
        description="do more",
        owner_agency=user.agency,
        owner_role="lead",
        due_on=dt.date(2030, 1, 31),
    )
    client = signed_in_client(user)
    urls = [
        reverse("scrutiny:panel-list"),
        reverse("scrutiny:panel-detail", args=[world.panel.pk]),
        reverse("scrutiny:case-list", args=[world.panel.pk]),
        reverse("scrutiny:meeting-detail", args=[world.meeting.pk]),
        reverse("scrutiny:meeting-fragment", args=[world.meeting.pk]),
        reverse("agencies:notifications"),
        *(
            reverse(f"scrutiny:{what}-export", args=[world.panel.pk, "csv"])
            for what in ("findings", "actions")
        ),
        reverse("api-v1:scrutiny_panels"),
        reverse("api-v1:scrutiny_meeting", args=[world.meeting.pk]),
        reverse("api-v1:scrutiny_meetings", args=[world.panel.pk]),
        reverse("api-v1:scrutiny_cases", args=[world.panel.pk]),
        reverse("api-v1:scrutiny_findings", args=[world.panel.pk]),
        reverse("api-v1:scrutiny_actions", args=[world.panel.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert world.case.pseudonym not in body, url
        assert "zqxnotforthem" not in body, url
    xlsx = client.get(reverse("scrutiny:findings-export", args=[world.panel.pk, "xlsx"]))
    assert world.case.pseudonym not in _xlsx(xlsx.content)
    frames = websocket_text(world, user)
    assert world.case.pseudonym not in frames and "zqxnotforthem" not in frames
    # The same pages name the panel's other cases to them (the wall is per case).
    cases = client.get(reverse("scrutiny:case-list", args=[world.panel.pk])).content.decode()
    assert world.cases[1].pseudonym in cases


@pytest.mark.django_db
def test_involved_member_is_not_notified_of_the_case(world) -> None:
    user = _partly_involved(world)
    # A finding on the walled case and an action assigned to the involved member's own agency.
    finding = services.finding_record(
        actor=world.users["chair"],
        meeting=world.meeting,
        case=world.case,
        theme=world.finding.theme,
        kind="concern",
        text="agreed again",
    )
    services.action_record(
        actor=world.users["chair"],
        finding=finding,
        description="do more",
        owner_agency=user.agency,
        owner_role="lead",
        due_on=dt.date(2020, 1, 31),
    )
    from scrutiny.governance.overdue import flag_overdue_actions

    flag_overdue_actions(today=dt.date(2026, 1, 1))
    assert Notification.objects.filter(recipient=user).count() == 0
    # The other members of the same agency are told (the notifications are not simply gone).
    assert Notification.objects.filter(recipient=world.users["independent"]).count() >= 2
    client = signed_in_client(user)
    index = client.get(reverse("scrutiny:panel-list")).content.decode()
    assert "do more" not in index and "lead" not in index
    _other_finding(world)
    assert Notification.objects.filter(recipient=user).count() == 1


# The involved chair hands over ---------------------------------------------------------------------


def _involve_chair(world):
    chair = world.users["chair"]
    InvolvementDeclaration.objects.filter(user=chair, case=world.case).update(involved=True)
    permissions.forget(chair)  # the world's own calls cached the chair's facts on this object
    return chair


def _item(world) -> AgendaItem:
    return AgendaItem.objects.get(meeting=world.meeting, case=world.case)


@pytest.mark.django_db
def test_involved_chair_cannot_score_or_record_findings_for_the_case(world) -> None:
    chair = _involve_chair(world)
    client = signed_in_client(chair)
    item = _item(world)
    response = client.post(reverse("scrutiny:agreed-score", args=[item.pk]), {"score": "3"})
    assert response.status_code in (403, 404)
    item.refresh_from_db()
    assert item.agreed_score is None
    response = client.post(
        reverse("scrutiny:finding-create", args=[world.meeting.pk]),
        {"case": str(world.case.pk), "theme": str(world.finding.theme.pk), "kind": "learning", "text": "x"},
    )
    assert response.status_code in (400, 403)
    assert world.case.findings.count() == 1
    with pytest.raises(Exception):  # noqa: B017, PT011 - PermissionDenied or ValidationError
        services.finding_record(
            actor=chair,
            meeting=world.meeting,
            case=world.case,
            theme=world.finding.theme,
            kind="learning",
            text="x",
        )
    with pytest.raises(Exception):  # noqa: B017, PT011
        services.agreed_score_record(actor=chair, item=item, score=2)
    # The chair still chairs the other cases of the meeting.
    other = AgendaItem.objects.get(meeting=world.meeting, case=world.cases[1])
    assert client.post(reverse("scrutiny:agreed-score", args=[other.pk]), {"score": "2"}).status_code == 302
    other.refresh_from_db()
    assert other.agreed_score == 2
    # And the held-text check of the walled case's findings is not the involved chair's either.
    assert not permissions.can_chair_case(chair, world.meeting, world.case)
    page = client.get(reverse("scrutiny:meeting-detail", args=[world.meeting.pk])).content.decode()
    assert canaries_in(page) & WALLED == set()


@pytest.mark.django_db
def test_involved_chair_hands_the_case_to_another_member_who_then_chairs_it(world) -> None:
    from scrutiny.models import ActingChair

    chair = _involve_chair(world)
    item = _item(world)
    acting = world.users["independent"]
    membership = permissions.membership_of(acting, world.panel.pk)
    client = signed_in_client(chair)
    url = reverse("scrutiny:acting-chair", args=[world.meeting.pk])
    form = client.get(url)
    assert form.status_code == 200
    page = form.content.decode()
    assert canaries_in(page) & WALLED == set()
    # Hostile and wrong choices: a clear 400, nothing written.
    observer = permissions.membership_of(world.users["observer"], world.panel.pk)
    involved = permissions.membership_of(world.users["involved"], world.panel.pk)
    other_panel = permissions.membership_of(world.users["other_panel_member"], world.other_panel.pk)
    own = permissions.membership_of(chair, world.panel.pk)
    for data in (
        {"item": str(item.pk), "membership": str(observer.pk)},
        {"item": str(item.pk), "membership": str(involved.pk)},
        {"item": str(item.pk), "membership": str(other_panel.pk)},
        {"item": str(item.pk), "membership": str(own.pk)},
        {"item": str(item.pk), "membership": "abc"},
        {"item": "9" * 30, "membership": str(membership.pk)},
        {"item": str(item.pk)},
        {},
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert not ActingChair.objects.exists(), data
    # The chair may not hand over a case they are not involved in (they chair it themselves).
    other_item = AgendaItem.objects.get(meeting=world.meeting, case=world.cases[1])
    response = client.post(url, {"item": str(other_item.pk), "membership": str(membership.pk)})
    assert response.status_code in (400, 403)
    assert not ActingChair.objects.exists()

    response = client.post(url, {"item": str(item.pk), "membership": str(membership.pk)})
    assert response.status_code == 302
    handover = ActingChair.objects.get()
    assert handover.agenda_item_id == item.pk and handover.membership_id == membership.pk
    assert AccessEvent.objects.filter(
        actor=chair, verb=AccessVerb.EDIT, object_type="actingchair", object_id=handover.pk
    ).exists()

    acting_client = signed_in_client(acting)
    page = acting_client.get(reverse("scrutiny:meeting-detail", args=[world.meeting.pk])).content.decode()
    assert reverse("scrutiny:agreed-score", args=[item.pk]) in page
    assert reverse("scrutiny:agreed-score", args=[other_item.pk]) not in page
    assert (
        acting_client.post(reverse("scrutiny:agreed-score", args=[item.pk]), {"score": "3"}).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.agreed_score == 3
    # Only for that case: the acting chair does not chair the rest of the meeting.
    assert (
        acting_client.post(reverse("scrutiny:agreed-score", args=[other_item.pk]), {"score": "1"}).status_code
        == 403
    )
    form = acting_client.get(reverse("scrutiny:finding-create", args=[world.meeting.pk]))
    assert form.status_code == 200
    assert [c for c, _ in form.context["form"].fields["case"].choices if c] == [world.case.pk]
    response = acting_client.post(
        reverse("scrutiny:finding-create", args=[world.meeting.pk]),
        {
            "case": str(world.case.pk),
            "theme": str(world.finding.theme.pk),
            "kind": "learning",
            "text": "agreed",
        },
    )
    assert response.status_code == 302
    assert world.case.findings.count() == 2
    assert acting_client.post(reverse("scrutiny:meeting-close", args=[world.meeting.pk])).status_code == 403
    # The involved chair still sees nothing of it.
    page = client.get(reverse("scrutiny:meeting-detail", args=[world.meeting.pk])).content.decode()
    assert world.case.pseudonym not in page


@pytest.mark.django_db
def test_coordinator_appoints_an_acting_chair_and_outsiders_cannot(world) -> None:
    from scrutiny.models import ActingChair

    _involve_chair(world)
    item = _item(world)
    membership = permissions.membership_of(world.users["isva_member"], world.panel.pk)
    url = reverse("scrutiny:acting-chair", args=[world.meeting.pk])
    data = {"item": str(item.pk), "membership": str(membership.pk)}
    for name in ("independent", "observer", "involved", "cps_member"):
        response = signed_in_client(world.users[name]).post(url, data)
        assert response.status_code == 403, name
    assert not ActingChair.objects.exists()
    response = signed_in_client(world.users["coordinator"]).post(url, data)
    assert response.status_code == 302
    assert ActingChair.objects.get().membership_id == membership.pk
    # A second hand-over replaces the first (one acting chair per case and meeting).
    other = permissions.membership_of(world.users["independent"], world.panel.pk)
    response = signed_in_client(world.users["coordinator"]).post(url, {**data, "membership": str(other.pk)})
    assert response.status_code == 302
    assert ActingChair.objects.get().membership_id == other.pk


# The panel role decides the audience first ----------------------------------------------------------


def _presenting_observer(world):
    """An observer employed by the presenting police force."""
    return _declared_member(
        world, email="observer@test-police.example.org", like="presenting", role=PanelRole.OBSERVER
    )


@pytest.mark.django_db
def test_an_observer_from_the_presenting_agency_stays_an_observer(world) -> None:
    user = _presenting_observer(world)
    assert permissions.audience_for(user, world.case) == Audience.OBSERVER
    assert not permissions.can_view_case_key(user, world.case)
    client = signed_in_client(user)
    case = client.get(reverse("api-v1:scrutiny_case", args=[world.case.pk]))
    assert case.status_code == 200
    body = case.json()
    assert body["audience"] == "observer" and body["key"] == {}
    assert body["data"]["offence_month"] == "May 2023"
    found = canaries_in(case.content.decode())
    assert not found & {"urn", "crime", "extract_flagged", "offence_month"}
    reviews = client.get(reverse("api-v1:scrutiny_reviews", args=[world.case.pk]))
    assert reviews.status_code == 200 and reviews.json()["items"] == []
    page = client.get(reverse("scrutiny:case-detail", args=[world.case.pk])).content.decode()
    assert not canaries_in(page) & {"urn", "crime", "extract_flagged", "notes", "offence_month"}
    # A member (not an observer) of the presenting agency still gets the presenting agency's access.
    assert permissions.audience_for(world.users["presenting"], world.case) == Audience.PRESENTING_AGENCY


@pytest.mark.django_db
def test_review_counts_reach_only_audiences_that_may_see_reviews(world, governance_member) -> None:
    url = reverse("scrutiny:meeting-detail", args=[world.meeting.pk])
    for user in (governance_member, world.users["observer"], _presenting_observer(world)):
        response = signed_in_client(user).get(url)
        assert response.status_code == 200
        assert all("review_count" not in row for row in response.context["agenda"]), user.email
        assert "Reviews</th>" not in response.content.decode()
    # The reviewers themselves still see how many reviews are in.
    response = signed_in_client(world.users["isva_member"]).get(url)
    counts = {row["case"]["id"]: row["review_count"] for row in response.context["agenda"]}
    assert counts[world.case.pk] == 1


@pytest.mark.django_db
def test_the_wall_holds_for_a_released_case_only_after_the_declaration(world) -> None:
    """Sanity of the fixture: the walled case is released and the declaration is the only reason."""
    user = _partly_involved(world)
    assert world.case.status == CaseStatus.RELEASED
    assert permissions.audience_for(user, world.case) == Audience.INVOLVED
    assert permissions.audience_for(user, world.cases[1]) == Audience.INDEPENDENT_MEMBER
    assert permissions.walled_case_ids(user) == {world.case.pk}
    assert CANARIES["finding"] in world.finding.text


@pytest.mark.django_db
def test_refusals_of_case_data_are_audited_on_pages_and_the_api(world, governance_member) -> None:
    """Another role asking for the case list, a case edit or an export it may not have: each
    refusal is an AccessEvent (refused), on the page and on the API alike."""
    client = signed_in_client(governance_member)
    assert client.get(reverse("scrutiny:case-list", args=[world.panel.pk])).status_code == 403
    assert client.get(reverse("api-v1:scrutiny_cases", args=[world.panel.pk])).status_code == 403
    member = signed_in_client(world.users["isva_member"])
    assert member.get(reverse("scrutiny:case-edit", args=[world.draft.pk])).status_code in (403, 404)
    assert member.get(reverse("scrutiny:access-log-export", args=[world.panel.pk, "csv"])).status_code == 403
    refused = AccessEvent.objects.filter(verb=AccessVerb.REFUSED)
    assert {e.channel for e in refused.filter(actor=governance_member)} == {"page", "api"}
    assert refused.filter(actor=world.users["isva_member"], object_type="panel").exists()
    assert {e.panel_id for e in refused} == {world.panel.pk}


def test_the_policy_gives_the_involved_audience_nothing_of_any_case_record() -> None:
    """The `involved` audience in the policy itself: NONE for every field of every record that
    belongs to a case (all but the platform-wide agreement and the panel's own name and area)."""
    from scrutiny.models import ConfidentialityAgreement, Panel
    from scrutiny.redaction import POLICY, Level

    for model, fields in POLICY.items():
        for name, policy in fields.items():
            level = policy.rule(Audience.INVOLVED).level
            if model is ConfidentialityAgreement or (model is Panel and name in {"id", "name", "area"}):
                continue
            assert level == Level.NONE, f"{model.__name__}.{name}"
