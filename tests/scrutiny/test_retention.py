"""The retention schedule for scrutiny records (cases, meetings, findings, actions), legal holds
blocking it, the runner's dry run and audit batches, and the audit log's report-only rule."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from agencies import retention as registry
from agencies.dropins.models import Booking
from agencies.models import Invitation, Notification
from scrutiny import services
from scrutiny.governance.models import ExportJob
from scrutiny.models import (
    AccessEvent,
    AccessVerb,
    Action,
    ActionStatus,
    Case,
    Finding,
    LegalHold,
    Meeting,
    MeetingStatus,
    RetentionBatch,
)
from scrutiny.retention import apply_retention, audit_log_prune_before
from tests.factories import AgencyFactory
from tests.factories.agencies import NotificationFactory
from tests.factories.dropins import BookingFactory, DropInSessionFactory
from tests.factories.scrutiny import (
    ActionFactory,
    AgendaItemFactory,
    CaseFactory,
    FindingFactory,
    MeetingFactory,
    PanelFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
RECORD_TYPES = {
    "case",
    "meeting",
    "finding",
    "action",
    "export",
    "notification",
    "booking",
    "pretrial_urn",
    "invitation",
    "session",
    "audit_log",
}
FINALISED = dt.date(2024, 9, 1)
SIX_YEARS = dt.timedelta(days=6 * 365)


def _results(today: dt.date, *, dry_run: bool = False) -> dict:
    return {r.record_type: r for r in apply_retention(today=today, dry_run=dry_run)}


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@pytest.fixture
def panel(area):
    return PanelFactory(area=area)


# The schedule ---------------------------------------------------------------------------------------


def test_every_record_type_has_a_rule_a_period_and_a_row_in_the_documentation() -> None:
    rules = {rule.record_type: rule for rule in registry.rules()}
    assert set(rules) == RECORD_TYPES
    text = (ROOT / "docs" / "SECURITY.md").read_text()
    doc = text[text.index("## 11. Retention schedule") : text.index("## 11a.")]
    for record_type, rule in rules.items():
        assert registry.period_days(record_type) >= 0
        assert f"`{record_type}`" in doc, record_type
        assert rule.anchor
    assert "`case_child`" in doc


def test_one_command_deletes_old_records_of_every_type(governance_member, area) -> None:
    """The reproduction on main (93dc0ed): apply_retention left all of these in place."""
    old = _aware(dt.date(2026, 1, 2))
    NotificationFactory(created_at=old)
    Invitation.objects.create(agency=AgencyFactory(), email="a@example.org", role="isva", expires_at=old)
    Session.objects.create(session_key="k" * 32, session_data="", expire_date=old)
    BookingFactory(session=DropInSessionFactory(starts_at=old - dt.timedelta(hours=1), ends_at=old))
    ExportJob.objects.create(requested_by=governance_member, format="csv", created_at=old)
    finding = _finding(PanelFactory(area=area), dt.date(2026, 1, 2))
    call_command("apply_retention", today="2040-01-01", stdout=io.StringIO())
    left = {
        model._meta.label: model.objects.count()
        for model in (Notification, Invitation, Session, Booking, ExportJob, Finding)
    }
    assert left == dict.fromkeys(left, 0), left
    assert finding.pk


@pytest.mark.parametrize("bad", [None, -1, "30", 1.5, True])
def test_a_missing_or_malformed_period_is_refused(settings, bad) -> None:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "notification": bad}
    with pytest.raises(ImproperlyConfigured, match="notification"):
        registry.period_days("notification")


# Cases and meetings -----------------------------------------------------------------------------------


def test_a_case_goes_six_years_after_finalisation_and_not_a_day_before(panel) -> None:
    case = CaseFactory(panel=panel, finalised_month=FINALISED)
    on_the_day = FINALISED + SIX_YEARS
    assert _results(on_the_day)["case"].deleted == 0
    assert Case.objects.filter(pk=case.pk).exists()
    assert _results(on_the_day + dt.timedelta(days=1))["case"].deleted == 1
    assert not Case.objects.filter(pk=case.pk).exists()


def test_a_child_case_is_kept_twenty_years(panel) -> None:
    child = CaseFactory(panel=panel, finalised_month=FINALISED, offence_category="rape_child")
    under_16 = CaseFactory(panel=panel, finalised_month=FINALISED, victim_age_band="under_16")
    aged_17 = CaseFactory(panel=panel, finalised_month=FINALISED, victim_age_band="16_17")
    adult = CaseFactory(panel=panel, finalised_month=FINALISED)
    _results(FINALISED + dt.timedelta(days=10 * 365))
    assert set(Case.objects.values_list("pk", flat=True)) == {child.pk, under_16.pk, aged_17.pk}
    _results(FINALISED + dt.timedelta(days=20 * 365 + 1))
    assert not Case.objects.exists()
    assert adult.pk


def test_a_closed_meeting_goes_seven_years_after_it_was_held(panel) -> None:
    held_on = dt.date(2026, 3, 12)
    closed = MeetingFactory(panel=panel, held_on=held_on, status=MeetingStatus.CLOSED)
    never_closed = MeetingFactory(panel=panel, held_on=held_on)
    limit = held_on + dt.timedelta(days=7 * 365)
    _results(limit)
    assert Meeting.objects.filter(pk=closed.pk).exists()
    _results(limit + dt.timedelta(days=1))
    assert list(Meeting.objects.values_list("pk", flat=True)) == [never_closed.pk]


# Findings and actions ---------------------------------------------------------------------------------


def _finding(panel, recorded: dt.date, **kwargs):
    meeting = MeetingFactory(panel=panel)  # planned: the meeting rule leaves it alone
    # A child case (kept twenty years), so the case's own retention does not take the finding first.
    case = CaseFactory(panel=panel, finalised_month=dt.date(2026, 1, 1), offence_category="rape_child")
    return FindingFactory(meeting=meeting, case=case, recorded_at=_aware(recorded), **kwargs)


def test_a_finding_goes_seven_years_after_it_was_recorded(panel) -> None:
    recorded = dt.date(2026, 3, 12)
    finding = _finding(panel, recorded)
    limit = recorded + dt.timedelta(days=7 * 365)
    assert _results(limit)["finding"].deleted == 0
    assert _results(limit + dt.timedelta(days=1))["finding"].deleted == 1
    assert not Finding.objects.filter(pk=finding.pk).exists()


def test_a_finding_with_an_open_action_stays(panel) -> None:
    finding = _finding(panel, dt.date(2026, 3, 12))
    ActionFactory(finding=finding, owner_agency=finding.case.presenting_agency)
    _results(dt.date(2040, 1, 1))
    assert Finding.objects.filter(pk=finding.pk).exists()
    assert Action.objects.filter(finding=finding).exists()


def test_an_action_goes_seven_years_after_it_was_closed_and_never_while_open(panel) -> None:
    finding = _finding(panel, dt.date(2026, 3, 12))
    agency = finding.case.presenting_agency
    closed_on = dt.date(2026, 6, 1)
    done = ActionFactory(
        finding=finding, owner_agency=agency, status=ActionStatus.DONE, closed_at=_aware(closed_on)
    )
    still_open = ActionFactory(finding=finding, owner_agency=agency)
    limit = closed_on + dt.timedelta(days=7 * 365)
    assert _results(limit)["action"].deleted == 0
    result = _results(limit + dt.timedelta(days=1))["action"]
    assert result.deleted == 1 and result.due_ids == (done.pk,)
    assert list(Action.objects.values_list("pk", flat=True)) == [still_open.pk]


# Legal hold -------------------------------------------------------------------------------------------


def _discussed(panel):
    """An old case discussed at an old closed meeting, with a finding and a closed action."""
    meeting = MeetingFactory(panel=panel, held_on=dt.date(2025, 1, 9), status=MeetingStatus.CLOSED)
    case = CaseFactory(panel=panel, finalised_month=FINALISED)
    AgendaItemFactory(meeting=meeting, case=case)
    finding = FindingFactory(meeting=meeting, case=case, recorded_at=_aware(dt.date(2025, 1, 9)))
    action = ActionFactory(
        finding=finding,
        owner_agency=case.presenting_agency,
        status=ActionStatus.DONE,
        closed_at=_aware(dt.date(2025, 2, 1)),
    )
    return case, meeting, finding, action


@pytest.mark.parametrize("held", ["case", "meeting"])
def test_a_hold_keeps_the_record_and_everything_tied_to_it(panel, coordinator, held) -> None:
    case, meeting, finding, action = _discussed(panel)
    unrelated = CaseFactory(panel=panel, finalised_month=FINALISED)
    target = case if held == "case" else meeting
    services.legal_hold_set(actor=coordinator, target=target, reason="Inquiry request 2031/4")
    results = _results(dt.date(2045, 1, 1))
    for model, obj in ((Case, case), (Meeting, meeting), (Finding, finding), (Action, action)):
        assert model.objects.filter(pk=obj.pk).exists(), model
    assert not Case.objects.filter(pk=unrelated.pk).exists()
    assert results["case"].held_ids == (case.pk,)
    assert results["meeting"].held_ids == (meeting.pk,)
    assert results["finding"].held_ids == (finding.pk,)
    assert results["action"].held_ids == (action.pk,)
    # Cleared: the next run deletes them all.
    services.legal_hold_clear(actor=coordinator, target=target, reason="Inquiry closed")
    _results(dt.date(2045, 1, 1))
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert not LegalHold.objects.exists()  # the hold history goes with its record


def test_a_held_meeting_keeps_its_cases_findings_from_other_meetings(panel, coordinator) -> None:
    case, meeting, finding, action = _discussed(panel)
    later = MeetingFactory(panel=panel, held_on=dt.date(2025, 6, 5))  # planned: never due itself
    elsewhere = FindingFactory(meeting=later, case=case, recorded_at=_aware(dt.date(2025, 6, 5)))
    services.legal_hold_set(actor=coordinator, target=meeting, reason="Inquiry")
    results = _results(dt.date(2045, 1, 1))
    assert Finding.objects.filter(pk__in=[finding.pk, elsewhere.pk]).count() == 2
    assert set(results["finding"].held_ids) == {finding.pk, elsewhere.pk}
    assert Action.objects.filter(pk=action.pk).exists()


def test_a_hold_set_after_the_selection_still_wins(panel, coordinator, monkeypatch) -> None:
    case = CaseFactory(panel=panel, finalised_month=FINALISED)
    rule = registry.rule_for("case")
    selection = rule.select(dt.date(2040, 1, 1))
    assert list(selection.due) == [case.pk]
    services.legal_hold_set(actor=coordinator, target=case, reason="Civil claim")
    assert rule.delete is not None
    assert list(rule.delete(dt.date(2040, 1, 1), selection.due)) == []
    assert Case.objects.filter(pk=case.pk).exists()


# Dry run and audit -------------------------------------------------------------------------------------


def test_the_dry_run_reports_ids_and_holds_and_changes_nothing(panel, coordinator) -> None:
    case, meeting, finding, action = _discussed(panel)
    held = CaseFactory(panel=panel, finalised_month=FINALISED, pseudonym="ZQX-HELD-1")
    services.legal_hold_set(actor=coordinator, target=held, reason="Inquiry")
    events_before = AccessEvent.objects.count()
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", "--today", "2045-01-01", stdout=out)
    text = out.getvalue()
    assert AccessEvent.objects.count() == events_before
    assert not RetentionBatch.objects.exists()
    for model, obj in ((Case, case), (Meeting, meeting), (Finding, finding), (Action, action)):
        assert model.objects.filter(pk=obj.pk).exists()
    lines = {line.split(":", 1)[0]: line for line in text.splitlines()}
    assert set(lines) == RECORD_TYPES
    assert f"case: would delete 1 (ids {case.pk}); kept under legal hold 1 (ids {held.pk})" in lines["case"]
    assert f"meeting: would delete 1 (ids {meeting.pk})" in lines["meeting"]
    assert f"action: would delete 1 (ids {action.pk})" in lines["action"]
    assert "ZQX-HELD" not in text and case.pseudonym not in text  # ids only, no case content


def test_the_real_run_writes_one_audited_batch_per_type_and_panel(panel, other_area) -> None:
    other_panel = PanelFactory(area=other_area)
    mine = [CaseFactory(panel=panel, finalised_month=FINALISED) for _ in range(3)]
    theirs = CaseFactory(panel=other_panel, finalised_month=FINALISED)
    out = io.StringIO()
    call_command("apply_retention", "--today", "2040-01-01", stdout=out)
    assert "case: deleted 4" in out.getvalue()
    batches = {b.panel_id: b for b in RetentionBatch.objects.filter(record_type="case")}
    assert sorted(batches[panel.pk].object_ids) == sorted(c.pk for c in mine)
    assert batches[other_panel.pk].object_ids == [theirs.pk] and batches[other_panel.pk].count == 1
    for batch in batches.values():
        event = AccessEvent.objects.get(object_type="retention_batch", object_id=batch.pk)
        assert (event.verb, event.channel, event.audience, event.panel_id, event.actor_id) == (
            AccessVerb.DELETE,
            "command",
            "retention",
            batch.panel_id,
            None,
        )


def test_a_large_deletion_is_split_into_batches(panel, monkeypatch) -> None:
    monkeypatch.setattr("scrutiny.retention.BATCH_SIZE", 2)
    for _ in range(5):
        CaseFactory(panel=panel, finalised_month=FINALISED)
    _results(dt.date(2040, 1, 1))
    counts = sorted(RetentionBatch.objects.filter(record_type="case").values_list("count", flat=True))
    assert counts == [1, 2, 2]
    assert AccessEvent.objects.filter(object_type="retention_batch").count() == 3


def test_nothing_due_writes_no_batch(panel) -> None:
    CaseFactory(panel=panel, finalised_month=FINALISED)
    _results(dt.date(2026, 1, 1))
    assert not RetentionBatch.objects.exists()
    assert not AccessEvent.objects.filter(verb=AccessVerb.DELETE).exists()


# The audit log's own retention ----------------------------------------------------------------------


def _create_event(at: dt.datetime, **fields) -> int:
    return AccessEvent.objects.create(
        at=at, verb=AccessVerb.VIEW, audience="test", channel="page", **fields
    ).pk


def test_the_audit_log_is_pruned_past_its_period_and_its_chain_still_verifies(panel) -> None:
    import time_machine

    from scrutiny.audit import verify_chain

    old = [_create_event(_aware(dt.date(2026, 1, 5))) for _ in range(3)]
    recent = _create_event(_aware(dt.date(2033, 1, 5)))
    today = dt.date(2034, 6, 1)  # eight years after early 2026
    with time_machine.travel(_aware(today), tick=False):
        dry = _results(today, dry_run=True)["audit_log"]
        assert dry.due_count == 3 and f"ids {min(old)} to {max(old)}" in dry.note
        assert AccessEvent.objects.filter(pk__in=old).count() == 3  # the dry run deletes nothing
        real = _results(today)["audit_log"]
    assert real.deleted == 3
    assert not AccessEvent.objects.filter(pk__in=old).exists()
    assert AccessEvent.objects.filter(pk=recent).exists()
    assert RetentionBatch.objects.get(record_type="audit_log").count == 3
    # The pruned prefix is replaced by a checkpoint: the rest of the chain still verifies.
    assert verify_chain().ok


def test_the_audit_prune_boundary_stops_before_a_held_records_events(panel, coordinator) -> None:
    case = CaseFactory(panel=panel)
    first = _create_event(_aware(dt.date(2026, 1, 5)))
    about_case = _create_event(_aware(dt.date(2026, 2, 5)), object_type="case", object_id=case.pk)
    _create_event(_aware(dt.date(2026, 3, 5)))
    today = dt.date(2035, 1, 1)
    cutoff = registry.cutoff_datetime(today, "audit_log")
    assert audit_log_prune_before(today) == cutoff
    services.legal_hold_set(actor=coordinator, target=case, reason="Inquiry")
    before = audit_log_prune_before(today)
    assert before == AccessEvent.objects.get(pk=about_case).at
    report = _results(today, dry_run=True)["audit_log"]
    assert report.due_count == 1 and f"ids {first} to {first}" in report.note
    assert about_case in report.held_ids


def test_a_wired_prune_function_is_called_and_audited(monkeypatch) -> None:
    """How the audit engineer's prune_audit plugs in: a rule with `prune` and no `delete`."""
    import dataclasses

    calls = []

    def prune(today: dt.date, dry_run: bool) -> int:
        calls.append((today, dry_run))
        return 7

    rule = dataclasses.replace(
        registry.rule_for("audit_log"),
        select=lambda today: registry.Selection(due=[], due_count=7),
        prune=prune,
    )
    monkeypatch.setitem(registry._RULES, "audit_log", rule)
    assert _results(dt.date(2040, 1, 1), dry_run=True)["audit_log"].deleted == 0 and calls == []
    assert _results(dt.date(2040, 1, 1))["audit_log"].deleted == 7
    assert calls == [(dt.date(2040, 1, 1), False)]
    batch = RetentionBatch.objects.get(record_type="audit_log")
    assert batch.count == 7 and batch.object_ids == []
    assert AccessEvent.objects.filter(object_type="retention_batch", object_id=batch.pk).exists()
