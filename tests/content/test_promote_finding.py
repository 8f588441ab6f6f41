"""content.services.guidance_draft_from_finding: governance members turn a good-practice finding
into an unpublished draft guidance page with provenance and no case data."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from content.models import GuidanceIndexPage, GuidancePage
from content.services import guidance_draft_from_finding
from tests.factories.content import ThemeFactory

pytestmark = pytest.mark.django_db

PROVENANCE = "Test North scrutiny panel, CPS Test North, March 2026"


def _promote(actor, area, **overrides):
    fields = {
        "actor": actor,
        "theme": ThemeFactory(name="Case strategy", slug="case-strategy"),
        "area": area,
        "title": "Early advice before interview",
        "summary": "Investigators sought early advice from a prosecutor before the suspect interview.",
        "provenance": PROVENANCE,
    }
    fields.update(overrides)
    return guidance_draft_from_finding(**fields)


def test_governance_member_creates_an_unpublished_draft_under_the_guidance_index(
    governance_member, area
) -> None:
    page = _promote(governance_member, area)
    page = GuidancePage.objects.get(pk=page.pk)
    assert not page.live and page.has_unpublished_changes
    assert isinstance(page.get_parent().specific, GuidanceIndexPage)
    assert [t.slug for t in page.themes.all()] == ["case-strategy"]
    assert page.area == area
    assert page.provenance == PROVENANCE
    assert page.owner == governance_member
    assert page.get_latest_revision().user == governance_member
    assert "sought early advice" in page.body[0].value.source
    assert page.status_string == "draft"


def test_slugs_stay_unique_and_the_index_is_reused(governance_member, area) -> None:
    first = _promote(governance_member, area)
    second = _promote(governance_member, None)
    assert first.slug != second.slug
    assert first.get_parent().pk == second.get_parent().pk
    assert GuidanceIndexPage.objects.count() == 1
    assert GuidancePage.objects.get(pk=second.pk).area is None


@pytest.mark.parametrize("fixture", ["isva", "editor", "panel_member", "coordinator", "platform_admin"])
def test_only_governance_members_may_promote(request, fixture, area) -> None:
    with pytest.raises(PermissionDenied):
        _promote(request.getfixturevalue(fixture), area)
    assert not GuidancePage.objects.exists()


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("title", "Advice for case 12AB3456789"),
        ("summary", "The victim could be reached on 07700 900123 after the interview."),
        ("summary", "Officer met the complainant at SW1A 1AA."),
        ("provenance", "Panel meeting on 12/03/2026"),
    ],
)
def test_identifiers_are_refused_with_a_message(governance_member, area, field, text) -> None:
    with pytest.raises(ValidationError) as caught:
        _promote(governance_member, area, **{field: text})
    message = " ".join(caught.value.message_dict[field])
    assert "cannot be submitted" in message
    assert text not in message
    assert not GuidancePage.objects.exists()


def test_blank_title_and_summary_are_refused(governance_member, area) -> None:
    with pytest.raises(ValidationError) as caught:
        _promote(governance_member, area, title="  ", summary="")
    assert set(caught.value.message_dict) == {"title", "summary"}
