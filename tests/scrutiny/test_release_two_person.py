"""Release needs two people (issue 13, point 2), tried from the intruder's side: the person who
prepared a case cannot release it alone, every identifier check runs again at release, and a
false alarm is kept only by a second person's recorded, reasoned override tied to the exact text."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from agencies.models import User
from agencies.roles import Role
from scrutiny import services
from scrutiny.models import (
    AccessEvent,
    AccessVerb,
    CaseStatus,
    CheckStatus,
    Extract,
    IdentifierOverride,
)
from scrutiny.redaction import Audience, redact
from tests.conftest import signed_in_client
from tests.factories import UserFactory
from tests.scrutiny.conftest import CASE_FIELDS, add_lookalike_rows

pytestmark = pytest.mark.django_db

NBSP_POSTCODE = "Seen near SW1A\u00a01AA that night."


def _draft(world, *, text: str = "A clean summary of events.", actor=None, rows_by=None):
    actor = actor or world.users["coordinator"]
    case = services.case_create(
        actor=actor, panel=world.panel, presenting_agency=world.case.presenting_agency, **CASE_FIELDS
    )
    services.text_add(actor=actor, case=case, model=Extract, kind="summary", text=text)
    add_lookalike_rows(actor=rows_by or actor, case=case)
    return case


def test_the_author_cannot_release_their_own_case_alone(world) -> None:
    author = world.users["coordinator"]
    case = _draft(world)
    with pytest.raises((PermissionDenied, ValidationError)):
        services.case_release(actor=author, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    assert AccessEvent.objects.filter(
        actor=author, verb=AccessVerb.REFUSED, object_type="case", object_id=case.pk
    ).exists()
    # Nor through the page: the button is not offered and a hand-made POST changes nothing.
    client = signed_in_client(author)
    page = client.get(reverse("scrutiny:case-detail", args=[case.pk])).content.decode()
    assert reverse("scrutiny:case-release", args=[case.pk]) not in page
    assert "another coordinator" in page
    response = client.post(reverse("scrutiny:case-release", args=[case.pk]))
    assert response.status_code in {302, 403}
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_the_author_of_any_text_of_the_case_cannot_be_its_second_person(world) -> None:
    """coordinator2 adds a text to coordinator's case: neither may release alone now."""
    first, second = world.users["coordinator"], world.users["coordinator2"]
    case = _draft(world, rows_by=second)
    with pytest.raises((PermissionDenied, ValidationError)):
        services.case_release(actor=second, case=case)
    with pytest.raises((PermissionDenied, ValidationError)):
        services.case_release(actor=first, case=case)
    third = UserFactory(
        email="coordinator3@test-cps.example.org", agency=first.agency, roles=[Role.CASE_COORDINATOR]
    )
    released = services.case_release(actor=third, case=case)
    assert released.status == CaseStatus.RELEASED


def test_the_second_persons_release_is_recorded_and_audited(world) -> None:
    second = world.users["coordinator2"]
    case = _draft(world)
    released = services.case_release(actor=second, case=case)
    assert released.released_by == second and released.released_at is not None
    # Every text the members will see carries the second person's check.
    for extract in Extract.objects.filter(case=case):
        assert extract.check_status == CheckStatus.CONFIRMED and extract.checked_by == second
    assert AccessEvent.objects.filter(
        actor=second, verb=AccessVerb.EDIT, object_type="case", object_id=case.pk
    ).exists()
    assert redact(released, Audience.COORDINATOR)["released_by"]
    # Members never learn who released it.
    assert "released_by" not in redact(released, Audience.ISVA_MEMBER)


def test_the_check_runs_again_at_release_on_the_stored_text(world) -> None:
    """A text marked clear whose stored text has an identifier (written around the save check,
    or found by a better detector since) is re-checked at release: flagged, not released."""
    second = world.users["coordinator2"]
    case = _draft(world)
    Extract.objects.filter(case=case).update(text="Seen at SW1A 1AA.", check_status=CheckStatus.CLEAR)
    with pytest.raises(ValidationError) as refused:
        services.case_release(actor=second, case=case)
    assert "SW1A" not in " ".join(refused.value.messages)
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    assert Extract.objects.get(case=case, kind="summary").check_status == CheckStatus.FLAGGED


def test_a_postcode_with_a_non_breaking_space_is_caught_at_release(world) -> None:
    second = world.users["coordinator2"]
    case = _draft(world, text=NBSP_POSTCODE)
    with pytest.raises(ValidationError):
        services.case_release(actor=second, case=case)
    assert Extract.objects.get(case=case, kind="summary").check_status == CheckStatus.FLAGGED


def test_a_confirmed_keep_needs_a_reason_and_is_an_override_tied_to_the_text(world) -> None:
    first, second = world.users["coordinator"], world.users["coordinator2"]
    case = _draft(world, text="Seen at SW1A 1AA.")
    text = Extract.objects.get(case=case, kind="summary")
    assert text.check_status == CheckStatus.FLAGGED
    with pytest.raises(ValidationError):  # keeping a hit without a reason is refused
        services.text_confirm(actor=second, obj=text, redactions={0: None})
    with pytest.raises(PermissionDenied):  # never the author
        services.text_confirm(actor=first, obj=text, redactions={0: None}, reasons={0: "A fictional place."})
    services.text_confirm(
        actor=second, obj=text, redactions={0: None}, reasons={0: "The panel's own office, not a person's."}
    )
    override = IdentifierOverride.objects.get(object_type="extract", object_id=text.pk)
    assert override.made_by == second and override.reason.startswith("The panel's own office")
    assert AccessEvent.objects.filter(actor=second, object_type="identifieroverride").exists()
    page = signed_in_client(first).get(reverse("scrutiny:case-detail", args=[case.pk])).content.decode()
    assert "The panel&#x27;s own office" in page or "The panel's own office" in page  # shown
    # The override holds for that exact text at release...
    third = UserFactory(
        email="coordinator3@test-cps.example.org", agency=first.agency, roles=[Role.CASE_COORDINATOR]
    )
    # ...but not once the text changes (here behind the services' back, so only the re-check sees it).
    Extract.objects.filter(pk=text.pk).update(text="Seen at SW1A 1AA, again.")
    with pytest.raises(ValidationError):
        services.case_release(actor=third, case=case)
    assert Extract.objects.get(pk=text.pk).check_status == CheckStatus.FLAGGED
    Extract.objects.filter(pk=text.pk).update(text="Seen at SW1A 1AA.", check_status=CheckStatus.CONFIRMED)
    assert services.case_release(actor=third, case=case).status == CaseStatus.RELEASED


def test_an_override_reason_is_itself_checked(world) -> None:
    second = world.users["coordinator2"]
    case = _draft(world, text="Seen at SW1A 1AA.")
    text = Extract.objects.get(case=case, kind="summary")
    with pytest.raises(ValidationError):
        services.text_confirm(actor=second, obj=text, redactions={0: None}, reasons={0: "Ring 07700 900123."})
    assert not IdentifierOverride.objects.exists()


def test_the_release_page_offers_release_to_the_second_person_only(world, client) -> None:
    case = _draft(world)
    second = User.objects.get(pk=world.users["coordinator2"].pk)
    client = signed_in_client(second)
    page = client.get(reverse("scrutiny:case-detail", args=[case.pk])).content.decode()
    assert reverse("scrutiny:case-release", args=[case.pk]) in page
    response = client.post(reverse("scrutiny:case-release", args=[case.pk]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RELEASED and case.released_by_id == second.pk


def test_a_finding_or_action_without_hits_still_needs_a_second_person(world) -> None:
    """Text visible to members from a meeting: the chair records it, someone else checks it."""
    chair, coordinator = world.users["chair"], world.users["coordinator"]
    finding = services.finding_record(
        actor=chair,
        meeting=world.meeting,
        case=world.case,
        theme=world.finding.theme,
        kind="learning",
        text="agreed a clean learning point",
    )
    assert finding.check_status == CheckStatus.CLEAR
    assert redact(finding, Audience.ISVA_MEMBER)["text"] is None
    with pytest.raises(PermissionDenied):
        services.meeting_text_confirm(actor=chair, obj=finding, redactions={})
    finding = services.meeting_text_confirm(actor=coordinator, obj=finding, redactions={})
    assert finding.check_status == CheckStatus.CONFIRMED and finding.checked_by == coordinator
    assert redact(finding, Audience.ISVA_MEMBER)["text"] == "agreed a clean learning point"


def test_the_check_page_asks_for_a_reason_and_refuses_a_keep_without_one(world) -> None:
    case = _draft(world, text="Seen at SW1A 1AA.")
    text = Extract.objects.get(case=case, kind="summary")
    client = signed_in_client(world.users["coordinator2"])
    url = reverse("scrutiny:text-check", args=["extract", text.pk])
    page = client.get(url).content.decode()
    assert 'name="reason_0"' in page
    for body in (
        {"hit_0": "keep"},
        {"hit_0": "keep", "reason_0": "   "},
        {"hit_0": "keep", "reason_0": "x" * 5000},
    ):
        response = client.post(url, body)
        assert response.status_code == 400
    response = client.post(url, {"hit_0": "keep", "reason_0": "Call 07700 900123 to confirm."})
    assert response.status_code == 400
    assert not IdentifierOverride.objects.exists()
    text.refresh_from_db()
    assert text.check_status == CheckStatus.FLAGGED
    response = client.post(url, {"hit_0": "keep", "reason_0": "The court building's public address."})
    assert response.status_code == 302
    assert (
        IdentifierOverride.objects.filter(object_id=text.pk, made_by=world.users["coordinator2"]).count() == 1
    )


# An edit is never the check (issue 13, point 1) -------------------------------------------------------


def _third(world):
    return UserFactory(
        email="coordinator3@test-cps.example.org",
        agency=world.users["coordinator"].agency,
        roles=[Role.CASE_COORDINATOR],
    )


def _refused_on(user, obj) -> int:
    return AccessEvent.objects.filter(
        actor=user, verb=AccessVerb.REFUSED, object_type=obj._meta.model_name, object_id=obj.pk
    ).count()


@pytest.mark.parametrize("wording", ["A clean summary, reworded.", "Seen at SW1A 1AA, reworded."])
def test_an_editor_cannot_check_the_wording_they_edited(world, wording) -> None:
    """A writes, B edits: B's edit is not a check, and B cannot then check it either (the
    service and the page both refuse, audited); nor can A, the author. C can."""
    author, editor, third = world.users["coordinator"], world.users["coordinator2"], _third(world)
    case = _draft(world, text="Seen at SW1A 1AA.")
    text = services.text_edit(actor=editor, obj=Extract.objects.get(case=case, kind="summary"), text=wording)
    text.refresh_from_db()
    assert text.check_status != CheckStatus.CONFIRMED and text.checked_by is None
    assert text.edited_by == [editor.pk] and text.writer_ids == {author.pk, editor.pk}
    decisions = dict.fromkeys(range(len(services.open_hits(text))), "place")
    for person in (editor, author):
        with pytest.raises(PermissionDenied) as refused:
            services.text_confirm(actor=person, obj=text, redactions=decisions)
        assert "another coordinator must check it" in str(refused.value)
        assert "SW1A" not in str(refused.value)
        assert _refused_on(person, text) == 1  # the refusal is audited (and kept)
    client = signed_in_client(editor)
    url = reverse("scrutiny:text-check", args=["extract", text.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {f"hit_{i}": "place" for i in decisions}).status_code == 403
    assert _refused_on(editor, text) == 3
    text.refresh_from_db()
    assert text.check_status != CheckStatus.CONFIRMED and text.text == wording
    checked = services.text_confirm(actor=third, obj=text, redactions=decisions)
    checked.refresh_from_db()
    assert checked.check_status == CheckStatus.CONFIRMED and checked.checked_by == third
    assert checked.edited_by == []


def test_an_authors_edit_after_another_persons_edit_leaves_neither_able_to_check(world) -> None:
    author, editor, third = world.users["coordinator"], world.users["coordinator2"], _third(world)
    case = _draft(world, text="Seen at SW1A 1AA.")
    text = services.text_edit(
        actor=editor, obj=Extract.objects.get(case=case, kind="summary"), text="Seen nearby."
    )
    text = services.text_edit(actor=author, obj=text, text="Seen nearby, later.")
    assert set(text.edited_by) == {author.pk, editor.pk}
    for person in (author, editor):
        with pytest.raises(PermissionDenied):
            services.text_confirm(actor=person, obj=text, redactions={})
    services.text_confirm(actor=third, obj=text, redactions={})


def test_an_edit_voids_an_earlier_check(world) -> None:
    editor, third = world.users["coordinator2"], _third(world)
    case = _draft(world, text="Seen at SW1A 1AA.")
    text = services.text_confirm(
        actor=third, obj=Extract.objects.get(case=case, kind="summary"), redactions={0: "place"}
    )
    assert text.check_status == CheckStatus.CONFIRMED
    text = services.text_edit(actor=editor, obj=text, text="Seen in the town centre.")
    text.refresh_from_db()
    assert text.check_status == CheckStatus.CLEAR and text.checked_by is None and text.checked_at is None
    with pytest.raises(PermissionDenied):
        services.text_confirm(actor=editor, obj=text, redactions={})


def test_the_check_rereads_who_edited_the_stored_wording(world) -> None:
    """B loaded the text before their own edit in another tab: the stale copy does not let them check."""
    editor = world.users["coordinator2"]
    case = _draft(world)
    stale = Extract.objects.get(case=case, kind="summary")
    services.text_edit(
        actor=editor, obj=Extract.objects.get(case=case, kind="summary"), text="Reworded in another tab."
    )
    assert stale.edited_by == []
    with pytest.raises(PermissionDenied):
        services.text_confirm(actor=editor, obj=stale, redactions={})
    assert Extract.objects.get(case=case, kind="summary").check_status != CheckStatus.CONFIRMED


def test_neither_the_author_nor_any_editor_may_release_on_the_strength_of_the_text(world) -> None:
    author, editor, third = world.users["coordinator"], world.users["coordinator2"], _third(world)
    case = _draft(world, actor=third)  # prepared by C, so only the text's writers are in question
    services.text_edit(
        actor=editor, obj=Extract.objects.get(case=case, kind="summary"), text="A clean summary, edited."
    )
    fourth = UserFactory(
        email="coordinator4@test-cps.example.org", agency=author.agency, roles=[Role.CASE_COORDINATOR]
    )
    # The author edits another of its rows (adding one would make the case unlike its look-alikes,
    # and the re-identification check, not the two-person rule, would refuse).
    advice = Extract.objects.get(case=case, kind="charging_advice")
    services.text_edit(actor=author, obj=advice, text="Advice was given, edited.")
    for person in (editor, author):
        with pytest.raises(ValidationError) as refused:
            services.case_release(actor=person, case=case)
        assert any("wrote or edited 1 of this case" in m for m in refused.value.messages)
        assert AccessEvent.objects.filter(
            actor=person, verb=AccessVerb.REFUSED, object_type="case", object_id=case.pk
        ).exists()
    # Through the page too: no release button, and a hand-made POST changes nothing.
    client = signed_in_client(editor)
    page = client.get(reverse("scrutiny:case-detail", args=[case.pk])).content.decode()
    assert reverse("scrutiny:case-release", args=[case.pk]) not in page
    assert client.post(reverse("scrutiny:case-release", args=[case.pk])).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    released = services.case_release(actor=fourth, case=case)
    assert released.status == CaseStatus.RELEASED and released.released_by == fourth
    for extract in Extract.objects.filter(case=case):
        assert extract.checked_by == fourth and extract.edited_by == []


def test_a_check_by_someone_else_lets_the_editor_release(world) -> None:
    """Once a third person checked B's wording, B releases on that check, not their own."""
    editor, third = world.users["coordinator2"], _third(world)
    case = _draft(world)
    text = services.text_edit(
        actor=editor, obj=Extract.objects.get(case=case, kind="summary"), text="Edited summary."
    )
    with pytest.raises(ValidationError):
        services.case_release(actor=editor, case=case)
    services.text_confirm(actor=third, obj=text, redactions={})
    assert services.case_release(actor=editor, case=case).status == CaseStatus.RELEASED
    assert Extract.objects.get(case=case, kind="summary").checked_by == third


def test_editors_are_shown_to_the_coordinator_only(world) -> None:
    case = _draft(world)
    editor = world.users["coordinator2"]
    text = services.text_edit(actor=editor, obj=Extract.objects.get(case=case, kind="summary"), text="X y.")
    assert redact(text, Audience.COORDINATOR)["edited_by"] == [world.users["coordinator2"].pk]
    for audience in Audience:
        if audience != Audience.COORDINATOR:
            assert "edited_by" not in redact(text, audience)
