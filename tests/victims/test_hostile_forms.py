"""Hostile input on every VLO directory form: the team edit form, the confirm button and the
directory search (GET). See tests/hostile.py for the checks: never a 500, a refusal is a 4xx or
an error summary, and a refusal writes nothing. Also the named hostile cases of issue 16: a bad
email, a mobile number, identifiers in the hours, over-long input, another area's id,
non-numeric ids."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from agencies.victims.models import VloTeam
from tests.conftest import signed_in_client
from tests.hostile import HOSTILE_SETTINGS, HOSTILE_VALUES, check_post, encode, form_body, models_of

pytestmark = pytest.mark.django_db

# The VLO tables and the audit log: a refusal writes neither.
TABLES = models_of("victims", "wagtailcore.ModelLogEntry")

TEAM_FIELDS = {
    "team_name": ["North Victim Liaison Unit", "مرحبا \u202e VLO"],
    "mailbox": [
        "vlo@test-rasso-unit.example.org",
        "vlo@gmail.com",
        "jane.smith@test-rasso-unit.example.org",
        "vlo@other-rasso-unit.example.org",
    ],
    "phone": ["0113 496 0000", "07700 900123", "+44 7700 900123", "0300 123 4567", "0845 000 0000"],
    "opening_hours": ["Monday to Friday, 9am to 5pm", "Ask for Sarah Jones", "Call 07700 900123", "x" * 501],
    "courts": [],
}


@HOSTILE_SETTINGS
@given(data=st.data())
def test_team_edit_form(area_lead, area, court, other_court, other_team, data) -> None:
    foreign = [str(other_court.pk), str(other_team.pk), str(other_team.area_id)]
    body = data.draw(form_body({**TEAM_FIELDS, "courts": [str(court.pk), *foreign]}, hostile=foreign))
    client = signed_in_client(area_lead)
    check_post(client, reverse("victims:team-edit", args=[area.pk]), body, TABLES)
    # Another area's team, whatever the body: not found and nothing written.
    response = check_post(client, reverse("victims:team-edit", args=[other_team.area_id]), body, TABLES)
    assert response.status_code == 404


@HOSTILE_SETTINGS
@given(data=form_body({"confirm": ["yes"]}))
def test_team_confirm_form(area_lead, team, other_team, data) -> None:
    client = signed_in_client(area_lead)
    check_post(client, reverse("victims:team-confirm", args=[team.area_id]), data, TABLES)
    response = check_post(client, reverse("victims:team-confirm", args=[other_team.area_id]), data, TABLES)
    assert response.status_code == 404


@HOSTILE_SETTINGS
@given(
    court=st.sampled_from(HOSTILE_VALUES[:-1]) | st.text(max_size=40), area=st.sampled_from(HOSTILE_VALUES)
)
def test_directory_search(isva, team, court, area) -> None:
    query = encode([("court", court), ("area", area)])  # raw: lone surrogates as invalid UTF-8
    response = signed_in_client(isva).get(f"{reverse('victims:directory')}?{query}")
    assert response.status_code in (200, 400), response.status_code


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mailbox", "vlo@gmail.com", "not a personal email service"),
        ("mailbox", "vlo@yahoo.co.uk", "not a personal email service"),
        ("mailbox", "not an email", "Enter the team mailbox as an email address"),
        ("mailbox", "vlo@other-rasso-unit.example.org", "must be at your CPS area"),
        ("phone", "07700 900123", "never a personal mobile"),
        ("phone", "+447700900123", "never a personal mobile"),
        ("phone", "0909 879 0000", "Enter a UK landline"),
        ("opening_hours", "Weekdays; ask for Priya Patel", "a person&#x27;s name"),
        ("opening_hours", "Call 07700 900123 out of hours", "a phone number"),
        ("opening_hours", "9am to 5pm, or vlo.out-of-hours@gmail.com", "an email address"),
        ("opening_hours", "Weekdays " * 100, "at most 500 characters"),
        ("team_name", "T" * 121, "at most 120 characters"),
        ("mailbox", "v" * 250 + "@test-rasso-unit.example.org", "at most 254 characters"),
        ("phone", "0" * 31, "at most 30 characters"),
        ("courts", "abc", "Select a valid choice"),
        ("courts", "9" * 30, "Select a valid choice"),
    ],
)
def test_named_hostile_cases_get_a_clear_message_and_a_400(
    area_lead, area, court, field, value, message
) -> None:
    body = {
        "team_name": "North Victim Liaison Unit",
        "mailbox": "vlo@test-rasso-unit.example.org",
        "phone": "0113 496 0000",
        "opening_hours": "Monday to Friday, 9am to 5pm",
        "courts": [str(court.pk)],
        field: value,
    }
    response = signed_in_client(area_lead).post(reverse("victims:team-edit", args=[area.pk]), body)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not VloTeam.objects.exists()
