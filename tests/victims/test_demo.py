"""The demo VLO directory: seeded by seed_demo, idempotent, and valid by the services' own rules."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from agencies.models import User
from agencies.victims import services
from agencies.victims.models import Court, VloTeam

pytestmark = pytest.mark.django_db


def test_seed_demo_publishes_two_teams_one_due_for_review(settings, home_page) -> None:
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    teams = {team.area.code: team for team in VloTeam.objects.select_related("area")}
    assert set(teams) == {"north-east", "wessex"}
    assert not teams["north-east"].is_stale() and teams["wessex"].is_stale()
    assert Court.objects.count() == 4
    assert User.objects.get(email="lead@dalesford-cps.example.org").groups.filter(name="Area lead").exists()
    assert User.objects.get(email="vlo@dalesford-cps.example.org").groups.filter(name="VLO").exists()
    # The demo data passes the rules a lead's edit must pass.
    for team in teams.values():
        services.clean_phone(team.phone)
        services.clean_mailbox(team.mailbox, area_id=team.area_id)
        assert not services.find_identifiers(team.opening_hours)
        assert not services.find_identifiers(team.team_name)


def test_seed_demo_shows_pre_trial_meetings_in_three_states(settings, home_page) -> None:
    from agencies.victims.meetings.models import MeetingRequest

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    requests = MeetingRequest.objects.order_by("pk")
    assert [r.status for r in requests] == ["requested", "confirmed", "proposed"]
    assert {r.requester_kind for r in requests} == {"isva", "police"}
    officer = User.objects.get(email="oic@dalesford-police.example.org")
    assert officer.groups.filter(name="Police officer").exists()
