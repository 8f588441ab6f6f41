"""Agencies' rules in the retention schedule (agencies/retention.py): notifications, invitations and
expired sessions are deleted when due and not before; session keys are never printed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from agencies import retention as registry
from agencies.models import Invitation, Notification
from scrutiny.models import AccessEvent, RetentionBatch
from tests.factories import AgencyFactory
from tests.factories.agencies import NotificationFactory

pytestmark = pytest.mark.django_db


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _run(today: dt.date, *, dry_run: bool = False) -> str:
    out = io.StringIO()
    args = ["apply_retention", "--today", today.isoformat()] + (["--dry-run"] if dry_run else [])
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_notification_goes_a_year_after_it_was_created() -> None:
    created = dt.date(2026, 1, 10)
    old = NotificationFactory(created_at=_at(created))
    young = NotificationFactory(created_at=_at(created + dt.timedelta(days=30)))
    limit = created + dt.timedelta(days=365)
    _run(limit)
    assert Notification.objects.filter(pk=old.pk).exists()
    _run(limit + dt.timedelta(days=1))
    assert list(Notification.objects.values_list("pk", flat=True)) == [young.pk]
    batch = RetentionBatch.objects.get(record_type="notification")
    assert batch.object_ids == [old.pk] and batch.panel_id is None
    assert AccessEvent.objects.filter(object_type="retention_batch", object_id=batch.pk).exists()


def _invitation(**fields) -> Invitation:
    return Invitation.objects.create(
        agency=fields.pop("agency"), email=f"{len(fields)}-{id(fields)}@example.org", role="isva", **fields
    )


def test_an_invitation_goes_ninety_days_after_it_ended_and_never_while_usable() -> None:
    agency = AgencyFactory()
    ended = dt.date(2026, 1, 10)
    expired = _invitation(agency=agency, expires_at=_at(ended))
    accepted = _invitation(agency=agency, expires_at=_at(dt.date(2027, 1, 1)), accepted_at=_at(ended))
    revoked = _invitation(agency=agency, expires_at=_at(dt.date(2027, 1, 1)), revoked_at=_at(ended))
    pending = _invitation(agency=agency, expires_at=_at(dt.date(2027, 1, 1)))
    limit = ended + dt.timedelta(days=90)
    _run(limit)
    assert Invitation.objects.count() == 4
    _run(limit + dt.timedelta(days=1))
    assert list(Invitation.objects.values_list("pk", flat=True)) == [pending.pk]
    gone = RetentionBatch.objects.get(record_type="invitation").object_ids
    assert sorted(gone) == sorted([expired.pk, accepted.pk, revoked.pk])
    # The pending one goes only once its own expiry is ninety days old.
    _run(dt.date(2027, 1, 1) + dt.timedelta(days=91))
    assert not Invitation.objects.exists()


def test_an_expired_session_goes_and_its_key_is_never_printed() -> None:
    today = dt.date(2026, 6, 1)
    expired = Session.objects.create(
        session_key="zqxexpiredsessionkey0000000000001", session_data="", expire_date=_at(dt.date(2026, 5, 1))
    )
    live = Session.objects.create(
        session_key="zqxlivesessionkey00000000000000002",
        session_data="",
        expire_date=_at(dt.date(2026, 6, 2)),
    )
    dry = _run(today, dry_run=True)
    assert "session: would delete 1 (ids not shown: they are credentials)" in dry
    assert Session.objects.count() == 2
    real = _run(today)
    assert "zqx" not in dry + real
    assert list(Session.objects.values_list("pk", flat=True)) == [live.pk]
    batch = RetentionBatch.objects.get(record_type="session")
    assert batch.count == 1 and batch.object_ids == []
    assert expired.pk not in str(list(AccessEvent.objects.values_list()))


def test_a_session_expired_today_is_kept_for_a_day() -> None:
    today = dt.date(2026, 6, 1)
    Session.objects.create(session_key="k" * 32, session_data="", expire_date=_at(dt.date(2026, 5, 31)))
    _run(today)
    assert Session.objects.exists()
    assert registry.period_days("session") == 1
