"""Coordinators create and edit panels (CPS area, police forces, terms of reference) and publish
new versions of the confidentiality agreement: GOV.UK forms without JavaScript, hostile input gives
clear 400s with nothing written, another area's coordinator cannot touch the panel, and every
change is in the access log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agencies.models import AgencyKind
from agencies.roles import Role
from scrutiny import permissions, services
from scrutiny.models import AccessEvent, AccessVerb, ConfidentialityAgreement, Panel
from scrutiny.permissions import CaseAccess
from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _police(world):
    return list(world.panel.police_forces.order_by("name"))


def test_a_coordinator_creates_a_panel_in_their_own_area(world) -> None:
    coordinator = world.users["coordinator"]
    client = signed_in_client(coordinator)
    form = client.get(reverse("scrutiny:panel-create"))
    assert form.status_code == 200
    forces = _police(world)
    for force in forces:
        assert force.name in form.content.decode()
    assert "Other Area Constabulary" not in form.content.decode()
    response = client.post(
        reverse("scrutiny:panel-create"),
        {
            "name": "East test panel",
            "code": "etp",
            "police_forces": [forces[0].pk],
            "terms_of_reference": "We review finalised cases to learn from them.",
        },
    )
    panel = Panel.objects.get(code="etp")
    assert response.status_code == 302 and response["Location"] == reverse(
        "scrutiny:panel-detail", args=[panel.pk]
    )
    assert panel.area_id == world.panel.area_id
    assert list(panel.police_forces.all()) == [forces[0]]
    assert AccessEvent.objects.filter(
        actor=coordinator, verb=AccessVerb.EDIT, object_type="panel", object_id=panel.pk
    ).exists()
    assert permissions.can_coordinate(coordinator, panel)


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"name": "", "code": "x1", "terms_of_reference": "Terms."}, "name"),
        ({"name": "A" * 151, "code": "x1", "terms_of_reference": "Terms."}, "name"),
        ({"name": "Panel", "code": "not a slug!", "terms_of_reference": "Terms."}, "code"),
        ({"name": "Panel", "code": "ntp", "terms_of_reference": "Terms."}, "code"),  # taken
        ({"name": "North test panel", "code": "x2", "terms_of_reference": "Terms."}, "name"),  # taken
        ({"name": "Panel", "code": "x3", "terms_of_reference": ""}, "terms_of_reference"),
        ({"name": "Panel", "code": "x4", "terms_of_reference": "Ring 07700 900123."}, "terms_of_reference"),
        ({"name": "Zqxforcea panel", "code": "x5", "terms_of_reference": "Terms."}, "name"),  # names a force
        ({"name": "Panel", "code": "x6", "terms_of_reference": "Terms.", "police_forces": ["999999"]}, None),
        ({"name": "Panel", "code": "x7", "terms_of_reference": "Terms.", "police_forces": ["abc"]}, None),
    ],
)
def test_hostile_panel_input_is_a_clear_400_and_writes_nothing(world, data, field_error) -> None:
    client = signed_in_client(world.users["coordinator"])
    before = Panel.objects.count(), AccessEvent.objects.count()
    response = client.post(reverse("scrutiny:panel-create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "<title>Error: " in body
    if field_error:
        assert f"id_{field_error}-error" in body
    assert (Panel.objects.count(), AccessEvent.objects.count()) == before


def test_a_force_of_another_area_cannot_be_posted_onto_a_panel(world) -> None:
    other = AgencyFactory(name="Faraway Police", kind=AgencyKind.POLICE_FORCE, area=world.other_panel.area)
    client = signed_in_client(world.users["coordinator"])
    response = client.post(
        reverse("scrutiny:panel-edit", args=[world.panel.pk]),
        {"name": "North test panel", "terms_of_reference": "New terms.", "police_forces": [other.pk]},
    )
    assert response.status_code == 400
    assert other not in world.panel.police_forces.all()
    with pytest.raises(Exception, match="police forces in the panel's CPS area"):
        services.panel_update(
            actor=world.users["coordinator"],
            panel=world.panel,
            name="North test panel",
            terms_of_reference="New terms.",
            police_forces=[other],
        )


def test_the_coordinator_edits_terms_and_forces_and_members_see_the_new_terms(world) -> None:
    coordinator = world.users["coordinator"]
    forces = _police(world)
    client = signed_in_client(coordinator)
    page = client.get(reverse("scrutiny:panel-edit", args=[world.panel.pk]))
    assert page.status_code == 200 and "zqxterms" in page.content.decode()
    response = client.post(
        reverse("scrutiny:panel-edit", args=[world.panel.pk]),
        {
            "name": "North test panel (renamed)",
            "code": "hijack",
            "terms_of_reference": "Revised terms of reference.",
            "police_forces": [forces[1].pk],
        },
    )
    assert response.status_code == 302
    world.panel.refresh_from_db()
    assert world.panel.name == "North test panel (renamed)" and world.panel.code == "ntp"
    assert list(world.panel.police_forces.all()) == [forces[1]]
    member_page = signed_in_client(world.users["isva_member"]).get(
        reverse("scrutiny:panel-detail", args=[world.panel.pk])
    )
    assert "Revised terms of reference." in member_page.content.decode()
    assert "One police force" in member_page.content.decode()
    assert AccessEvent.objects.filter(
        verb=AccessVerb.EDIT, object_type="panel", object_id=world.panel.pk
    ).exists()


def test_only_the_panels_own_coordinator_can_edit_it(world, other_area, roles) -> None:
    from tests.factories import AgencyFactory as Agencies

    other_coordinator = UserFactory(
        email="coordinator@far-cps.example.org",
        agency=Agencies(name="Far RASSO Unit", kind=AgencyKind.CPS_AREA, area=other_area),
        roles=[Role.CASE_COORDINATOR],
    )
    url = reverse("scrutiny:panel-edit", args=[world.panel.pk])
    data = {"name": "Taken over", "terms_of_reference": "Mine now."}
    assert signed_in_client(other_coordinator).post(url, data).status_code == 404
    for name in ("chair", "isva_member"):
        assert signed_in_client(world.users[name]).post(url, data).status_code == 403
    world.panel.refresh_from_db()
    assert world.panel.name == "North test panel"
    with pytest.raises(Exception):  # noqa: B017,PT011 - PermissionDenied from the service
        services.panel_create(
            actor=other_coordinator, name="Sneaky", code="snk", area=world.panel.area, terms_of_reference="T."
        )
    # The other coordinator creates panels in their own area only.
    response = signed_in_client(other_coordinator).post(
        reverse("scrutiny:panel-create"), {"name": "Far panel", "code": "far", "terms_of_reference": "Terms."}
    )
    assert response.status_code == 302
    assert Panel.objects.get(code="far").area == other_area


def test_a_new_agreement_version_makes_members_accept_again(world) -> None:
    member = world.users["isva_member"]
    assert permissions.case_access(member, world.case) == CaseAccess.ALLOWED
    client = signed_in_client(world.users["coordinator"])
    assert client.post(reverse("scrutiny:agreement-publish"), {"text": "   "}).status_code == 400
    assert client.post(reverse("scrutiny:agreement-publish"), {"text": "x" * 20001}).status_code == 400
    before = ConfidentialityAgreement.objects.count()
    response = client.post(
        reverse("scrutiny:agreement-publish"), {"text": "Version two: keep it confidential."}
    )
    assert response.status_code == 302
    latest = permissions.current_agreement()
    assert ConfidentialityAgreement.objects.count() == before + 1 and latest.version == before + 1
    assert AccessEvent.objects.filter(object_type="confidentialityagreement", object_id=latest.pk).exists()
    permissions.forget(member)
    assert permissions.case_access(member, world.case) == CaseAccess.NEEDS_AGREEMENT
    member_client = signed_in_client(member)
    redirect = member_client.get(reverse("scrutiny:case-detail", args=[world.case.pk]))
    assert redirect.status_code == 302 and reverse("scrutiny:agreement") in redirect["Location"]
    member_client.post(reverse("scrutiny:agreement"), {"accept": "yes"})
    assert member_client.get(reverse("scrutiny:case-detail", args=[world.case.pk])).status_code == 200
    for name in ("chair", "isva_member"):
        assert (
            signed_in_client(world.users[name]).get(reverse("scrutiny:agreement-publish")).status_code == 403
        )


def _json(client, method, url, body):
    import json

    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_the_api_creates_and_edits_panels_and_members_with_the_same_rules(world) -> None:
    client = signed_in_client(world.users["coordinator"])
    forces = _police(world)
    created = _json(
        client,
        "post",
        reverse("api-v1:scrutiny_panel_create"),
        {"name": "API panel", "code": "api", "terms_of_reference": "Terms.", "police_forces": [forces[0].pk]},
    )
    assert created.status_code == 201, created.content
    panel_id = created.json()["data"]["id"]
    assert created.json()["data"]["police_forces"] == [forces[0].name]
    duplicate = _json(
        client,
        "post",
        reverse("api-v1:scrutiny_panel_create"),
        {"name": "API panel 2", "code": "api", "terms_of_reference": "Terms."},
    )
    assert duplicate.status_code == 400 and "code" in duplicate.json()["errors"]
    update = _json(
        client,
        "put",
        reverse("api-v1:scrutiny_panel_update", args=[panel_id]),
        {"name": "API panel", "terms_of_reference": "New terms.", "police_forces": [forces[1].pk]},
    )
    assert update.status_code == 200 and update.json()["data"]["terms_of_reference"] == "New terms."
    member = _json(
        client,
        "post",
        reverse("api-v1:scrutiny_member_add", args=[panel_id]),
        {"email": world.users["isva_member"].email, "role": "isva"},
    )
    assert member.status_code == 201 and member.json()["role"] == "isva"
    again = _json(
        client,
        "post",
        reverse("api-v1:scrutiny_member_add", args=[panel_id]),
        {"email": world.users["isva_member"].email, "role": "isva"},
    )
    assert again.status_code == 400
    ended = client.post(reverse("api-v1:scrutiny_member_end", args=[member.json()["id"]]))
    assert ended.status_code == 200
    assert (
        AccessEvent.objects.filter(object_type="panelmembership", object_id=member.json()["id"]).count() == 2
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": "", "code": "a", "terms_of_reference": "T."},
        {"name": "P", "code": "bad code", "terms_of_reference": "T."},
        {"name": "P", "code": "a" * 21, "terms_of_reference": "T."},
        {"name": "P", "code": "ok1", "terms_of_reference": "T.", "police_forces": ["x"]},
        {"name": "P", "code": "ok2", "terms_of_reference": "T.", "police_forces": [999999]},
        {"name": "Zqxforcea", "code": "ok3", "terms_of_reference": "T."},
        {"name": "P", "code": "ok4", "terms_of_reference": "Write to SW1A 1AA."},
        {"name": ["list"], "code": "ok5", "terms_of_reference": "T."},
        {"name": "P\x00", "code": "ok6", "terms_of_reference": "T."},
        {"name": "P", "code": "ok7", "terms_of_reference": "T.\x00"},
    ],
)
def test_hostile_api_bodies_are_4xx_and_write_nothing(world, body) -> None:
    client = signed_in_client(world.users["coordinator"])
    before = Panel.objects.count()
    response = _json(client, "post", reverse("api-v1:scrutiny_panel_create"), body)
    assert 400 <= response.status_code < 500 and response.status_code != 404
    assert response["Content-Type"].startswith("application/json")
    assert Panel.objects.count() == before
    assert _json(client, "post", reverse("api-v1:scrutiny_agreement_publish"), {"text": ""}).status_code in {
        400,
        422,
    }


def test_another_areas_coordinator_cannot_edit_through_the_api(world, other_area, roles) -> None:
    other_coordinator = UserFactory(
        email="coordinator@api-far-cps.example.org",
        agency=AgencyFactory(name="Api Far RASSO Unit", kind=AgencyKind.CPS_AREA, area=other_area),
        roles=[Role.CASE_COORDINATOR],
    )
    response = _json(
        signed_in_client(other_coordinator),
        "put",
        reverse("api-v1:scrutiny_panel_update", args=[world.panel.pk]),
        {"name": "Mine", "terms_of_reference": "Mine.", "police_forces": []},
    )
    assert response.status_code == 404
    world.panel.refresh_from_db()
    assert world.panel.name == "North test panel"
