"""Writes: the same services as the pages (permission re-checked, audited), JSON errors. A service's
refusal (ValidationError) becomes its 4xx in config.api's one handler; the endpoints answer their
own 403, 404 and the 409 of a lost race."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from ninja import Field, Schema, Status

from agencies.api import ErrorOut, Id, PlainText
from agencies.http import AuthenticatedHttpRequest
from scrutiny import permissions, selectors, services
from scrutiny.api.common import Redacted, cleanse_reports, router
from scrutiny.models import PanelRole
from scrutiny.redaction import Audience, redact

# Writes: the same services as the pages (permission re-checked, audited), JSON errors ---------------


class PanelIn(Schema):
    name: PlainText = Field(..., min_length=1, max_length=150)
    terms_of_reference: PlainText = Field(..., min_length=1, max_length=10000)
    police_forces: list[Id] = Field(default_factory=list, max_length=50)


class PanelCreateIn(PanelIn):
    code: str = Field(..., min_length=1, max_length=20, pattern=r"^[-a-zA-Z0-9_]+$")


class MemberIn(Schema):
    email: PlainText = Field(..., min_length=3, max_length=254)
    role: PanelRole


class MemberOut(Schema):
    id: int
    panel: int
    role: str


class AgreementIn(Schema):
    text: PlainText = Field(..., min_length=1, max_length=20000)


class AgreementOut(Schema):
    version: int


def _forces(request: AuthenticatedHttpRequest, area_id: int, ids: list[int]) -> list[Any]:
    forces = list(selectors.panel_forces_choices(viewer=request.user, area_id=area_id).filter(pk__in=ids))
    if len(forces) != len(set(ids)):
        raise ValidationError({"police_forces": ["Choose police forces in the panel's CPS area."]})
    return forces


WRITE_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
FORBIDDEN = Status(403, ErrorOut(detail="You cannot do that."))


@router.post(
    "/panels",
    response={201: Redacted, **WRITE_ERRORS},
    url_name="scrutiny_panel_create",
    summary="Create a panel in my CPS area (case coordinators)",
)
def create_panel(request: AuthenticatedHttpRequest, payload: PanelCreateIn):
    cleanse_reports(request)
    area_id = permissions.panel_area_for(request.user)
    area = selectors.area_get(area_id=area_id) if area_id is not None else None
    if area is None:
        return FORBIDDEN
    try:
        with transaction.atomic():
            panel = services.panel_create(
                actor=request.user,
                area=area,
                name=payload.name,
                code=payload.code,
                terms_of_reference=payload.terms_of_reference,
                police_forces=_forces(request, area.pk, payload.police_forces),
            )
    except IntegrityError:
        return Status(409, ErrorOut(detail="A panel with that name or code already exists."))
    panel = selectors.panel_get(viewer=request.user, panel_id=panel.pk)
    return Status(201, {"audience": Audience.COORDINATOR.value, "data": redact(panel, Audience.COORDINATOR)})


@router.put(
    "/panels/{panel_id}",
    response={200: Redacted, **WRITE_ERRORS},
    url_name="scrutiny_panel_update",
    summary="Change a panel's name, police forces and terms of reference (its coordinator)",
)
def update_panel(request: AuthenticatedHttpRequest, panel_id: int, payload: PanelIn):
    cleanse_reports(request)
    panel = selectors.panel_get(viewer=request.user, panel_id=panel_id)
    if panel is None:
        return Status(404, ErrorOut(detail="Not found."))
    if not permissions.can_coordinate(request.user, panel):
        return FORBIDDEN
    try:
        with transaction.atomic():
            services.panel_update(
                actor=request.user,
                panel=panel,
                name=payload.name,
                terms_of_reference=payload.terms_of_reference,
                police_forces=_forces(request, panel.area_id, payload.police_forces),
            )
    except IntegrityError:
        return Status(409, ErrorOut(detail="A panel with that name already exists."))
    panel = selectors.panel_get(viewer=request.user, panel_id=panel.pk)
    return Status(200, {"audience": Audience.COORDINATOR.value, "data": redact(panel, Audience.COORDINATOR)})


@router.post(
    "/panels/{panel_id}/members",
    response={201: MemberOut, **WRITE_ERRORS},
    url_name="scrutiny_member_add",
    summary="Add a member with a panel role (the panel's coordinator)",
)
def add_member(request: AuthenticatedHttpRequest, panel_id: int, payload: MemberIn):
    cleanse_reports(request)
    panel = selectors.panel_get(viewer=request.user, panel_id=panel_id)
    if panel is None:
        return Status(404, ErrorOut(detail="Not found."))
    if not permissions.can_coordinate(request.user, panel):
        return FORBIDDEN
    user = (
        selectors.person_by_email(viewer=request.user, panel=panel, email=payload.email)
        if "\x00" not in payload.email
        else None
    )
    if user is None:
        no_account = "There is no active account with that email address."
        return Status(400, ErrorOut(detail=no_account, errors={"email": [no_account]}))
    try:
        with transaction.atomic():
            membership = services.membership_add(
                actor=request.user, panel=panel, user=user, role=payload.role
            )
    except IntegrityError:
        return Status(409, ErrorOut(detail="That person is already a member of this panel."))
    return Status(201, {"id": membership.pk, "panel": panel.pk, "role": membership.role})


@router.post(
    "/members/{membership_id}/end",
    response={200: MemberOut, **WRITE_ERRORS},
    url_name="scrutiny_member_end",
    summary="End a membership (the panel's coordinator); their live views lose access",
)
def end_member(request: AuthenticatedHttpRequest, membership_id: int):
    cleanse_reports(request)
    membership = selectors.membership_get(viewer=request.user, membership_id=membership_id)
    if membership is None:
        return Status(404, ErrorOut(detail="Not found."))
    try:
        membership = services.membership_end(actor=request.user, membership=membership)
    except PermissionDenied:
        return FORBIDDEN
    return Status(200, {"id": membership.pk, "panel": membership.panel_id, "role": membership.role})


@router.post(
    "/agreements",
    response={201: AgreementOut, **WRITE_ERRORS},
    url_name="scrutiny_agreement_publish",
    summary="Publish the next confidentiality agreement version (case coordinators)",
)
def publish_agreement(request: AuthenticatedHttpRequest, payload: AgreementIn):
    cleanse_reports(request)
    if not permissions.can_publish_agreement(request.user):
        return FORBIDDEN
    try:
        with transaction.atomic():
            agreement = services.agreement_publish(actor=request.user, text=payload.text)
    except IntegrityError:
        return Status(409, ErrorOut(detail="Someone else published a version just now. Read it, try again."))
    return Status(201, {"version": agreement.version})
