"""Setting and clearing a legal hold: who may (the panel's coordinator, a platform administrator),
who may not (another area's coordinator, a member, an ISVA, governance), the audit entries, the
case and meeting pages, and hostile input."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given, settings

from agencies.roles import Role
from scrutiny import services
from scrutiny.models import AccessEvent, AccessVerb, Case, CaseStatus, LegalHold, Meeting, PanelRole
from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, UserFactory
from tests.factories.scrutiny import CaseFactory, MeetingFactory, MembershipFactory, PanelFactory
from tests.hostile import HOSTILE_SETTINGS, check_post, form_body, models_of

pytestmark = pytest.mark.django_db

# Opening a page writes an access event by design; every other scrutiny table must be untouched by
# a rejected post.
TABLES = models_of("scrutiny", exclude=["scrutiny.accessevent"])


@pytest.fixture
def scene(area, other_area, coordinator, platform_admin, isva, governance_member, roles):
    panel = PanelFactory(area=area)
    other_panel = PanelFactory(area=other_area)
    case = CaseFactory(panel=panel, status=CaseStatus.RELEASED, pseudonym="NTP-2026-0042")
    meeting = MeetingFactory(panel=panel)
    member = UserFactory(email="member@independent.example.org", roles=[Role.PANEL_MEMBER])
    MembershipFactory(panel=panel, user=member, role=PanelRole.INDEPENDENT)
    isva_member = UserFactory(email="isva-member@isva.example.org", roles=[Role.PANEL_MEMBER])
    MembershipFactory(panel=panel, user=isva_member, role=PanelRole.ISVA)
    outsider = UserFactory(email="member@other.example.org", roles=[Role.PANEL_MEMBER])
    MembershipFactory(panel=other_panel, user=outsider, role=PanelRole.POLICE)
    other_coordinator = UserFactory(
        email="coordinator@other-cps.example.org",
        agency=AgencyFactory(name="Other RASSO Unit", area=other_area),
        roles=[Role.CASE_COORDINATOR],
    )
    return {
        "panel": panel,
        "case": case,
        "meeting": meeting,
        "coordinator": coordinator,
        "admin": platform_admin,
        "member": member,
        "isva_member": isva_member,
        "isva": isva,
        "governance": governance_member,
        "other_panel_member": outsider,
        "other_coordinator": other_coordinator,
    }


def _url(kind: str, obj) -> str:
    return reverse(f"scrutiny:{kind}-legal-hold", args=[obj.pk])


def _post(user, kind, obj, **data):
    return signed_in_client(user).post(_url(kind, obj), data)


# Who may ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "admin"])
@pytest.mark.parametrize("kind", ["case", "meeting"])
def test_the_coordinator_or_a_platform_admin_sets_and_clears_a_hold(scene, who, kind) -> None:
    target = scene[kind]
    user = scene[who]
    response = _post(user, kind, target, action="set", reason="Independent inquiry request IR-17")
    assert response.status_code == 302
    target.refresh_from_db()
    hold = LegalHold.objects.get()
    assert target.legal_hold and hold.is_active and hold.set_by == user
    assert hold.reason == "Independent inquiry request IR-17"
    page = signed_in_client(user).get(_url(kind, target))
    assert page.status_code == 200 and "On legal hold" in page.content.decode()
    assert "Independent inquiry request IR-17" in page.content.decode()
    response = _post(user, kind, target, action="clear", reason="Inquiry reported")
    assert response.status_code == 302
    target.refresh_from_db()
    hold.refresh_from_db()
    assert not target.legal_hold and not hold.is_active and hold.cleared_by == user
    assert hold.clear_reason == "Inquiry reported"
    edits = AccessEvent.objects.filter(
        object_type=f"{kind}_legal_hold", object_id=target.pk, verb=AccessVerb.EDIT, actor=user
    )
    assert edits.count() == 2
    assert set(edits.values_list("panel_id", flat=True)) == {scene["panel"].pk}
    expected_audience = "coordinator" if who == "coordinator" else "platform_admin"
    assert set(edits.values_list("audience", flat=True)) == {expected_audience}


def test_a_platform_admin_sees_no_case_content_on_the_hold_page(scene) -> None:
    client = signed_in_client(scene["admin"])
    assert client.get(reverse("scrutiny:case-detail", args=[scene["case"].pk])).status_code == 404
    page = client.get(_url("case", scene["case"])).content.decode()
    assert "NTP-2026-0042" in page
    for content in ("Offence", "Outcome", "Victim age band", "CPS URN", "Back to the case"):
        assert content not in page
    # The index finds the case by its reference.
    found = client.get(reverse("scrutiny:legal-hold-list"), {"case": "ntp-2026-0042 "})
    assert found.status_code == 302 and found["Location"] == _url("case", scene["case"])


@pytest.mark.parametrize(
    ("who", "kind", "status"),
    [
        ("other_coordinator", "case", 404),
        ("other_coordinator", "meeting", 404),
        ("other_panel_member", "case", 404),
        ("other_panel_member", "meeting", 404),
        ("isva", "case", 404),
        ("isva", "meeting", 404),
        ("member", "case", 403),
        ("member", "meeting", 403),
        ("isva_member", "case", 403),
        ("governance", "case", 404),
        ("governance", "meeting", 403),
    ],
)
def test_nobody_else_sets_or_clears_a_hold(scene, who, kind, status) -> None:
    target = scene[kind]
    client = signed_in_client(scene[who])
    assert client.get(_url(kind, target)).status_code == status
    assert client.post(_url(kind, target), {"action": "set", "reason": "Mine"}).status_code == status
    assert not LegalHold.objects.exists()
    target.refresh_from_db()
    assert not target.legal_hold
    services.legal_hold_set(actor=scene["coordinator"], target=target, reason="Inquiry")
    assert client.post(_url(kind, target), {"action": "clear", "reason": "Done"}).status_code == status
    assert LegalHold.objects.get().is_active
    if status == 403:  # they may see the record, so the refusal is audited against it
        refused = AccessEvent.objects.filter(
            verb=AccessVerb.REFUSED, object_type=f"{kind}_legal_hold", object_id=target.pk, actor=scene[who]
        )
        assert refused.count() == 3


@pytest.mark.parametrize("who", ["member", "isva", "other_coordinator", "governance"])
def test_the_services_refuse_anyone_else_too(scene, who) -> None:
    with pytest.raises(PermissionDenied):
        services.legal_hold_set(actor=scene[who], target=scene["case"], reason="Inquiry")
    services.legal_hold_set(actor=scene["coordinator"], target=scene["case"], reason="Inquiry")
    with pytest.raises(PermissionDenied):
        services.legal_hold_clear(actor=scene[who], target=scene["case"], reason="Done")


def test_the_index_lists_only_holds_the_viewer_may_manage(scene) -> None:
    services.legal_hold_set(actor=scene["coordinator"], target=scene["case"], reason="Inquiry")
    url = reverse("scrutiny:legal-hold-list")
    assert "NTP-2026-0042" in signed_in_client(scene["coordinator"]).get(url).content.decode()
    assert "NTP-2026-0042" in signed_in_client(scene["admin"]).get(url).content.decode()
    other = signed_in_client(scene["other_coordinator"])
    assert "NTP-2026-0042" not in other.get(url).content.decode()
    # Another area's case is not found by reference either.
    assert other.get(url, {"case": "NTP-2026-0042"}).status_code == 400
    for who in ("member", "isva", "governance"):
        assert signed_in_client(scene[who]).get(url).status_code == 403


# Shown on the case and meeting pages ------------------------------------------------------------------


def test_the_case_and_meeting_pages_show_the_hold_to_the_coordinator_only(scene) -> None:
    services.legal_hold_set(actor=scene["coordinator"], target=scene["case"], reason="Inquiry")
    services.legal_hold_set(actor=scene["coordinator"], target=scene["meeting"], reason="Inquiry")
    coordinator = signed_in_client(scene["coordinator"])
    for name, obj, kind in (
        ("case-detail", scene["case"], "case"),
        ("meeting-detail", scene["meeting"], "meeting"),
    ):
        page = coordinator.get(reverse(f"scrutiny:{name}", args=[obj.pk])).content.decode()
        assert "On legal hold" in page and _url(kind, obj) in page
    member_page = signed_in_client(scene["governance"]).get(
        reverse("scrutiny:meeting-detail", args=[scene["meeting"].pk])
    )
    assert member_page.status_code == 200 and "legal hold" not in member_page.content.decode().lower()


# Hostile input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "set", "reason": ""}, "Enter the reason."),
        ({"action": "set", "reason": "   "}, "Enter the reason."),
        ({"action": "set", "reason": "x" * 501}, "500 characters or fewer"),
        ({"action": "set", "reason": "bad\x00byte"}, "Null characters are not allowed."),
        ({"action": "explode", "reason": "Inquiry"}, "Choose whether to place or clear the hold."),
        ({"reason": "Inquiry"}, "Choose whether to place or clear the hold."),
        ({"action": "set", "reason": "Call Sarah on 07700 900123"}, "looks like it contains"),
        ({"action": "clear", "reason": "Nothing to clear"}, "This case is not on legal hold."),
    ],
)
def test_hostile_input_is_a_400_with_a_clear_message_and_writes_nothing(scene, data, message) -> None:
    response = _post(scene["coordinator"], "case", scene["case"], **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.content.decode().count("govuk-error-summary") >= 1
    assert not LegalHold.objects.exists()
    assert not Case.objects.get(pk=scene["case"].pk).legal_hold
    assert not AccessEvent.objects.filter(verb=AccessVerb.EDIT).exists()


def test_setting_a_hold_twice_is_refused(scene) -> None:
    services.legal_hold_set(actor=scene["coordinator"], target=scene["meeting"], reason="Inquiry")
    response = _post(scene["admin"], "meeting", scene["meeting"], action="set", reason="Again")
    assert response.status_code == 400 and "already on legal hold" in response.content.decode()
    assert LegalHold.objects.count() == 1
    with pytest.raises(ValidationError):
        services.legal_hold_set(actor=scene["admin"], target=Meeting.objects.get(), reason="Again")


def test_a_hold_on_a_record_that_does_not_exist_is_a_404(scene) -> None:
    for who in ("coordinator", "admin"):
        client = signed_in_client(scene[who])
        assert client.get(reverse("scrutiny:case-legal-hold", args=[999999])).status_code == 404
        assert client.post(reverse("scrutiny:meeting-legal-hold", args=[999999]), {}).status_code == 404


@settings(HOSTILE_SETTINGS, max_examples=20)
@given(data=form_body({"action": ["set", "clear"], "reason": ["Inquiry request 2031/4"]}))
def test_hostile_bodies_on_the_hold_form(scene, data) -> None:
    for who, kind in (("coordinator", "case"), ("admin", "meeting"), ("member", "case")):
        check_post(signed_in_client(scene[who]), _url(kind, scene[kind]), data, TABLES)
