"""The legal-hold pages go through the redaction policy (issue 13, point 4): a platform
administrator, who cannot open cases, sees there what the policy gives the `platform_admin`
audience (the case's reference, the meeting's panel and date, the holds themselves) and nothing
else of any scrutiny record; the coordinator sees the holds as the coordinator."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scrutiny import services
from scrutiny.models import Case, LegalHold, Meeting, Panel
from scrutiny.redaction import POLICY, Audience, P, visible_fields
from tests.conftest import signed_in_client
from tests.scrutiny.conftest import CANARIES

pytestmark = pytest.mark.django_db

# Everything of a scrutiny record the hold pages may show a platform administrator.
HOLD_ADMIN_SEES = {
    "Case": {"pseudonym"},
    "Meeting": {"held_on"},
    "Panel": {"id", "name", "area"},
    "LegalHold": {
        "id",
        "case",
        "meeting",
        "reason",
        "set_by",
        "set_at",
        "cleared_by",
        "cleared_at",
        "clear_reason",
    },
    # Shown to every audience (the published agreement everyone accepts).
    "ConfidentialityAgreement": {"id", "version", "text", "published_at"},
}


def test_the_policy_gives_the_hold_administrator_only_the_hold_pages_fields() -> None:
    for model in POLICY:
        shown = set(visible_fields(model, Audience.HOLD_ADMIN))
        assert shown <= HOLD_ADMIN_SEES.get(model.__name__, set()), model.__name__


def _held(world):
    coordinator = world.users["coordinator"]
    services.legal_hold_set(actor=coordinator, target=world.case, reason="Civil claim zqxholdreason")
    services.legal_hold_clear(actor=coordinator, target=world.case, reason="Claim settled zqxclearreason")
    services.legal_hold_set(actor=coordinator, target=world.case, reason="Appeal zqxsecondreason")
    services.legal_hold_set(actor=coordinator, target=world.meeting, reason="Inquiry zqxmeetingreason")
    return coordinator


def _pages(client, world) -> str:
    urls = [
        reverse("scrutiny:case-legal-hold", args=[world.case.pk]),
        reverse("scrutiny:meeting-legal-hold", args=[world.meeting.pk]),
        reverse("scrutiny:legal-hold-list"),
    ]
    pages = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    return "\n".join(pages)


def test_the_administrator_sees_the_holds_and_the_reference_only(world, platform_admin) -> None:
    _held(world)
    page = _pages(signed_in_client(platform_admin), world)
    for shown in ("zqxholdreason", "zqxclearreason", "zqxsecondreason", "zqxmeetingreason"):
        assert shown in page, shown
    assert f"Case {world.case.pseudonym}" in page
    assert world.panel.name in page and f"{world.meeting.held_on:%d %B %Y}" in page
    assert CANARIES["coordinator_name"] in page  # who set each hold (the policy gives their name)
    leaked = {name for name, canary in CANARIES.items() if canary in page} - {"coordinator_name"}
    assert leaked == set()
    for content in ("Offence", "Outcome", "Victim age band", "Back to the case"):
        assert content not in page


def test_the_hold_pages_follow_the_policy_not_the_records(world, platform_admin, monkeypatch) -> None:
    """Withdraw a field from the administrator's audience in the policy and it goes from their
    pages, while the coordinator still sees it: the pages print what redact gives, nothing else."""
    coordinator = _held(world)
    monkeypatch.setitem(POLICY[LegalHold], "reason", P(full={Audience.COORDINATOR}))
    monkeypatch.setitem(POLICY[Case], "pseudonym", P(full={Audience.COORDINATOR}))
    monkeypatch.setitem(POLICY[Panel], "name", P(full={Audience.COORDINATOR}))
    admin = _pages(signed_in_client(platform_admin), world)
    for withdrawn in ("zqxholdreason", "zqxsecondreason", "zqxmeetingreason", world.case.pseudonym):
        assert withdrawn not in admin, withdrawn
    assert world.panel.name not in admin
    assert "zqxclearreason" in admin  # still given to them
    own = _pages(signed_in_client(coordinator), world)
    for shown in ("zqxholdreason", "zqxsecondreason", "zqxmeetingreason", world.case.pseudonym):
        assert shown in own, shown


def test_a_meeting_hold_is_named_by_panel_and_date_only(world, platform_admin) -> None:
    _held(world)
    meeting = Meeting.objects.select_related("panel").get(pk=world.meeting.pk)
    from scrutiny import presenters

    label = presenters.legal_hold_target_label(meeting, Audience.HOLD_ADMIN)
    assert label == f"Meeting of {meeting.panel.name} on {meeting.held_on:%d %B %Y}"
    assert presenters.legal_hold_target_label(meeting, None) == "A meeting"
    assert presenters.legal_hold_target_label(world.case, None) == "A case"
    assert presenters.legal_hold_rows(list(LegalHold.objects.all()), None)[0]["reason"] == ""
