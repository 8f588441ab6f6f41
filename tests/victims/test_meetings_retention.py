"""Pre-trial meeting URNs in the retention schedule: blanked RETENTION_DAYS_PRETRIAL_URN days after
the request ended, never before, never while it is open, never while on legal hold; the request
itself stays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from agencies.victims.meetings.models import MeetingRequest
from scrutiny.models import AccessEvent, RetentionBatch
from scrutiny.retention import apply_retention
from tests.victims.meetings_helpers import make_request

pytestmark = pytest.mark.django_db

ENDED = dt.datetime(2026, 2, 3, 11, 0, tzinfo=dt.UTC)


def _closed(isva, area, *, closed_at: dt.datetime = ENDED, urn: str = "47 KD 00312 24") -> MeetingRequest:
    request = make_request(isva, area, urn=urn)
    MeetingRequest.objects.filter(pk=request.pk).update(
        status="closed", outcome="held", outcome_recorded_at=closed_at, closed_at=closed_at
    )
    request.refresh_from_db()
    return request


def _urns() -> dict[int, str]:
    return dict(MeetingRequest.objects.values_list("pk", "urn"))


def test_the_urn_goes_30_days_after_the_outcome(isva, area) -> None:
    old = _closed(isva, area)
    still_open = make_request(isva, area, urn="47 KD 00313 24")
    limit = dt.date(2026, 2, 3) + dt.timedelta(days=30)
    results = {r.record_type: r for r in apply_retention(today=limit)}
    assert results["pretrial_urn"].deleted == 0 and _urns()[old.pk] == "47KD0031224"
    dry = {r.record_type: r for r in apply_retention(today=limit + dt.timedelta(days=1), dry_run=True)}
    assert dry["pretrial_urn"].due_ids == (old.pk,) and _urns()[old.pk] == "47KD0031224"
    apply_retention(today=limit + dt.timedelta(days=1))
    old.refresh_from_db()
    assert old.urn == "" and old.urn_deleted_at is not None
    assert old.status == "closed" and old.outcome == "held"  # the request stays
    assert _urns()[still_open.pk] == "47KD0031324"
    batch = RetentionBatch.objects.get(record_type="pretrial_urn")
    assert batch.object_ids == [old.pk]
    assert AccessEvent.objects.filter(
        verb="delete", object_type="pretrial_request_urn", object_id=old.pk, channel="command"
    ).exists()


def test_the_period_is_a_setting(isva, area, settings) -> None:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "pretrial_urn": 5}
    old = _closed(isva, area)
    apply_retention(today=dt.date(2026, 2, 3) + dt.timedelta(days=6))
    old.refresh_from_db()
    assert old.urn == ""


def test_not_needed_counts_as_ended_and_rescheduled_does_not(isva, area) -> None:
    not_needed = make_request(isva, area, urn="47 KD 00314 24")
    MeetingRequest.objects.filter(pk=not_needed.pk).update(status="not_needed", closed_at=ENDED)
    rescheduled = make_request(isva, area, urn="47 KD 00315 24")
    MeetingRequest.objects.filter(pk=rescheduled.pk).update(outcome="rescheduled", outcome_recorded_at=ENDED)
    apply_retention(today=dt.date(2026, 2, 3) + dt.timedelta(days=31))
    assert _urns() == {not_needed.pk: "", rescheduled.pk: "47KD0031524"}


def test_a_legal_hold_keeps_the_urn_until_cleared(isva, area) -> None:
    held = _closed(isva, area)
    call_command("pretrial_legal_hold", str(held.pk), "--reason", "Complaint under investigation")
    today = dt.date(2026, 2, 3) + dt.timedelta(days=31)
    results = {r.record_type: r for r in apply_retention(today=today)}
    assert results["pretrial_urn"].held_ids == (held.pk,)
    assert _urns()[held.pk] == "47KD0031224"
    event = AccessEvent.objects.filter(object_id=held.pk, audience="legal_hold").get()
    assert (event.verb, event.channel) == ("edit", "command")
    with pytest.raises(CommandError, match="already on legal hold"):
        call_command("pretrial_legal_hold", str(held.pk), "--reason", "Again")
    with pytest.raises(CommandError, match="name"):
        call_command("pretrial_legal_hold", str(held.pk), "--clear", "--reason", "Asked by Jane Smith")
    call_command("pretrial_legal_hold", str(held.pk), "--clear", "--reason", "Complaint closed")
    apply_retention(today=today)
    assert _urns()[held.pk] == ""


def test_a_hold_set_after_selection_wins(isva, area) -> None:
    from agencies import retention

    held = _closed(isva, area)
    today = dt.date(2026, 2, 3) + dt.timedelta(days=31)
    rule = retention.rule_for("pretrial_urn")
    selection = rule.select(today)
    assert list(selection.due) == [held.pk]
    MeetingRequest.objects.filter(pk=held.pk).update(legal_hold=True)
    assert rule.delete is not None and list(rule.delete(today, selection.due)) == []
    assert _urns()[held.pk] == "47KD0031224"


def test_unknown_request_for_legal_hold(db) -> None:
    with pytest.raises(CommandError, match="no pre-trial meeting request"):
        call_command("pretrial_legal_hold", "987654", "--reason", "x")
