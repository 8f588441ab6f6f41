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


def _draft(world, *, text: str = "A clean summary of events.", actor=None, rows_by=None):  # type: ignore[no-untyped-def]
    actor = actor or world.users["coordinator"]
    case = services.case_create(
        actor=actor, panel=world.panel, presenting_agency=world.case.presenting_agency, **CASE_FIELDS
    )
    services.text_add(actor=actor, case=case, model=Extract, kind="summary", text=text)
    add_lookalike_rows(actor=rows_by or actor, case=case)
    return case


def test_the_author_cannot_release_their_own_case_alone(world) -> None:  # type: ignore[no-untyped-def]
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


def test_the_author_of_any_text_of_the_case_cannot_be_its_second_person(world) -> None:  # type: ignore[no-untyped-def]
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


def test_the_second_persons_release_is_recorded_and_audited(world) -> None:  # type: ignore[no-untyped-def]
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


def test_the_check_runs_again_at_release_on_the_stored_text(world) -> None:  # type: ignore[no-untyped-def]
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


def test_a_postcode_with_a_non_breaking_space_is_caught_at_release(world) -> None:  # type: ignore[no-untyped-def]
    second = world.users["coordinator2"]
    case = _draft(world, text=NBSP_POSTCODE)
    with pytest.raises(ValidationError):
        services.case_release(actor=second, case=case)
    assert Extract.objects.get(case=case, kind="summary").check_status == CheckStatus.FLAGGED


def test_a_confirmed_keep_needs_a_reason_and_is_an_override_tied_to_the_text(world) -> None:  # type: ignore[no-untyped-def]
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


def test_an_override_reason_is_itself_checked(world) -> None:  # type: ignore[no-untyped-def]
    second = world.users["coordinator2"]
    case = _draft(world, text="Seen at SW1A 1AA.")
    text = Extract.objects.get(case=case, kind="summary")
    with pytest.raises(ValidationError):
        services.text_confirm(actor=second, obj=text, redactions={0: None}, reasons={0: "Ring 07700 900123."})
    assert not IdentifierOverride.objects.exists()


def test_the_release_page_offers_release_to_the_second_person_only(world, client) -> None:  # type: ignore[no-untyped-def]
    case = _draft(world)
    second = User.objects.get(pk=world.users["coordinator2"].pk)
    client = signed_in_client(second)
    page = client.get(reverse("scrutiny:case-detail", args=[case.pk])).content.decode()
    assert reverse("scrutiny:case-release", args=[case.pk]) in page
    response = client.post(reverse("scrutiny:case-release", args=[case.pk]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RELEASED and case.released_by_id == second.pk


def test_a_finding_or_action_without_hits_still_needs_a_second_person(world) -> None:  # type: ignore[no-untyped-def]
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


def test_the_check_page_asks_for_a_reason_and_refuses_a_keep_without_one(world) -> None:  # type: ignore[no-untyped-def]
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
