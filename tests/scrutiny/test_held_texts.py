"""Meeting-time identifier hits take the second-person route: a finding or action description with
a possible identifier is saved but held back from the panel and governance until someone who can
chair (not its author) confirms it, redacts it with a reason, or rewrites it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from scrutiny import services
from scrutiny.models import AccessEvent, AccessVerb, CheckStatus
from scrutiny.redaction import Audience, redact
from tests.conftest import signed_in_client
from tests.scrutiny.conftest import CANARIES

pytestmark = pytest.mark.django_db


def test_a_hit_holds_the_finding_back_from_everyone_but_the_checkers(held) -> None:
    finding = held.held_finding
    assert finding.identifier_kinds == ["phone"]
    for audience in (Audience.COORDINATOR, Audience.CHAIR):
        assert CANARIES["held_finding"] in redact(finding, audience)["text"]
    for audience in (
        Audience.ISVA_MEMBER,
        Audience.OBSERVER,
        Audience.GOVERNANCE,
        Audience.PRESENTING_AGENCY,
    ):
        assert redact(finding, audience)["text"] is None, audience
        assert redact(held.held_action, audience)["description"] is None, audience
    assert "text" not in redact(finding, Audience.EVALUATOR)
    member_page = signed_in_client(held.users["isva_member"]).get(
        reverse("scrutiny:meeting-detail", args=[held.meeting.pk])
    )
    body = member_page.content.decode()
    assert "Withheld until a second person has checked it" in body
    assert CANARIES["held_finding"] not in body and "07700 900456" not in body
    chair_page = (
        signed_in_client(held.users["chair"])
        .get(reverse("scrutiny:meeting-detail", args=[held.meeting.pk]))
        .content.decode()
    )
    assert "Held back from the panel" in chair_page
    assert reverse("scrutiny:meeting-text-check", args=["finding", finding.pk]) not in chair_page  # author
    coordinator_page = (
        signed_in_client(held.users["coordinator"])
        .get(reverse("scrutiny:meeting-detail", args=[held.meeting.pk]))
        .content.decode()
    )
    assert reverse("scrutiny:meeting-text-check", args=["finding", finding.pk]) in coordinator_page


def test_the_author_cannot_check_their_own_text_and_members_cannot_check_at_all(held) -> None:
    for user in (held.users["chair"], held.users["isva_member"], held.users["presenting"]):
        with pytest.raises(PermissionDenied):
            services.meeting_text_confirm(actor=user, obj=held.held_finding, redactions={0: "contact"})
        with pytest.raises(PermissionDenied):
            services.meeting_text_edit(actor=user, obj=held.held_action, text="Write to the unit.")
    held.held_finding.refresh_from_db()
    assert held.held_finding.check_status == CheckStatus.FLAGGED


def test_a_second_person_redacts_with_a_reason_and_the_panel_sees_a_visible_block(held) -> None:
    coordinator = held.users["coordinator"]
    with pytest.raises(ValidationError):  # every hit must be decided
        services.meeting_text_confirm(actor=coordinator, obj=held.held_finding, redactions={})
    with pytest.raises(ValidationError):
        services.meeting_text_confirm(actor=coordinator, obj=held.held_finding, redactions={0: "nonsense"})
    finding = services.meeting_text_confirm(
        actor=coordinator, obj=held.held_finding, redactions={0: "contact"}
    )
    assert finding.check_status == CheckStatus.CONFIRMED and finding.checked_by == coordinator
    assert "07700" not in finding.text and "[[redacted:contact]]" in finding.text
    assert AccessEvent.objects.filter(
        verb=AccessVerb.EDIT, object_type="finding", object_id=finding.pk
    ).exists()
    page = (
        signed_in_client(held.users["isva_member"])
        .get(reverse("scrutiny:meeting-detail", args=[held.meeting.pk]))
        .content.decode()
    )
    assert CANARIES["held_finding"] in page and "Redacted: Contact details" in page
    api = signed_in_client(held.users["isva_member"]).get(
        reverse("api-v1:scrutiny_findings", args=[held.panel.pk])
    )
    assert CANARIES["held_finding"] in api.content.decode()
    with pytest.raises(ValidationError):  # nothing left to check
        services.meeting_text_confirm(actor=coordinator, obj=finding, redactions={})


def test_a_second_persons_clean_rewrite_releases_an_action_and_a_dirty_one_keeps_it_held(held) -> None:
    coordinator = held.users["coordinator"]
    action = services.meeting_text_edit(actor=coordinator, obj=held.held_action, text="Write to SW1A 2AA.")
    assert action.check_status == CheckStatus.FLAGGED
    assert redact(action, Audience.ISVA_MEMBER)["description"] is None
    action = services.meeting_text_edit(actor=coordinator, obj=action, text="Write to the victim's ISVA.")
    assert action.check_status == CheckStatus.CONFIRMED
    assert redact(action, Audience.ISVA_MEMBER)["description"] == "Write to the victim's ISVA."


def test_the_check_page_works_without_javascript_and_rejects_hostile_input(held) -> None:
    client = signed_in_client(held.users["coordinator"])
    url = reverse("scrutiny:meeting-text-check", args=["finding", held.held_finding.pk])
    page = client.get(url)
    assert page.status_code == 200 and "07700 900456" in page.content.decode()
    assert client.post(url, {"hit_0": "<script>"}).status_code == 400
    assert client.post(url, {"edit": "yes", "text": ""}).status_code == 400
    assert client.post(url, {"edit": "yes", "text": "x" * 6000}).status_code == 400
    assert client.get(reverse("scrutiny:meeting-text-check", args=["nope", 1])).status_code == 404
    assert client.get(reverse("scrutiny:meeting-text-check", args=["finding", 999999])).status_code == 404
    response = client.post(url, {"hit_0": "contact"})
    assert response.status_code == 302
    held.held_finding.refresh_from_db()
    assert held.held_finding.check_status == CheckStatus.CONFIRMED
    assert client.get(url).status_code == 302  # nothing left to check


def test_a_held_finding_cannot_be_promoted_to_guidance(held, governance_member) -> None:
    held.held_finding.kind = "good_practice"
    held.held_finding.save()
    with pytest.raises(ValidationError):
        services.finding_promote(actor=governance_member, finding=held.held_finding)


def test_the_live_view_sends_members_nothing_of_a_held_finding(held) -> None:
    from tests.scrutiny.test_leak_matrix import websocket_text

    member = websocket_text(held, held.users["isva_member"])
    assert CANARIES["held_finding"] not in member and CANARIES["finding"] in member
    assert CANARIES["held_finding"] in websocket_text(held, held.users["chair"])
