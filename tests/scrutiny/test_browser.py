"""End to end with real daphne and Chromium: a coordinator prepares a case whose text trips the
identifier check, a second person confirms it with a redaction, the case is released; a member
accepts the agreement, declares no involvement and scores it; the chair records a finding and an
action; another member sees the finding appear live. axe-core runs on every scrutiny page."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from scrutiny.models import Case, CaseStatus, Finding, Review
from tests.live import assert_accessible, session_cookie_for
from tests.scrutiny.conftest import CANARIES, add_held_texts, build_world

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(new_page: Any, daphne_server: Any, user: Any) -> Any:
    page = new_page()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_for(user), "url": daphne_server.url}]
    )
    return page


def _visit(page: Any, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 400, (path, response and response.status)
    assert page.locator("[data-marking]").inner_text().startswith("OFFICIAL-SENSITIVE")
    assert_accessible(page)


@pytest.fixture
def live_world(roles, area, other_area, cps_agency, coordinator):
    return build_world(area=area, other_area=other_area, cps_agency=cps_agency, coordinator=coordinator)


def test_prepare_check_release_review_and_record_live(new_page, daphne_server, live_world) -> None:
    world = live_world
    coordinator = _as(new_page, daphne_server, world.users["coordinator"])

    # The coordinator prepares a case; its summary trips the identifier check.
    _visit(coordinator, f"/scrutiny/panels/{world.panel.pk}/")
    _visit(coordinator, f"/scrutiny/panels/{world.panel.pk}/cases/")
    coordinator.get_by_role("link", name="Prepare a case").click()
    assert_accessible(coordinator)
    coordinator.get_by_label("Presenting agency").select_option(
        label=f"Test Constabulary {CANARIES['force_a']}"
    )
    coordinator.get_by_label("Month the offence was reported").fill("2023-05")
    coordinator.get_by_label("Month the case was finalised").fill("2024-09")
    # Details like the world's released cases on every field members see (issue 13: a case unlike
    # the others on any of them would look unique to the panel and could not be released).
    coordinator.get_by_label("Outcome").select_option("nfa_cps")
    coordinator.get_by_label("Months from report to charging decision (optional)").fill("7")
    coordinator.get_by_label("Victim age band").select_option("25_34")
    coordinator.get_by_label("Suspect age band").select_option("35_54")
    coordinator.get_by_label("Relationship").select_option("acquaintance")
    coordinator.get_by_label("Mental health").check()
    coordinator.get_by_label("Yes", exact=True).check()
    coordinator.get_by_role("button", name="Save case").click()
    coordinator.wait_for_load_state()
    case = Case.objects.order_by("-pk").first()
    assert case.status == CaseStatus.DRAFT and coordinator.url.endswith(f"/scrutiny/cases/{case.pk}/")
    assert_accessible(coordinator)
    coordinator.get_by_role("link", name="Add an extract").click()
    coordinator.get_by_label("Text").fill("The victim called the unit on 07700 900123 the next day.")
    coordinator.get_by_role("button", name="Save").click()
    coordinator.wait_for_load_state()
    assert "may contain identifiers" in coordinator.content()
    # The same kinds of extract and stages of decision point as the released cases (members see
    # them, so the re-identification check compares them).
    for kind, text in (("charging_advice", "Advice was given."), ("victim_letter", "A letter went.")):
        coordinator.get_by_role("link", name="Add an extract").click()
        coordinator.get_by_label("Kind of extract").select_option(kind)
        coordinator.get_by_label("Text").fill(text)
        coordinator.get_by_role("button", name="Save").click()
        coordinator.wait_for_load_state()
    coordinator.get_by_role("link", name="Add a decision point").click()
    coordinator.get_by_label("Stage").select_option("charging")
    coordinator.get_by_label("Text").fill("Charging advice was sought after the first account.")
    coordinator.get_by_role("button", name="Save").click()
    coordinator.wait_for_load_state()
    blockers = coordinator.locator("[data-release-blockers]").inner_text()
    assert "second person" in blockers
    assert coordinator.get_by_role("button", name="Release to the panel").count() == 0
    assert_accessible(coordinator)

    # A second person (not the author) redacts the phone number with a reason.
    checker = _as(new_page, daphne_server, world.users["coordinator2"])
    _visit(checker, f"/scrutiny/cases/{case.pk}/")
    checker.get_by_role("link", name="Check as second person").click()
    assert_accessible(checker)
    checker.get_by_label("Possible identifier 1: a phone number").select_option("contact")
    checker.get_by_role("button", name="Record my check").click()
    checker.wait_for_load_state()
    assert "Redacted: Contact details" in checker.content()

    # The author cannot release it; the second person checks the whole case and releases it.
    coordinator.reload()
    assert coordinator.get_by_role("button", name="Check and release to the panel").count() == 0
    checker.reload()
    checker.get_by_role("button", name="Check and release to the panel").click()
    checker.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == CaseStatus.RELEASED and case.released_by == world.users["coordinator2"]
    # The coordinator puts it on the next meeting's agenda.
    _visit(coordinator, f"/scrutiny/meetings/{world.other_meeting.pk}/")
    coordinator.get_by_label("Add a released case to the agenda").select_option(label=case.pseudonym)
    coordinator.get_by_role("button", name="Add to agenda").click()
    coordinator.wait_for_load_state()
    _visit(coordinator, f"/scrutiny/panels/{world.panel.pk}/access-log/")

    # A member accepts the agreement, declares no involvement and scores the case.
    member = _as(new_page, daphne_server, world.users["not_accepted"])
    _visit(member, "/scrutiny/")
    member.goto(f"/scrutiny/cases/{case.pk}/")
    assert "/scrutiny/agreement/" in member.url
    assert_accessible(member)
    member.get_by_label("I have read and accept the confidentiality agreement").check()
    member.get_by_role("button", name="Accept and continue").click()
    member.wait_for_load_state()
    assert member.url.endswith(f"/scrutiny/cases/{case.pk}/declare/")
    assert_accessible(member)
    member.get_by_label("I had no prior involvement in this case").check()
    member.get_by_role("button", name="Continue").click()
    member.wait_for_load_state()
    assert member.url.endswith(f"/scrutiny/cases/{case.pk}/")
    assert "Redacted: Contact details" in member.content() and "07700" not in member.content()
    assert_accessible(member)
    member.get_by_role("link", name="Score this case").click()
    assert_accessible(member)
    member.get_by_label("Partly consistent").check()
    member.get_by_label("2 – Appropriate, with observations").check()
    member.get_by_role("button", name="Save my review").click()
    member.wait_for_load_state()
    assert Review.objects.filter(case=case, reviewer=world.users["not_accepted"], score=2).exists()

    # Another member watches the live meeting; the chair records a finding and an action.
    watcher = _as(new_page, daphne_server, world.users["isva_member"])
    _visit(watcher, f"/scrutiny/meetings/{world.meeting.pk}/")
    chair = _as(new_page, daphne_server, world.users["chair"])
    _visit(chair, f"/scrutiny/meetings/{world.meeting.pk}/")
    chair.get_by_role("link", name="Record a finding").click()
    assert_accessible(chair)
    chair.get_by_label("Case", exact=True).select_option(label=world.cases[1].pseudonym)
    chair.get_by_label("Theme").select_option(label="Case strategy")
    chair.get_by_label("Learning").check()
    chair.get_by_label("Finding", exact=True).fill("early advice requests were answered within a week")
    chair.get_by_role("button", name="Record finding").click()
    chair.wait_for_load_state()
    finding = Finding.objects.order_by("-pk").first()
    # Held from the panel until someone other than the chair checks it.
    assert "early advice requests were answered within a week" not in watcher.content()
    _visit(coordinator, f"/scrutiny/meeting-texts/finding/{finding.pk}/check/")
    coordinator.get_by_role("button", name="Record my check").click()
    coordinator.wait_for_load_state()
    watcher.get_by_text("early advice requests were answered within a week").wait_for(timeout=10_000)
    chair.locator(f"#finding-{finding.pk}").get_by_role("link", name="Add an action").click()
    assert_accessible(chair)
    chair.get_by_label("Action", exact=True).fill("share the early advice checklist with teams")
    chair.get_by_label("Owner agency").select_option(label="Test RASSO Unit")
    chair.get_by_label("Owner role").fill("RASSO unit head")
    chair.get_by_label("Due date").fill("2026-09-30")
    chair.get_by_role("button", name="Add action").click()
    chair.wait_for_load_state()
    action = finding.actions.order_by("-pk").first()
    _visit(coordinator, f"/scrutiny/meeting-texts/action/{action.pk}/check/")
    coordinator.get_by_role("button", name="Record my check").click()
    coordinator.wait_for_load_state()
    watcher.get_by_text("share the early advice checklist with teams").wait_for(timeout=10_000)
    assert_accessible(watcher)


@pytest.mark.parametrize(
    "who,path",
    [
        ("coordinator", "panel-list"),
        ("coordinator", "case-edit"),
        ("coordinator", "text-add"),
        ("coordinator2", "text-check"),
        ("chair", "action-update"),
        ("chair", "agreement"),
        ("cps_member", "review"),
        ("coordinator", "panel-create"),
        ("coordinator", "panel-edit"),
        ("coordinator", "agreement-publish"),
        ("coordinator", "meeting-text-check"),
        ("chair", "meeting-held"),
        ("isva_member", "meeting-held"),
    ],
)
def test_other_scrutiny_pages_have_no_axe_violations(new_page, daphne_server, live_world, who, path) -> None:
    world = live_world
    if path in {"meeting-text-check", "meeting-held"}:
        add_held_texts(world)
    held_pk = world.held_finding.pk if world.held_finding else 0
    paths = {
        "panel-list": "/scrutiny/",
        "case-edit": f"/scrutiny/cases/{world.draft.pk}/edit/",
        "text-add": f"/scrutiny/cases/{world.draft.pk}/texts/decision-point/new/",
        "text-check": f"/scrutiny/texts/extract/{world.draft_text.pk}/check/",
        "action-update": f"/scrutiny/actions/{world.action.pk}/update/",
        "agreement": "/scrutiny/agreement/",
        "review": f"/scrutiny/cases/{world.case.pk}/meetings/{world.meeting.pk}/review/",
        "panel-create": "/scrutiny/panels/new/",
        "panel-edit": f"/scrutiny/panels/{world.panel.pk}/edit/",
        "agreement-publish": "/scrutiny/agreement/new/",
        "meeting-text-check": f"/scrutiny/meeting-texts/finding/{held_pk}/check/",
        "meeting-held": f"/scrutiny/meetings/{world.meeting.pk}/",
    }
    page = _as(new_page, daphne_server, world.users[who])
    _visit(page, paths[path])
    if page.locator("form[novalidate] button[type=submit]").count():
        # Submitting empty shows the error summary: check that state too.
        page.locator("form[novalidate] button[type=submit]").last.click()
        page.wait_for_load_state()
        assert_accessible(page)
