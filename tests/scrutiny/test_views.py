"""Bad input on every scrutiny form: a GOV.UK error summary (400) or a redirect, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scrutiny.models import Case, Extract
from tests.conftest import signed_in_client

JUNK = {
    "presenting_agency": "999999",
    "offence_category": "<script>",
    "offence_month": "2023-13",
    "finalised_month": "not a month",
    "months_to_charge_decision": "-4",
    "victim_age_band": "x",
    "vulnerability_flags": ["nope"],
    "isva_involved": "maybe",
    "text": "",
    "kind": "letter",
    "stage": "z",
    "email": "not-an-email",
    "role": "king",
    "held_on": "31/02/2026",
    "score": "9",
    "case": "abc",
    "theme": "0",
    "due_on": "soon",
    "owner_agency": "x",
    "status": "finished",
    "hit_0": "everything",
    "involved": "perhaps",
    "accept": "no",
}


@pytest.mark.django_db
def test_junk_posts_never_give_a_server_error(world) -> None:
    coordinator = signed_in_client(world.users["coordinator"])
    checker = signed_in_client(world.users["coordinator2"])
    chair = signed_in_client(world.users["chair"])
    member = signed_in_client(world.users["cps_member"])
    newcomer = signed_in_client(world.users["not_accepted"])
    cases_before = Case.objects.count()
    posts = [
        (coordinator, reverse("scrutiny:case-create", args=[world.panel.pk]), 400),
        (coordinator, reverse("scrutiny:case-edit", args=[world.draft.pk]), 400),
        (coordinator, reverse("scrutiny:text-add", args=[world.draft.pk, "extract"]), 400),
        (coordinator, reverse("scrutiny:text-add", args=[world.draft.pk, "nonsense"]), 404),
        (coordinator, reverse("scrutiny:text-edit", args=["extract", world.draft_text.pk]), 400),
        (checker, reverse("scrutiny:text-check", args=["extract", world.draft_text.pk]), 400),
        (coordinator, reverse("scrutiny:membership-add", args=[world.panel.pk]), 400),
        (coordinator, reverse("scrutiny:meeting-create", args=[world.panel.pk]), 400),
        (coordinator, reverse("scrutiny:agenda-add", args=[world.other_meeting.pk]), 302),
        (chair, reverse("scrutiny:finding-create", args=[world.meeting.pk]), 400),
        (chair, reverse("scrutiny:action-create", args=[world.finding.pk]), 400),
        (chair, reverse("scrutiny:action-update", args=[world.action.pk]), 400),
        (chair, reverse("scrutiny:agreed-score", args=[world.meeting.agenda.first().pk]), 302),
        (member, reverse("scrutiny:review-submit", args=[world.case.pk, world.meeting.pk]), 400),
        (newcomer, reverse("scrutiny:agreement"), 200),
    ]
    for client, url, expected in posts:
        response = client.post(url, JUNK)
        assert response.status_code == expected, (url, response.status_code)
        if expected == 400:
            body = response.content.decode()
            assert "govuk-error-summary" in body and "<title>Error: " in body, url
    assert Case.objects.count() == cases_before
    assert "Select that you accept" in newcomer.post(reverse("scrutiny:agreement"), {}).content.decode()


@pytest.mark.django_db
def test_exports_are_marked_and_only_in_known_formats(world) -> None:
    client = signed_in_client(world.users["chair"])
    csv = client.get(reverse("scrutiny:findings-export", args=[world.panel.pk, "csv"]))
    assert csv.status_code == 200 and csv.content.decode().startswith("OFFICIAL-SENSITIVE")
    assert csv["Cache-Control"] == "no-store"
    xlsx = client.get(reverse("scrutiny:actions-export", args=[world.panel.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("scrutiny:findings-export", args=[world.panel.pk, "pdf"])).status_code == 404


@pytest.mark.django_db
def test_a_confirmed_redaction_renders_as_a_visible_block_with_its_reason(world) -> None:
    extract = Extract.objects.get(case=world.case, kind="charging_advice")
    assert "[[redacted:contact]]" in extract.text
    page = signed_in_client(world.users["chair"]).get(reverse("scrutiny:case-detail", args=[world.case.pk]))
    body = page.content.decode()
    assert "Redacted: Contact details" in body and "[[redacted" not in body


@pytest.mark.django_db
def test_the_panel_index_lists_open_actions_for_the_members_agency(world) -> None:
    body = signed_in_client(world.users["cps_member"]).get(reverse("scrutiny:panel-list")).content.decode()
    assert reverse("scrutiny:action-update", args=[world.action.pk]) in body and "Overdue" in body
    other = signed_in_client(world.users["isva_member"]).get(reverse("scrutiny:panel-list")).content.decode()
    assert reverse("scrutiny:action-update", args=[world.action.pk]) not in other
