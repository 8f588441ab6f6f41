"""Scrutiny's rules in the retention schedule (the registry is agencies/retention.py), and the
runner that applies every registered rule (`manage.py apply_retention`, hourly in the governance
worker).

Legal hold: a case or meeting under an active LegalHold is never deleted, and neither is anything
tied to it: a held case keeps the meetings it was discussed at, and a held meeting keeps the cases
on its agenda (deleting either would cascade into the other's agenda items, reviews and findings);
findings and actions of a held case or meeting stay; exports whose scope covers a held case stay
(scrutiny/governance/retention.py). The audit log is reported here, never deleted by this module:
its pruning belongs to the audit's own function (append-only triggers and a hash chain).

Every real deletion is written as batches: a RetentionBatch row (type, count, ids; never content)
and an AccessEvent (verb delete, channel command, object type "retention_batch") in the same
transaction as the delete, one per panel and at most BATCH_SIZE records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, Count, Exists, Max, Min, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as CaseWhen
from django.utils import timezone

from agencies import retention as registry
from agencies.retention import RetentionRule, Selection
from scrutiny.models import (
    AccessChannel,
    AccessEvent,
    AccessVerb,
    Action,
    ActionStatus,
    AgeBand,
    AgendaItem,
    Case,
    Finding,
    Meeting,
    MeetingStatus,
    OffenceCategory,
    RetentionBatch,
    Review,
)

BATCH_SIZE = 500
RETENTION_AUDIENCE = "retention"


# What a legal hold covers ------------------------------------------------------------------------------


def held_case_filter() -> Q:
    """Cases kept by a hold: the case's own hold, or a hold on a meeting that discussed it."""
    pk = OuterRef("pk")
    return (
        Q(legal_hold=True)
        | Q(Exists(AgendaItem.objects.filter(case=pk, meeting__legal_hold=True)))
        | Q(Exists(Finding.objects.filter(case=pk, meeting__legal_hold=True)))
        | Q(Exists(Review.objects.filter(case=pk, meeting__legal_hold=True)))
    )


def held_meeting_filter() -> Q:
    """Meetings kept by a hold: their own, or a hold on a case they discussed."""
    pk = OuterRef("pk")
    return (
        Q(legal_hold=True)
        | Q(Exists(AgendaItem.objects.filter(meeting=pk, case__legal_hold=True)))
        | Q(Exists(Finding.objects.filter(meeting=pk, case__legal_hold=True)))
        | Q(Exists(Review.objects.filter(meeting=pk, case__legal_hold=True)))
    )


def held_case_ids() -> set[int]:
    return set(Case.objects.filter(held_case_filter()).values_list("pk", flat=True))


def held_meeting_ids() -> set[int]:
    return set(Meeting.objects.filter(held_meeting_filter()).values_list("pk", flat=True))


def _split(queryset: QuerySet, held: Q, panel: str) -> Selection:
    rows = list(
        queryset.annotate(_held=held_annotation(held)).order_by("pk").values_list("pk", panel, "_held")
    )
    return Selection(
        due=[pk for pk, _, is_held in rows if not is_held],
        held=[pk for pk, _, is_held in rows if is_held],
        panels={pk: panel_id for pk, panel_id, is_held in rows if not is_held},
    )


def held_annotation(held: Q) -> Any:
    return CaseWhen(When(held, then=Value(True)), default=Value(False), output_field=BooleanField())


def _delete_due(due: QuerySet, held: Q, ids: Sequence[Any]) -> list[Any]:
    """Delete those of `ids` that are still due and not held (a hold set since the selection wins)."""
    queryset = due.filter(pk__in=list(ids)).exclude(held)
    gone = list(queryset.values_list("pk", flat=True))
    if gone:
        due.model.objects.filter(pk__in=gone).delete()
    return gone


# Re-identification after a deletion --------------------------------------------------------------------
# A released case passes the k-check because enough cases look like it. Deleting one of those
# look-alikes can leave it unique to its panel, and nobody edited it, so the edit-time check
# (services/kanon.py) never runs. The case rule therefore notes, before each batch goes, the
# released cases whose count a doomed case is part of, and after the delete re-checks them in the
# same transaction: each that now looks unique is flagged (kanon_flagged, as an edit would flag it:
# the coordinator's case page shows the report and the generalisations that fix it) and every
# coordinator of its panel who is not walled off from it is notified.

KANON_NOTICE = "A released case now looks unique to its panel after old cases were deleted"


def _released_lookalikes(cases: Sequence[Case]) -> dict[int, Case]:
    from scrutiny.models import CaseStatus
    from scrutiny.services.kanon import lookalikes

    out: dict[int, Case] = {}
    for case in cases:
        for other in lookalikes(case):
            if other.status == CaseStatus.RELEASED:
                out.setdefault(other.pk, other)
    return out


def kanon_recheck_released(cases: Sequence[Case]) -> list[Case]:
    """Re-run the k-check of these released cases; flag those that became unique and notify their
    panel's coordinators. Returns the cases newly flagged."""
    from scrutiny.services.kanon import K_ANONYMITY, quasi_identifier_matches

    flagged = []
    for case in cases:
        unique = quasi_identifier_matches(case) < K_ANONYMITY
        was = Case.objects.filter(pk=case.pk).values_list("kanon_flagged", flat=True).first()
        if was is None or unique == was:
            continue
        Case.objects.filter(pk=case.pk).update(kanon_flagged=unique)
        if unique:
            flagged.append(case)
            _notify_coordinators(case)
    return flagged


def _notify_coordinators(case: Case) -> None:
    from django.urls import reverse

    from agencies.models import NotificationKind, User
    from agencies.services import notification_send
    from scrutiny import permissions

    url = reverse("scrutiny:case-detail", args=[case.pk])
    people = (
        User.objects.filter(is_active=True, agency__area_id=case.area_id)
        .exclude(pk__in=permissions.walled_off_user_ids(case.pk))
        .order_by("pk")
    )
    for person in people:
        if permissions.can_coordinate(person, case.panel_id):
            notification_send(recipient=person, title=KANON_NOTICE, kind=NotificationKind.GENERAL, url=url)


def _delete_cases(today: dt.date, ids: Sequence[Any]) -> list[Any]:
    """The case rule's delete: as _delete_due, then the re-check above."""
    due, held = _due_cases(today), held_case_filter()
    going = list(due.filter(pk__in=list(ids)).exclude(held).order_by("pk"))
    affected = _released_lookalikes(going)
    gone = _delete_due(due, held, [case.pk for case in going])
    kanon_recheck_released([case for pk, case in affected.items() if pk not in set(gone)])
    return gone


# Cases and meetings ------------------------------------------------------------------------------------

# A child victim (under 18) or a child-rape offence: the CPS schedule keeps child sexual abuse cases longer.
CHILD_CASE = Q(offence_category=OffenceCategory.RAPE_CHILD) | Q(
    victim_age_band__in=[AgeBand.UNDER_16, AgeBand.AGE_16_17]
)


def _due_cases(today: dt.date) -> QuerySet:
    adult = Q(finalised_month__lt=registry.cutoff_date(today, "case")) & ~CHILD_CASE
    child = Q(finalised_month__lt=registry.cutoff_date(today, "case_child")) & CHILD_CASE
    return Case.objects.filter(adult | child)


def _due_meetings(today: dt.date) -> QuerySet:
    return Meeting.objects.filter(
        status=MeetingStatus.CLOSED, held_on__lt=registry.cutoff_date(today, "meeting")
    )


def _done_actions(today: dt.date) -> QuerySet:
    return Action.objects.filter(
        status=ActionStatus.DONE,
        closed_at__isnull=False,
        closed_at__lt=registry.cutoff_datetime(today, "action"),
    )


def _due_findings(today: dt.date) -> QuerySet:
    # A finding goes with its actions, so it waits until none of them is open or recently closed.
    live_action = Action.objects.filter(finding=OuterRef("pk")).exclude(
        pk__in=_done_actions(today).values("pk")
    )
    return Finding.objects.filter(recorded_at__lt=registry.cutoff_datetime(today, "finding")).exclude(
        Exists(live_action)
    )


def _finding_held(prefix: str = "") -> Q:
    """Findings (or, with "finding__", actions) of a case or meeting a hold keeps, directly or
    through the other (a held meeting keeps the cases on its agenda, and so their findings)."""
    held_cases = Case.objects.filter(held_case_filter()).values("pk")
    held_meetings = Meeting.objects.filter(held_meeting_filter()).values("pk")
    return Q(**{f"{prefix}case__in": held_cases}) | Q(**{f"{prefix}meeting__in": held_meetings})


def _rule(
    record_type: str, label: str, anchor: str, due: Any, held: Any, panel: str, order: int, **kw: Any
) -> RetentionRule:
    return RetentionRule(
        record_type=record_type,
        label=label,
        anchor=anchor,
        select=lambda today: _split(due(today), held(), panel),
        delete=lambda today, ids: _delete_due(due(today), held(), ids),
        order=order,
        **kw,
    )


# The audit log -----------------------------------------------------------------------------------------


def _held_audit_events() -> Q:
    cases, meetings = held_case_ids(), held_meeting_ids()
    return (
        Q(object_type__in=["case", "case_legal_hold"], object_id__in=cases)
        | Q(object_type__in=["meeting", "meeting_legal_hold"], object_id__in=meetings)
        | Q(meeting_id__in=meetings)
    )


def audit_log_prune_before(today: dt.date) -> dt.datetime:
    """The instant before which access events may be pruned: the audit log's period, moved back to
    the oldest event about a held case or meeting, so the pruned part is always a prefix of the
    log (the audit's hash chain stays verifiable) and never contains a held record's events."""
    cutoff = registry.cutoff_datetime(today, "audit_log")
    oldest_held = (
        AccessEvent.objects.filter(_held_audit_events(), at__lt=cutoff)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    return min(cutoff, oldest_held) if oldest_held is not None else cutoff


def audit_log_retention_report(today: dt.date) -> Selection:
    """Report-only rule for the audit log's own retention: how many access events are older than
    RETENTION_DAYS["audit_log"] (and their id range), and which are held back by a legal hold.
    Deletes nothing itself: the real run prunes through the audit's own function (`_prune_audit_log`,
    AUDIT_LOG_RULE below), which keeps the hash chain verifiable."""
    cutoff = registry.cutoff_datetime(today, "audit_log")
    before = audit_log_prune_before(today)
    span = AccessEvent.objects.filter(at__lt=before).aggregate(
        count=Count("pk"), low=Min("pk"), high=Max("pk")
    )
    held = list(
        AccessEvent.objects.filter(at__lt=cutoff, at__gte=before).order_by("pk").values_list("pk", flat=True)
    )
    count = span["count"]
    note = f"events before {before:%Y-%m-%d}"
    if count:
        note += f", ids {span['low']} to {span['high']}"
    return Selection(due=[], due_count=count, held=held, note=note)


# Registration (ScrutinyConfig.ready) -------------------------------------------------------------------

CASE_ANCHOR = "the month the case was finalised (case_child: a victim under 18 or a child-rape offence)"


def register_rules() -> None:
    registry.register(
        _rule(
            "action",
            "Agreed actions (with their updates)",
            "when the action was closed as done (open actions are kept)",
            _done_actions,
            lambda: _finding_held("finding__"),
            "finding__meeting__panel_id",
            order=10,
        )
    )
    registry.register(
        _rule(
            "finding",
            "Agreed findings",
            "when the finding was recorded, once none of its actions is open or still kept",
            _due_findings,
            lambda: _finding_held(),
            "meeting__panel_id",
            order=20,
        )
    )
    registry.register(
        _rule(
            "meeting",
            "Closed meetings (agenda, attendance, reviews)",
            "the day the meeting was held (closed meetings only)",
            _due_meetings,
            held_meeting_filter,
            "panel_id",
            order=30,
        )
    )
    registry.register(
        RetentionRule(
            record_type="case",
            label="Cases (texts, keys, declarations, reviews, findings)",
            anchor=CASE_ANCHOR,
            select=lambda today: _split(_due_cases(today), held_case_filter(), "panel_id"),
            # Re-checks the released look-alikes of every deleted case (see above).
            delete=_delete_cases,
            order=40,
            period_settings=("case_child",),
        )
    )
    registry.register(AUDIT_LOG_RULE)


AUDIT_LOG_RULE = RetentionRule(
    record_type="audit_log",
    label="Access audit log",
    anchor="when the event was recorded",
    select=audit_log_retention_report,
    delete=None,
    prune=lambda today, dry_run: _prune_audit_log(today, dry_run=dry_run),
    order=1000,
)


def _prune_audit_log(today: dt.date, *, dry_run: bool) -> int:
    """Prune the access audit up to `audit_log_prune_before(today)` (never past the audit's own
    limit, now minus its period): only the oldest run of rows, with a checkpoint so the chain still
    verifies (scrutiny.audit.prune_audit). Returns how many rows went."""
    from scrutiny.audit import prune_audit, retention_days

    limit = timezone.now() - dt.timedelta(days=retention_days())
    return prune_audit(before=min(audit_log_prune_before(today), limit), dry_run=dry_run).count


# The runner --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionResult:
    record_type: str
    label: str
    anchor: str
    period_days: int
    due_ids: tuple[Any, ...]
    due_count: int
    held_ids: tuple[Any, ...]
    deleted: int
    ids_shown: bool
    note: str = ""

    @property
    def held(self) -> int:
        return len(self.held_ids)

    @property
    def deleted_ids(self) -> tuple[Any, ...]:
        return self.due_ids


def _record_batch(*, record_type: str, count: int, ids: Sequence[Any], panel_id: int | None) -> None:
    from scrutiny.services import access_record

    batch = RetentionBatch.objects.create(
        record_type=record_type, count=count, object_ids=list(ids), panel_id=panel_id
    )
    access_record(
        actor=None,
        verb=AccessVerb.DELETE,
        object_type="retention_batch",
        object_id=batch.pk,
        audience=RETENTION_AUDIENCE,
        channel=AccessChannel.COMMAND,
        panel_id=panel_id,
    )


def _apply_rule(rule: RetentionRule, selection: Selection, today: dt.date) -> int:
    deleted = 0
    if rule.delete is not None:
        by_panel: dict[int | None, list[Any]] = defaultdict(list)
        for pk in selection.due:
            by_panel[selection.panels.get(pk)].append(pk)
        for panel_id, ids in sorted(by_panel.items(), key=lambda item: (item[0] is None, item[0] or 0)):
            for start in range(0, len(ids), BATCH_SIZE):
                with transaction.atomic():
                    gone = rule.delete(today, ids[start : start + BATCH_SIZE])
                    if gone:
                        _record_batch(
                            record_type=rule.record_type,
                            count=len(gone),
                            ids=gone if rule.ids_shown else [],
                            panel_id=panel_id,
                        )
                deleted += len(gone)
    elif rule.prune is not None and selection.count:
        with transaction.atomic():
            deleted = rule.prune(today, False)
            if deleted:
                _record_batch(record_type=rule.record_type, count=deleted, ids=[], panel_id=None)
    return deleted


def apply_retention(*, today: dt.date, dry_run: bool = False) -> list[RetentionResult]:
    """Apply every registered rule (children first). Dry run: report only, write nothing."""
    results = []
    for rule in registry.rules():
        selection = rule.select(today)
        deleted = 0 if dry_run else _apply_rule(rule, selection, today)
        note = selection.note
        if rule.delete is None and rule.prune is None:
            note = f"{note}; report only, nothing is deleted" if note else "report only, nothing is deleted"
        results.append(
            RetentionResult(
                record_type=rule.record_type,
                label=rule.label,
                anchor=rule.anchor,
                period_days=registry.period_days(rule.record_type),
                due_ids=tuple(selection.due),
                due_count=selection.count,
                held_ids=tuple(selection.held),
                deleted=deleted,
                ids_shown=rule.ids_shown,
                note=note,
            )
        )
    return results
