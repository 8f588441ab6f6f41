"""The VLO team services: the domain rules (mailbox, phone, identifiers, courts), the object-level
check (an Area lead edits their own area only), the audit entry, and nothing half-written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from agencies.errors import NotFound, ServiceError
from agencies.victims import services
from agencies.victims.audit import Action
from agencies.victims.models import VloTeam
from agencies.victims.services import TeamSpec

pytestmark = pytest.mark.django_db


def spec(**overrides: object) -> TeamSpec:
    values: dict[str, Any] = {
        "team_name": "North Victim Liaison Unit",
        "mailbox": "vlo@test-rasso-unit.example.org",
        "phone": "0113 496 0000",
        "opening_hours": "Monday to Friday, 9am to 5pm",
        "court_ids": (),
    }
    values.update(overrides)
    return TeamSpec(**values)


def test_a_lead_publishes_their_areas_team_and_it_is_audited(area_lead, area, court) -> None:
    team = services.vlo_team_save(actor=area_lead, area_id=area.pk, spec=spec(court_ids=(court.pk,)))
    team.refresh_from_db()
    assert team.area_id == area.pk
    assert team.phone == "01134960000"
    assert team.phone_display == "0113 496 0000"
    assert [c.pk for c in team.courts.all()] == [court.pk]
    assert team.last_confirmed_on == timezone.localdate()
    entry = ModelLogEntry.objects.get(action=Action.VLO_TEAM_CREATED.value)
    assert entry.user_id == area_lead.pk and entry.object_id == str(team.pk)
    assert entry.data == {"agency_id": area_lead.agency_id}


def test_saving_again_changes_the_one_team_and_is_audited_as_a_change(area_lead, area, team) -> None:
    services.vlo_team_save(actor=area_lead, area_id=area.pk, spec=spec(team_name="North VLO team"))
    assert VloTeam.objects.filter(area=area).count() == 1
    assert VloTeam.objects.get(area=area).team_name == "North VLO team"
    assert ModelLogEntry.objects.filter(action=Action.VLO_TEAM_UPDATED.value).count() == 1


@pytest.mark.parametrize(
    "mailbox",
    [
        "northvlo@gmail.com",
        "vlo@hotmail.co.uk",
        "vlo@outlook.com",
        "vlo@yahoo.com",
        "vlo@icloud.com",
        "vlo@another-agency.example.org",  # not the area's CPS domain
        "jane.smith@test-rasso-unit.example.org",  # a person's address
        "priya.patel@test-rasso-unit.example.org",
        "not-an-address",
        "a@b@test-rasso-unit.example.org",
        "vlo team@test-rasso-unit.example.org",  # not an address Django's EmailField stores
        "vlo..team@test-rasso-unit.example.org",
        "<vlo>@test-rasso-unit.example.org",
    ],
)
def test_mailboxes_that_are_personal_or_elsewhere_are_refused(area_lead, area, mailbox) -> None:
    with pytest.raises(ServiceError) as refused:
        services.vlo_team_save(actor=area_lead, area_id=area.pk, spec=spec(mailbox=mailbox))
    assert refused.value.field == "mailbox"
    assert not VloTeam.objects.exists()
    assert not ModelLogEntry.objects.filter(action__startswith="victims.").exists()


@pytest.mark.parametrize(
    "mailbox",
    [
        "VLO@Test-RASSO-Unit.example.org",
        "north.vlo@test-rasso-unit.example.org",
        "victim.liaison@test-rasso-unit.example.org",
    ],
)
def test_team_mailboxes_at_the_areas_domain_are_accepted(area_lead, area, mailbox) -> None:
    team = services.vlo_team_save(actor=area_lead, area_id=area.pk, spec=spec(mailbox=mailbox))
    assert team.mailbox == mailbox.lower()


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123",
        "+44 7700 900123",
        "00447700900123",
        "0845 000 0000",
        "0909 000 0000",
        "999",
        "0113 496",
        "01134960000000",
        "not a number",
        "٠١١٣٤٩٦٠٠٠٠",
        "+1 202 555 0100",
    ],
)
def test_mobiles_and_numbers_that_are_not_uk_landlines_are_refused(area_lead, area, phone) -> None:
    with pytest.raises(ServiceError) as refused:
        services.vlo_team_save(actor=area_lead, area_id=area.pk, spec=spec(phone=phone))
    assert refused.value.field == "phone"
    assert not VloTeam.objects.exists()


def test_a_mobile_is_refused_with_a_message_that_says_so(area_lead, area) -> None:
    with pytest.raises(ServiceError, match="never a personal mobile"):
        services.vlo_team_save(actor=area_lead, area_id=area.pk, spec=spec(phone="07700 900123"))


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("0113 496 0000", "01134960000"),
        ("(0113) 496-0000", "01134960000"),
        ("+44 (0)113 496 0000", "01134960000"),
        ("020 7946 0000", "02079460000"),
        ("0300 123 4567", "03001234567"),
        ("0800 123 456", "0800123456"),
        ("0808 157 0000", "08081570000"),
    ],
)
def test_uk_landline_and_non_geographic_numbers_are_accepted(area_lead, area, phone, stored) -> None:
    team = services.vlo_team_save(actor=area_lead, area_id=area.pk, spec=spec(phone=phone))
    assert team.phone == stored


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("opening_hours", "Monday to Friday; ask for Sarah Jones"),
        ("opening_hours", "Out of hours call 07700 900123"),
        ("opening_hours", "Email jo.bloggs@test-rasso-unit.example.org"),
        ("opening_hours", "Closed 25/12/2026"),
        ("team_name", "Priya Patel's team"),
    ],
)
def test_names_and_personal_numbers_in_free_text_are_refused(area_lead, area, field, text) -> None:
    with pytest.raises(ServiceError, match="team details only") as refused:
        services.vlo_team_save(actor=area_lead, area_id=area.pk, spec=spec(**{field: text}))
    assert refused.value.field == field
    assert not VloTeam.objects.exists()


def test_abbreviated_days_pass_and_a_name_in_the_hours_is_refused(area_lead, area) -> None:
    """Weekday abbreviations in a run of days or before a time are ordinary text to the detector;
    a person's name in the hours is still refused, and nothing is written."""
    team = services.vlo_team_save(
        actor=area_lead, area_id=area.pk, spec=spec(opening_hours="Mon to Fri, 9am to 5pm; Sat 10-2")
    )
    assert team.opening_hours == "Mon to Fri, 9am to 5pm; Sat 10-2"
    with pytest.raises(ServiceError, match="no names or personal numbers"):
        services.vlo_team_save(
            actor=area_lead, area_id=area.pk, spec=spec(opening_hours="Mon to Fri, ask for Sarah Jones")
        )
    assert VloTeam.objects.get().opening_hours == "Mon to Fri, 9am to 5pm; Sat 10-2"


def test_over_long_and_empty_text_is_refused(area_lead, area) -> None:
    with pytest.raises(ServiceError, match="500 characters"):
        services.vlo_team_save(actor=area_lead, area_id=area.pk, spec=spec(opening_hours="Weekdays " * 60))
    with pytest.raises(ServiceError, match="Enter the team name"):
        services.vlo_team_save(actor=area_lead, area_id=area.pk, spec=spec(team_name="   "))
    assert not VloTeam.objects.exists()


def test_another_areas_court_is_refused_and_nothing_is_written(area_lead, area, court, other_court) -> None:
    with pytest.raises(ServiceError, match="own area"):
        services.vlo_team_save(
            actor=area_lead, area_id=area.pk, spec=spec(court_ids=(court.pk, other_court.pk))
        )
    assert not VloTeam.objects.exists()


def test_a_refused_change_leaves_the_published_team_as_it_was(area_lead, area, team, court) -> None:
    before = VloTeam.objects.values().get(pk=team.pk)
    with pytest.raises(ServiceError):
        services.vlo_team_save(
            actor=area_lead, area_id=area.pk, spec=spec(team_name="New name", phone="07700900123")
        )
    assert VloTeam.objects.values().get(pk=team.pk) == before
    assert [c.pk for c in team.courts.all()] == [court.pk]


def test_a_lead_cannot_edit_or_confirm_another_areas_team(area_lead, other_area, other_team) -> None:
    before = VloTeam.objects.values().get(pk=other_team.pk)
    with pytest.raises(NotFound):
        services.vlo_team_save(actor=area_lead, area_id=other_area.pk, spec=spec())
    with pytest.raises(NotFound):
        services.vlo_team_confirm(actor=area_lead, area_id=other_area.pk)
    assert VloTeam.objects.values().get(pk=other_team.pk) == before


@pytest.mark.parametrize("who", ["vlo", "isva", "coordinator", "panel_member", "platform_admin"])
def test_nobody_but_an_area_lead_edits_or_confirms(request, area, team, who) -> None:
    actor = request.getfixturevalue(who)
    with pytest.raises(NotFound):
        services.vlo_team_save(actor=actor, area_id=area.pk, spec=spec())
    with pytest.raises(NotFound):
        services.vlo_team_confirm(actor=actor, area_id=area.pk)


def test_an_area_lead_outside_a_cps_agency_edits_nothing(roles, area, team, isva_agency) -> None:
    from agencies.roles import Role
    from tests.factories import UserFactory

    lead_at_isva = UserFactory(agency=isva_agency, roles=[Role.AREA_LEAD])  # same area, wrong kind
    with pytest.raises(NotFound):
        services.vlo_team_save(actor=lead_at_isva, area_id=area.pk, spec=spec())


def test_confirming_sets_today_and_is_audited(area_lead, area, team) -> None:
    VloTeam.objects.filter(pk=team.pk).update(last_confirmed_on=timezone.localdate() - timedelta(days=200))
    services.vlo_team_confirm(actor=area_lead, area_id=area.pk)
    team.refresh_from_db()
    assert team.last_confirmed_on == timezone.localdate()
    assert not team.is_stale()
    assert ModelLogEntry.objects.filter(action=Action.VLO_TEAM_CONFIRMED.value, user_id=area_lead.pk).exists()


def test_confirming_before_publishing_is_refused(area_lead, area) -> None:
    with pytest.raises(ServiceError, match="Publish"):
        services.vlo_team_confirm(actor=area_lead, area_id=area.pk)


def test_stale_after_a_quarter(team) -> None:
    today = timezone.localdate()
    team.last_confirmed_on = today - timedelta(days=90)
    assert not team.is_stale(today)
    team.last_confirmed_on = today - timedelta(days=91)
    assert team.is_stale(today)
    team.last_confirmed_on = None
    assert team.is_stale(today)
