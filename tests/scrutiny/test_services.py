"""Scrutiny services: intake checks, release, declarations, meetings, findings, actions, the
append-only access log, notifications, retention, promotion to guidance and aggregate figures."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from agencies.models import Notification, NotificationKind
from scrutiny import permissions, selectors, services
from scrutiny.models import (
    AccessEvent,
    AccessVerb,
    AgendaItem,
    AppendOnlyError,
    Case,
    CaseStatus,
    CheckStatus,
    Extract,
    Finding,
    Meeting,
    MeetingStatus,
    RetentionBatch,
)
from scrutiny.permissions import CaseAccess
from scrutiny.reporting import CaseContentLogFilter, ScrutinyExceptionReporterFilter
from scrutiny.retention import apply_retention
from tests.conftest import signed_in_client
from tests.scrutiny.conftest import CASE_FIELDS, add_lookalike_rows


def _case(world, **overrides):
    fields = {**CASE_FIELDS, **overrides}
    case = services.case_create(
        actor=world.users["coordinator"],
        panel=world.panel,
        presenting_agency=world.case.presenting_agency,
        **fields,
    )
    add_lookalike_rows(actor=world.users["coordinator"], case=case)  # as the world's cases
    return case


# Intake ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_identifier_flags_the_text_and_blocks_release_until_a_second_person_checks(world) -> None:
    coordinator, second = world.users["coordinator"], world.users["coordinator2"]
    draft = world.draft
    text = world.draft_text
    assert text.check_status == CheckStatus.FLAGGED
    assert set(text.identifier_kinds) >= {"postcode"}
    with pytest.raises(ValidationError) as blocked:
        services.case_release(actor=coordinator, case=draft)
    assert any("second person" in m for m in blocked.value.messages)
    assert "LS1 4AB" not in " ".join(blocked.value.messages)
    with pytest.raises(PermissionDenied):  # the author cannot confirm their own text
        services.text_confirm(actor=coordinator, obj=text, redactions={})
    hits = len(__import__("agencies.privacy.identifiers", fromlist=["x"]).find_identifiers(text.text))
    with pytest.raises(ValidationError):  # every hit must be decided
        services.text_confirm(actor=second, obj=text, redactions={})
    services.text_confirm(actor=second, obj=text, redactions=dict.fromkeys(range(hits), "place"))
    text.refresh_from_db()
    assert text.check_status == CheckStatus.CONFIRMED and text.checked_by == second
    assert "LS1 4AB" not in text.text and "[[redacted:place]]" in text.text
    # Released by the second person once the other cases make the quasi-identifiers common enough.
    released = services.case_release(actor=second, case=draft)
    assert released.status == CaseStatus.RELEASED


@pytest.mark.django_db
def test_no_edit_counts_as_the_check_not_even_a_second_persons(world) -> None:
    coordinator, second = world.users["coordinator"], world.users["coordinator2"]
    text = world.draft_text
    services.text_edit(actor=coordinator, obj=text, text="Still at LS1 4AB.")
    assert text.check_status == CheckStatus.FLAGGED
    services.text_edit(actor=coordinator, obj=text, text="A place in the area.")
    assert text.check_status == CheckStatus.CLEAR
    services.text_edit(actor=second, obj=text, text="A place in the area, later.")
    assert text.check_status == CheckStatus.CLEAR and text.checked_by is None
    assert text.writer_ids == {coordinator.pk, second.pk}


@pytest.mark.django_db
def test_a_rare_combination_is_flagged_and_a_wider_level_releases_it(world) -> None:
    """'Not recorded' no longer widens a case (tests/scrutiny/test_reidentification.py); showing
    the panel a wider age band and 'known to the victim' does, with the lookalikes there."""
    rare = _case(world, victim_age_band="18_24", relationship="family")
    assert rare.kanon_flagged
    assert services.quasi_identifier_matches(rare) == 1
    services.text_add(
        actor=world.users["coordinator"], case=rare, model=Extract, kind="summary", text="Summary."
    )
    with pytest.raises(ValidationError) as blocked:
        services.case_release(actor=world.users["coordinator2"], case=rare)
    assert any("Generalise" in m for m in blocked.value.messages)
    services.case_update(
        actor=world.users["coordinator"], case=rare, victim_age_band="unknown", relationship="unknown"
    )
    assert services.quasi_identifier_matches(rare) == 1
    services.case_update(
        actor=world.users["coordinator"], case=rare, victim_age_band="18_24", relationship="family"
    )
    services.case_generalise(
        actor=world.users["coordinator"], case=rare, fields=["victim_age_band", "relationship"]
    )
    assert services.quasi_identifier_matches(rare) >= 3
    assert services.case_release(actor=world.users["coordinator2"], case=rare).status == CaseStatus.RELEASED


@pytest.mark.django_db
def test_released_cases_cannot_be_changed(world) -> None:
    with pytest.raises(PermissionDenied):
        services.case_update(actor=world.users["coordinator"], case=world.case, outcome="convicted")


# Access to cases ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_agreement_then_declaration_before_a_member_opens_a_case(world) -> None:
    newcomer = world.users["not_accepted"]
    assert permissions.case_access(newcomer, world.case) == CaseAccess.NEEDS_AGREEMENT
    client = signed_in_client(newcomer)
    response = client.get(reverse("scrutiny:case-detail", args=[world.case.pk]))
    assert response.status_code == 302 and reverse("scrutiny:agreement") in response["Location"]
    client.post(reverse("scrutiny:agreement"), {"accept": "yes", "next_case": str(world.case.pk)})
    permissions.forget(newcomer)
    assert permissions.case_access(newcomer, world.case) == CaseAccess.NEEDS_DECLARATION
    assert client.get(reverse("scrutiny:case-detail", args=[world.case.pk])).status_code == 302
    response = client.post(reverse("scrutiny:case-declare", args=[world.case.pk]), {"involved": "no"})
    assert response.status_code == 302
    assert client.get(reverse("scrutiny:case-detail", args=[world.case.pk])).status_code == 200


@pytest.mark.django_db
def test_a_new_agreement_version_must_be_accepted_again(world) -> None:
    member = world.users["independent"]
    assert permissions.can_open_case(member, world.case)
    services.agreement_publish(text="Version two.")
    assert permissions.case_access(member, world.case) == CaseAccess.NEEDS_AGREEMENT


@pytest.mark.django_db
def test_declaring_involvement_blocks_the_case_and_is_logged(world) -> None:
    involved = world.users["involved"]
    assert permissions.case_access(involved, world.case) == CaseAccess.INVOLVED
    logged = AccessEvent.objects.filter(actor=involved, object_id=world.case.pk, object_type="case")
    assert set(logged.values_list("verb", flat=True)) >= {AccessVerb.DECLARE, AccessVerb.REFUSED}
    response = signed_in_client(involved).get(reverse("scrutiny:case-detail", args=[world.case.pk]))
    assert response.status_code == 404  # a wall: as if the case did not exist
    with pytest.raises(PermissionDenied):  # cannot take it back
        services.involvement_declare(actor=involved, case=world.case, involved=False)


# Meetings ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_agenda_holds_three_to_ten_cases(world) -> None:
    coordinator = world.users["coordinator"]
    meeting = world.other_meeting
    services.agenda_add(actor=coordinator, meeting=meeting, case=world.cases[0])
    with pytest.raises(ValidationError):
        services.meeting_start(actor=world.users["chair"], meeting=meeting)
    extra = []
    for _ in range(9):
        case = _case(world)
        services.text_add(actor=coordinator, case=case, model=Extract, kind="summary", text="Summary.")
        extra.append(services.case_release(actor=world.users["coordinator2"], case=case))
    for case in extra:
        services.agenda_add(actor=coordinator, meeting=meeting, case=case)
    assert AgendaItem.objects.filter(meeting=meeting).count() == 10
    with pytest.raises(ValidationError):
        services.agenda_add(actor=coordinator, meeting=meeting, case=world.cases[1])
    services.meeting_start(actor=world.users["chair"], meeting=meeting)


@pytest.mark.django_db
def test_a_case_scored_4_carries_over_to_the_next_meeting(world) -> None:
    chair = world.users["chair"]
    item = AgendaItem.objects.get(meeting=world.meeting, case=world.cases[1])
    services.agreed_score_record(actor=chair, item=item, score=4)
    target = services.meeting_close(actor=chair, meeting=world.meeting)
    assert target == world.other_meeting
    carried = AgendaItem.objects.get(meeting=target, case=world.cases[1])
    assert carried.carried_over
    assert not AgendaItem.objects.filter(meeting=target, case=world.cases[0]).exists()
    world.meeting.refresh_from_db()
    assert world.meeting.status == MeetingStatus.CLOSED
    with pytest.raises(PermissionDenied):  # closed: nothing more is recorded
        services.agreed_score_record(actor=chair, item=item, score=1)


@pytest.mark.django_db
def test_closing_without_a_next_meeting_plans_one(world) -> None:
    world.other_meeting.delete()
    item = AgendaItem.objects.get(meeting=world.meeting, case=world.cases[2])
    services.agreed_score_record(actor=world.users["chair"], item=item, score=4)
    target = services.meeting_close(actor=world.users["chair"], meeting=world.meeting)
    assert target.held_on == world.meeting.held_on + dt.timedelta(weeks=4)
    assert target.status == MeetingStatus.PLANNED


@pytest.mark.django_db
def test_the_pages_say_the_panel_cannot_reopen_cases(world) -> None:
    client = signed_in_client(world.users["chair"])
    for url in (
        reverse("scrutiny:panel-detail", args=[world.panel.pk]),
        reverse("scrutiny:meeting-detail", args=[world.meeting.pk]),
        reverse("scrutiny:case-detail", args=[world.case.pk]),
    ):
        page = client.get(url).content.decode()
        assert "cannot reopen a case" in page, url
        assert "OFFICIAL-SENSITIVE" in page, url


# Findings, actions, notifications ---------------------------------------------------------------


@pytest.mark.django_db
def test_findings_and_actions_notify_without_case_content(world) -> None:
    findings = Notification.objects.filter(kind=NotificationKind.FINDING_RECORDED)
    assert findings.filter(recipient=world.users["independent"]).exists()
    assert not findings.filter(recipient=world.users["chair"]).exists()  # not the person who recorded it
    assigned = Notification.objects.filter(kind=NotificationKind.ACTION_ASSIGNED)
    assert set(assigned.values_list("recipient", flat=True)) == {world.users["cps_member"].pk}
    for notification in Notification.objects.all():
        assert "zqx" not in notification.title.lower()


@pytest.mark.django_db
def test_short_panel_text_with_identifiers_is_refused(world) -> None:
    """Action owner roles and updates (and review notes) refuse identifiers outright; findings and
    action descriptions are held for a second person instead (tests/scrutiny/test_held_texts.py)."""
    with pytest.raises(ValidationError) as refused:
        services.action_update(
            actor=world.users["chair"], action=world.action, text="emailed jo@example.org", status="open"
        )
    assert "jo@example.org" not in str(refused.value)
    client = signed_in_client(world.users["chair"])
    response = client.post(
        reverse("scrutiny:action-create", args=[world.finding.pk]),
        {
            "description": "Share the checklist.",
            "owner_agency": world.action.owner_agency_id,
            "owner_role": "call 07700 900123",
            "due_on": "2026-06-30",
        },
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


@pytest.mark.django_db
def test_overdue_actions_are_flagged(world) -> None:
    assert world.action.is_overdue(dt.date(2026, 2, 1))
    assert not world.action.is_overdue(dt.date(2026, 1, 1))
    page = signed_in_client(world.users["chair"]).get(
        reverse("scrutiny:meeting-detail", args=[world.meeting.pk])
    )
    assert "Overdue" in page.content.decode()


@pytest.mark.django_db
def test_governance_promotes_a_good_practice_finding_to_draft_guidance(world, governance_member) -> None:
    page = services.finding_promote(actor=governance_member, finding=world.finding)
    world.finding.refresh_from_db()
    assert world.finding.guidance_page_id == page.pk
    assert not page.live
    assert "North test panel" in page.provenance and "March 2026" in page.provenance
    with pytest.raises(ValidationError):
        services.finding_promote(actor=governance_member, finding=world.finding)
    with pytest.raises(PermissionDenied):
        services.finding_promote(actor=world.users["chair"], finding=world.finding)


# Audit -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_access_events_are_append_only(world) -> None:
    event = AccessEvent.objects.first()
    event.verb = AccessVerb.VIEW
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=event.pk).update(verb="view")
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE scrutiny_accessevent SET verb = 'view' WHERE id = %s", [event.pk])


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_refuses_deleting_access_events_on_postgresql(world) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM scrutiny_accessevent")


@pytest.mark.django_db
def test_views_edits_and_exports_are_logged_with_the_meeting(world) -> None:
    client = signed_in_client(world.users["chair"])
    client.get(reverse("scrutiny:meeting-detail", args=[world.meeting.pk]))
    client.get(reverse("scrutiny:findings-export", args=[world.panel.pk, "csv"]))
    chair = world.users["chair"]
    view = AccessEvent.objects.filter(actor=chair, verb=AccessVerb.VIEW, object_type="meeting").first()
    assert view.meeting_id == world.meeting.pk and view.audience == "chair" and view.channel == "page"
    assert AccessEvent.objects.filter(actor=chair, verb=AccessVerb.EXPORT, channel="export").exists()
    assert AccessEvent.objects.filter(actor=chair, verb=AccessVerb.EDIT, object_type="finding").exists()
    log = signed_in_client(world.users["coordinator"]).get(
        reverse("scrutiny:access-log", args=[world.panel.pk])
    )
    assert log.status_code == 200 and "Exported" in log.content.decode()


@pytest.mark.django_db
def test_error_reports_and_scrutiny_logs_carry_no_case_content() -> None:
    request = RequestFactory().post("/scrutiny/x/", {"text": "zqx secret"})
    reporter = ScrutinyExceptionReporterFilter()
    assert reporter.get_post_parameters(request) == {"text": reporter.cleansed_substitute}
    record = logging.LogRecord(
        "scrutiny.services", logging.ERROR, "f", 1, "failed for %s", ("zqx secret",), None
    )
    CaseContentLogFilter().filter(record)
    assert "zqx" not in record.getMessage()


# Retention ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_retention_deletes_old_cases_except_held_ones_and_logs_it(world) -> None:
    Case.objects.filter(pk=world.cases[1].pk).update(legal_hold=True)
    later = dt.date(2031, 1, 1)  # more than six years after September 2024
    dry = {result.record_type: result for result in apply_retention(today=later, dry_run=True)}
    assert Case.objects.count() == 4 and dry["case"].held_ids == (world.cases[1].pk,)
    call_command("apply_retention", today=later.isoformat())
    assert list(Case.objects.values_list("pk", flat=True)) == [world.cases[1].pk]
    batches = RetentionBatch.objects.filter(record_type="case")
    assert sorted(pk for batch in batches for pk in batch.object_ids) == sorted(
        [world.cases[0].pk, world.cases[2].pk, world.draft.pk]
    )
    deleted = AccessEvent.objects.filter(
        verb=AccessVerb.DELETE,
        object_type="retention_batch",
        channel="command",
        object_id__in=batches.values("pk"),
    )
    assert deleted.count() == batches.count() == 1 and deleted.get().panel_id == world.panel.pk
    assert not Finding.objects.filter(case_id=world.case.pk).exists()
    assert Meeting.objects.filter(pk=world.meeting.pk).exists()


# Aggregates --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_governance_stats_count_raw_and_every_route_suppresses_small_numbers(
    world, governance_member
) -> None:
    """The selector counts (raw, for every aggregate audience); the routes publish only through
    scrutiny.governance.figures, which suppresses (issue 13, point 5)."""
    services.agreed_score_record(
        actor=world.users["chair"],
        item=AgendaItem.objects.get(meeting=world.meeting, case=world.case),
        score=2,
    )
    area = world.panel.area
    full = selectors.governance_stats_by_scope(viewer=governance_member, areas=[area])[area.pk]
    assert full["cases_reviewed"] == 1
    assert full["score_distribution"] == {"1": 0, "2": 1, "3": 0, "4": 0}
    assert full["findings_by_theme"] == {"Case strategy": 1}
    assert full["actions_by_owner_agency"] == {"Test RASSO Unit": {"open": 1, "overdue": 1, "closed": 0}}
    evaluator_figures = selectors.governance_stats_by_scope(viewer=world.users["evaluator"], areas=[])
    assert evaluator_figures == {None: full | {"area": None}}
    assert selectors.governance_stats_by_scope(viewer=world.users["independent"], areas=[area]) == {
        None: {},
        area.pk: {},
    }
    client = signed_in_client(world.users["evaluator"])
    evaluated = client.get(reverse("api-v1:scrutiny_figures")).json()
    assert evaluated["cases_reviewed"] == "suppressed"
    assert evaluated["score_distribution"]["2"] == "suppressed" and evaluated["score_distribution"]["1"] == 0
    assert evaluated["suppressed_below"] == 5
    export = client.get(reverse("scrutiny:aggregate-export", args=["csv"]))
    body = export.content.decode()
    assert "OFFICIAL-SENSITIVE" in body and "suppressed" in body
    assert not any(line.endswith((",1", ",2", ",3", ",4")) for line in body.splitlines())


@pytest.mark.django_db
def test_membership_end_removes_access_and_signals_open_sockets(
    world, django_capture_on_commit_callbacks
) -> None:
    coordinator, member = world.users["coordinator"], world.users["independent"]
    membership = permissions.membership_of(member, world.panel.pk)
    with django_capture_on_commit_callbacks() as callbacks:
        services.membership_end(actor=coordinator, membership=membership)
    assert callbacks, "access_changed is published on commit"
    permissions.forget(member)
    assert permissions.audience_for(member, world.case) is None
    assert (
        signed_in_client(member).get(reverse("scrutiny:case-detail", args=[world.case.pk])).status_code == 404
    )
