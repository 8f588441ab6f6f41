"""`manage.py send_vlo_reminders`: Area leads of teams unconfirmed for more than a quarter get an
in-app notification, once per REMIND_EVERY_DAYS; --dry-run lists and sends nothing."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from agencies.models import Notification
from agencies.roles import Role
from agencies.victims import services
from agencies.victims.audit import Action
from agencies.victims.models import VloTeam
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _age(team: VloTeam, days: int | None) -> None:
    confirmed = None if days is None else timezone.localdate() - timedelta(days=days)
    VloTeam.objects.filter(pk=team.pk).update(last_confirmed_on=confirmed)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("send_vlo_reminders", *args, stdout=out)
    return out.getvalue()


def test_leads_of_a_stale_team_are_reminded_once(area_lead, vlo, other_area_lead, team, other_team) -> None:
    second_lead = UserFactory(agency=area_lead.agency, roles=[Role.AREA_LEAD])
    UserFactory(agency=area_lead.agency, roles=[Role.AREA_LEAD], is_active=False)
    _age(team, 91)
    _age(other_team, 90)  # exactly a quarter: not yet due
    out = _run()
    assert "CPS Test North: last confirmed" in out and "2 area lead(s)" in out
    assert "VLO team reminders sent: 1" in out
    reminded = set(Notification.objects.values_list("recipient_id", flat=True))
    assert reminded == {area_lead.pk, second_lead.pk}  # not the VLO, not the other area's lead
    note = Notification.objects.filter(recipient=area_lead).get()
    assert note.url == f"/vlo/areas/{team.area_id}/" and "CPS Test North" in note.title
    assert ModelLogEntry.objects.filter(action=Action.VLO_TEAM_REMINDED.value).count() == 1
    # Run again (daily cron): nothing more until REMIND_EVERY_DAYS have passed.
    assert "VLO team reminders sent: 0" in _run()
    assert Notification.objects.count() == 2
    VloTeam.objects.filter(pk=team.pk).update(
        reminder_sent_at=timezone.now() - timedelta(days=services.REMIND_EVERY_DAYS + 1)
    )
    assert "VLO team reminders sent: 1" in _run()
    assert Notification.objects.count() == 4


def test_a_never_confirmed_team_is_due(area_lead, team) -> None:
    _age(team, None)
    assert "last confirmed never" in _run()


def test_confirming_stops_the_reminders(area_lead, team) -> None:
    _age(team, 200)
    services.vlo_team_confirm(actor=area_lead, area_id=team.area_id)
    assert "VLO team reminders sent: 0" in _run()
    assert not Notification.objects.exists()


def test_dry_run_lists_and_sends_nothing(area_lead, team) -> None:
    _age(team, 100)
    out = _run("--dry-run")
    assert "VLO team reminders due: 1" in out and "1 area lead(s)" in out
    assert not Notification.objects.exists()
    team.refresh_from_db()
    assert team.reminder_sent_at is None


def test_a_team_without_leads_is_listed_but_not_claimed(team, roles) -> None:
    _age(team, 100)
    assert "VLO team reminders due: 1" in _run("--dry-run")
    assert "VLO team reminders sent: 0" in _run()
    team.refresh_from_db()
    assert team.reminder_sent_at is None  # reminded as soon as the area has a lead
