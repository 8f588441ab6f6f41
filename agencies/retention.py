"""The retention schedule: one registry of rules, one per record type, that every app fills from
its AppConfig.ready(), so `manage.py apply_retention` (scrutiny/retention.py runs it) applies them
all. It lives here, in the lowest app, because agencies imports nothing from scrutiny or content.

A rule says which records of its type are due (their anchor date is older than the type's period)
and which of those a legal hold keeps back; `delete` removes due records by id, re-checking due
and held inside the same transaction. Periods are days in `settings.RETENTION_DAYS` (one
environment variable per type, `RETENTION_DAYS_<TYPE>`; docs/SECURITY.md §11 has the
table). Agencies' own rules (notifications, invitations, expired sessions) are at the bottom.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone


@dataclass(frozen=True)
class Selection:
    """What one rule found. `due`: ids that would be deleted; `held`: ids due by date but kept by
    a legal hold; `panels`: the panel of each due id (one audit entry per panel and batch), for
    panel records. `due_count` when `due` is not listed in full (the audit log)."""

    due: Sequence[Any]
    held: Sequence[Any] = ()
    panels: Mapping[Any, int | None] = field(default_factory=dict)
    due_count: int | None = None
    note: str = ""

    @property
    def count(self) -> int:
        return self.due_count if self.due_count is not None else len(self.due)


@dataclass(frozen=True)
class RetentionRule:
    record_type: str  # also the key of its period in settings.RETENTION_DAYS
    label: str
    anchor: str  # "from which date", for reports and the documentation table
    select: Callable[[dt.date], Selection]
    # Deletes those of the given ids that are still due and not held, returning the ids deleted.
    # None: the rule deletes nothing by id (see `prune`), or only reports.
    delete: Callable[[dt.date, Sequence[Any]], Sequence[Any]] | None
    # Deletes everything due at once, returning how many went (`prune(today, dry_run)`): for a
    # store that is pruned as a whole, like the audit log's hash chain.
    prune: Callable[[dt.date, bool], int] | None = None
    order: int = 100  # children before parents, so each deletion is audited under its own type
    ids_shown: bool = True  # False: the ids are credentials (session keys); only counts are shown
    period_settings: tuple[str, ...] = ()  # further periods the rule reads (e.g. "case_child")


_RULES: dict[str, RetentionRule] = {}


def register(rule: RetentionRule) -> RetentionRule:
    """Add (or replace: a repeated ready() registers the same rule again) the rule for its type."""
    for name in (rule.record_type, *rule.period_settings):
        period_days(name)  # a missing or malformed period fails at start-up, not at 3 a.m.
    _RULES[rule.record_type] = rule
    return rule


def rules() -> list[RetentionRule]:
    return sorted(_RULES.values(), key=lambda rule: (rule.order, rule.record_type))


def rule_for(record_type: str) -> RetentionRule:
    return _RULES[record_type]


def period_days(record_type: str) -> int:
    periods = getattr(settings, "RETENTION_DAYS", {})
    value = periods.get(record_type)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ImproperlyConfigured(
            f"settings.RETENTION_DAYS[{record_type!r}] must be a whole number of days (0 or more), "
            f"not {value!r}."
        )
    return value


def cutoff_date(today: dt.date, record_type: str) -> dt.date:
    """Records whose anchor date is before this day are due."""
    return today - dt.timedelta(days=period_days(record_type))


def cutoff_datetime(today: dt.date, record_type: str) -> dt.datetime:
    """The same cut-off as an aware datetime: the start of that day, local time."""
    day = cutoff_date(today, record_type)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# Agencies' rules --------------------------------------------------------------------------------------


def _notifications(today: dt.date) -> Any:
    from agencies.models import Notification

    return Notification.objects.filter(created_at__lt=cutoff_datetime(today, "notification"))


def _invitations(today: dt.date) -> Any:
    from agencies.models import Invitation

    # The date an invitation stopped being usable: accepted, revoked, else its expiry. A pending
    # invitation is due only once its expiry is older than the period, so never while usable.
    ended = Coalesce(F("accepted_at"), F("revoked_at"), F("expires_at"))
    return Invitation.objects.alias(ended=ended).filter(ended__lt=cutoff_datetime(today, "invitation"))


def _sessions(today: dt.date) -> Any:
    from django.contrib.sessions.models import Session

    return Session.objects.filter(expire_date__lt=cutoff_datetime(today, "session"))


def _by_pk(queryset_for: Callable[[dt.date], Any]) -> Callable[[dt.date], Selection]:
    def select(today: dt.date) -> Selection:
        return Selection(due=list(queryset_for(today).order_by("pk").values_list("pk", flat=True)))

    return select


def _delete_by_pk(queryset_for: Callable[[dt.date], Any]) -> Callable[[dt.date, Sequence[Any]], list[Any]]:
    def delete(today: dt.date, ids: Sequence[Any]) -> list[Any]:
        gone = list(queryset_for(today).filter(pk__in=list(ids)).values_list("pk", flat=True))
        if gone:
            queryset_for(today).filter(pk__in=gone).delete()
        return gone

    return delete


def register_agencies_rules() -> None:
    register(
        RetentionRule(
            record_type="notification",
            label="Notifications",
            anchor="when the notification was created (read or not)",
            select=_by_pk(_notifications),
            delete=_delete_by_pk(_notifications),
        )
    )
    register(
        RetentionRule(
            record_type="invitation",
            label="Invitations",
            anchor="when the invitation was accepted or revoked, else when it expired",
            select=_by_pk(_invitations),
            delete=_delete_by_pk(_invitations),
        )
    )
    register(
        RetentionRule(
            record_type="session",
            label="Sessions (signed-in browsers)",
            anchor="when the session expired",
            select=_by_pk(_sessions),
            delete=_delete_by_pk(_sessions),
            ids_shown=False,
        )
    )
