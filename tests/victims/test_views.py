"""The directory, team and edit pages through the test client: search by court without
JavaScript, the lead's prompt after a quarter, refusals shown in the GOV.UK error summary."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.victims.models import VloTeam
from tests.conftest import signed_in_client
from tests.factories.victims import CourtFactory, VloTeamFactory

pytestmark = pytest.mark.django_db

FORM = {
    "team_name": "North Victim Liaison Unit",
    "mailbox": "vlo@test-rasso-unit.example.org",
    "phone": "0113 496 0000",
    "opening_hours": "Monday to Friday, 9am to 5pm",
}


@pytest.mark.parametrize("who", ["isva", "panel_member", "coordinator", "host", "vlo", "area_lead"])
def test_partners_see_every_areas_team(request, who, team, other_team) -> None:
    response = signed_in_client(request.getfixturevalue(who)).get(reverse("victims:directory"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "North Victim Liaison Unit" in body and "South Victim Liaison Unit" in body
    assert "0113 496 0000" in body and 'href="tel:+441134960000"' in body
    assert "VLO directory" in body  # the navigation entry


@pytest.mark.parametrize("who", ["editor", "governance_member", "platform_admin", "evaluator"])
def test_roles_that_do_not_work_with_victims_cases_do_not(request, who, team) -> None:
    client = signed_in_client(request.getfixturevalue(who))
    assert client.get(reverse("victims:directory")).status_code == 403
    assert client.get(reverse("victims:team-detail", args=[team.area_id])).status_code == 403
    assert "VLO directory" not in client.get(reverse("agencies:notifications")).content.decode()


def test_search_by_court_name_is_a_plain_get_form(isva, team, other_team) -> None:
    client = signed_in_client(isva)
    page = client.get(reverse("victims:directory")).content.decode()
    assert '<form method="get" action="/vlo/"' in page and 'name="court"' in page
    body = client.get(reverse("victims:directory"), {"court": "magistrates"}).content.decode()
    assert "South Victim Liaison Unit" in body and "North Victim Liaison Unit" not in body
    body = client.get(reverse("victims:directory"), {"court": "no such court"}).content.decode()
    assert "No VLO team matches your search" in body


def test_search_by_area(isva, team, other_team) -> None:
    body = signed_in_client(isva).get(reverse("victims:directory"), {"area": team.area_id}).content.decode()
    assert "North Victim Liaison Unit" in body and "South Victim Liaison Unit" not in body


@pytest.mark.parametrize("query", [{"court": "x" * 101}, {"area": "abc"}, {"area": "9" * 30}, {"area": "-1"}])
def test_bad_searches_get_a_clear_message_and_a_400(isva, team, query) -> None:
    response = signed_in_client(isva).get(reverse("victims:directory"), query)
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body and "<title>Error: " in body


def test_a_nul_in_the_search_is_refused_before_the_view(isva, team) -> None:
    assert signed_in_client(isva).get(reverse("victims:directory"), {"court": "a\x00b"}).status_code == 400


def test_many_pages_paginate(isva, roles) -> None:
    for _ in range(55):
        VloTeamFactory()
    client = signed_in_client(isva)
    assert "Page 1 of 2" in client.get(reverse("victims:directory")).content.decode()
    assert client.get(reverse("victims:directory"), {"page": "2"}).status_code == 200
    assert client.get(reverse("victims:directory"), {"page": "99999999999"}).status_code == 200


def test_the_lead_is_prompted_once_the_details_are_older_than_a_quarter(area_lead, isva, team) -> None:
    url = reverse("victims:team-detail", args=[team.area_id])
    lead = signed_in_client(area_lead)
    assert "more than 90 days ago" not in lead.get(url).content.decode()
    VloTeam.objects.filter(pk=team.pk).update(last_confirmed_on=timezone.localdate() - timedelta(days=91))
    body = lead.get(url).content.decode()
    assert "more than 90 days ago" in body and "Confirm these details are correct" in body
    # Readers see the team, not the lead's prompt or buttons; the directory flags it for review.
    reader = signed_in_client(isva).get(url).content.decode()
    assert "more than 90 days ago" not in reader and "Confirm these details" not in reader
    assert "Due for review" in signed_in_client(isva).get(reverse("victims:directory")).content.decode()


def test_the_lead_confirms_with_one_button(area_lead, team) -> None:
    VloTeam.objects.filter(pk=team.pk).update(last_confirmed_on=timezone.localdate() - timedelta(days=120))
    response = signed_in_client(area_lead).post(reverse("victims:team-confirm", args=[team.area_id]))
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.last_confirmed_on == timezone.localdate()


def test_the_lead_publishes_through_the_form(area_lead, area, court) -> None:
    client = signed_in_client(area_lead)
    url = reverse("victims:team-edit", args=[area.pk])
    page = client.get(url).content.decode()
    assert "North Crown Court" in page
    response = client.post(url, {**FORM, "courts": [str(court.pk)]})
    assert response.status_code == 302, response.content.decode()[:2000]
    team = VloTeam.objects.get(area=area)
    assert [c.name for c in team.courts.all()] == ["North Crown Court"]
    # The form shows the saved values when opened again.
    assert 'value="0113 496 0000"' in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mailbox", "north.vlo@gmail.com", "not a personal email service"),
        ("mailbox", "jane.smith@test-rasso-unit.example.org", "a person&#x27;s email address"),
        ("phone", "07700 900123", "never a personal mobile"),
        ("opening_hours", "Ask for Sarah Jones", "what looks like a person&#x27;s name"),
        ("opening_hours", "x" * 501, "at most 500 characters"),
        ("team_name", "", "This field is required"),
    ],
)
def test_refusals_are_shown_in_the_error_summary_and_nothing_is_saved(
    area_lead, area, field, value, message
) -> None:
    response = signed_in_client(area_lead).post(
        reverse("victims:team-edit", args=[area.pk]), {**FORM, field: value}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body and message in body and "<title>Error: " in body
    assert not VloTeam.objects.exists()


def test_another_areas_court_id_is_an_invalid_choice(area_lead, area, court, other_court) -> None:
    response = signed_in_client(area_lead).post(
        reverse("victims:team-edit", args=[area.pk]), {**FORM, "courts": [str(other_court.pk)]}
    )
    assert response.status_code == 400
    assert not VloTeam.objects.exists()


def test_another_areas_team_is_not_found_for_a_lead(area_lead, other_team) -> None:
    client = signed_in_client(area_lead)
    before = VloTeam.objects.values().get(pk=other_team.pk)
    assert client.get(reverse("victims:team-edit", args=[other_team.area_id])).status_code == 404
    assert client.post(reverse("victims:team-edit", args=[other_team.area_id]), FORM).status_code == 404
    assert client.post(reverse("victims:team-confirm", args=[other_team.area_id])).status_code == 404
    assert VloTeam.objects.values().get(pk=other_team.pk) == before
    # Reading it is fine: the directory is for every area.
    assert client.get(reverse("victims:team-detail", args=[other_team.area_id])).status_code == 200


@pytest.mark.parametrize("path", ["/vlo/areas/abc/", "/vlo/areas/-1/edit/", "/vlo/areas/1.5/confirm/"])
def test_non_numeric_ids_are_not_found(area_lead, path) -> None:
    assert signed_in_client(area_lead).get(path).status_code == 404


def test_out_of_range_ids_are_not_found_never_a_server_error(area_lead) -> None:
    client = signed_in_client(area_lead)
    huge = "9" * 40
    assert client.get(f"/vlo/areas/{huge}/").status_code == 404
    assert client.get(f"/vlo/areas/{huge}/edit/").status_code == 404
    assert client.post(f"/vlo/areas/{huge}/confirm/").status_code == 404
    assert client.get(f"/vlo/areas/{2**63 - 1}/").status_code == 404


def test_a_published_team_page_for_an_area_without_one(isva, other_area) -> None:
    body = signed_in_client(isva).get(reverse("victims:team-detail", args=[other_area.pk])).content.decode()
    assert "has not published its VLO team yet" in body


def test_court_names_appear_on_the_team_page(isva, team) -> None:
    CourtFactory(area=team.area, name="North Youth Court")  # not covered: not shown
    body = signed_in_client(isva).get(reverse("victims:team-detail", args=[team.area_id])).content.decode()
    assert "North Crown Court" in body and "North Youth Court" not in body
