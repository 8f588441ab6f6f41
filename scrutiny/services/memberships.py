"""Confidentiality agreements, panels and panel memberships."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, AgencyKind, User
from agencies.permissions import Perm, has
from agencies.realtime import events as agency_events
from scrutiny import permissions
from scrutiny.models import (
    AccessChannel,
    AccessVerb,
    AgreementAcceptance,
    ConfidentialityAgreement,
    Panel,
    PanelMembership,
)
from scrutiny.redaction import Audience
from scrutiny.services.audit import access_record, check_text, edit_logged, require

# Agreements and memberships -------------------------------------------------------------------------


@transaction.atomic
def agreement_publish(*, text: str, actor: User | None = None) -> ConfidentialityAgreement:
    """Publish the next version. Every member must accept it before opening any case again
    (acceptance is per version). `actor` None: set-up scripts."""
    if actor is not None:
        require(permissions.can_publish_agreement(actor))
    if not text.strip():
        raise ValidationError({"text": "Enter the text of the agreement."})
    if "\x00" in text:
        raise ValidationError({"text": "Remove the null character."})
    # Lock the newest row so a second publisher waits; if both still take the same number, the
    # unique version refuses the second (the page reports it, nothing is half-written).
    latest = (
        ConfidentialityAgreement.objects.select_for_update()
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    agreement = ConfidentialityAgreement.objects.create(version=(latest or 0) + 1, text=text.strip())
    if actor is not None:
        access_record(
            actor=actor,
            verb=AccessVerb.EDIT,
            obj=agreement,
            audience=Audience.COORDINATOR,
            channel=AccessChannel.PAGE,
        )
    return agreement


@transaction.atomic
def agreement_accept(*, actor: User, agreement: ConfidentialityAgreement) -> AgreementAcceptance:
    current = permissions.current_agreement()
    if current is None or current.pk != agreement.pk:
        raise ValidationError("Accept the current version of the agreement.")
    acceptance, _ = AgreementAcceptance.objects.get_or_create(agreement=agreement, user=actor)
    access_record(
        actor=actor, verb=AccessVerb.EDIT, obj=acceptance, audience=None, channel=AccessChannel.PAGE
    )
    return acceptance


NAMES_A_FORCE = "Everyone sees the panel's name and code: do not name a police force in them."
GENERIC_FORCE_WORDS = frozenset(
    {"constabulary", "police", "force", "service", "the", "of", "and", "demo", "city", "county"}
)


def _panel_check(*, name: str, code: str, area: Any, terms_of_reference: str, forces: list[Agency]) -> None:
    """What the model cannot say: forces are police forces of the panel's area; the name and code
    (visible to every audience) do not name a police force (ADR 0005); no identifiers in the terms."""
    for field, value in (("name", name), ("code", code), ("terms_of_reference", terms_of_reference)):
        if "\x00" in value:
            raise ValidationError({field: "Remove the null character."})
    if any(f.kind != AgencyKind.POLICE_FORCE or f.area_id != area.pk for f in forces):
        raise ValidationError({"police_forces": "Choose police forces in the panel's CPS area."})
    area_words = set(re.findall(r"[a-z]+", area.name.lower()))
    words = set(re.findall(r"[a-z]+", f"{name} {code}".lower()))
    for force in Agency.objects.filter(kind=AgencyKind.POLICE_FORCE).only("name"):
        distinctive = set(re.findall(r"[a-z]+", force.name.lower())) - GENERIC_FORCE_WORDS - area_words
        if distinctive and distinctive <= words:
            raise ValidationError({"name": NAMES_A_FORCE})
    check_text(terms_of_reference, "terms_of_reference")


@transaction.atomic
def panel_create(
    *,
    name: str,
    code: str,
    area: Any,
    terms_of_reference: str,
    police_forces: Iterable[Agency] = (),
    actor: User | None = None,
) -> Panel:
    """Create a panel (a coordinator, in their own CPS area; actor None for set-up scripts)."""
    if actor is not None:
        require(permissions.can_create_panel(actor, area.pk))
    forces = list(police_forces)
    _panel_check(name=name, code=code, area=area, terms_of_reference=terms_of_reference, forces=forces)
    panel = Panel(name=name.strip(), code=code, area=area, terms_of_reference=terms_of_reference.strip())
    panel.full_clean()
    panel.save()
    panel.police_forces.set(forces)
    if actor is not None:
        edit_logged(actor, panel, Audience.COORDINATOR, panel.pk)
    return panel


@transaction.atomic
def panel_update(
    *, actor: User, panel: Panel, name: str, terms_of_reference: str, police_forces: Iterable[Agency]
) -> Panel:
    """Change a panel's name, terms of reference and police forces (its coordinator). The code is
    fixed: it prefixes the pseudonyms of the panel's cases."""
    panel = Panel.objects.select_for_update().select_related("area").get(pk=panel.pk)
    require(permissions.can_coordinate(actor, panel))
    forces = list(police_forces)
    _panel_check(
        name=name, code=panel.code, area=panel.area, terms_of_reference=terms_of_reference, forces=forces
    )
    panel.name = name.strip()
    panel.terms_of_reference = terms_of_reference.strip()
    panel.full_clean()
    panel.save(update_fields=["name", "terms_of_reference"])
    panel.police_forces.set(forces)
    edit_logged(actor, panel, Audience.COORDINATOR, panel.pk)
    return panel


NOT_A_PANEL_ROLE = (
    "That person's account does not have a role that can sit on scrutiny panels. Ask their "
    "agency administrator to give them the Panel member role first."
)


@transaction.atomic
def membership_add(*, actor: User | None, panel: Panel, user: User, role: str) -> PanelMembership:
    """Add a member (the panel's coordinator; actor None for set-up scripts). Only an account
    whose role may sit on panels can be added: panel_audience() ignores a membership without that
    permission, so the coordinator would see a member who can never open a case."""
    if actor is not None:
        require(permissions.can_coordinate(actor, panel))
    if not has(user, Perm.SIT_ON_PANELS):
        raise ValidationError(NOT_A_PANEL_ROLE)
    if PanelMembership.objects.filter(panel=panel, user=user, ended_at__isnull=True).exists():
        raise ValidationError("That person is already a member of this panel.")
    membership = PanelMembership(panel=panel, user=user, role=role)
    membership.full_clean()
    membership.save()
    permissions.forget(user)
    if actor is not None:
        edit_logged(actor, membership, Audience.COORDINATOR, panel.pk)
    return membership


@transaction.atomic
def membership_end(*, actor: User, membership: PanelMembership) -> PanelMembership:
    require(permissions.can_coordinate(actor, membership.panel_id))
    if membership.ended_at is None:
        membership.ended_at = timezone.now()
        membership.save(update_fields=["ended_at"])
        edit_logged(actor, membership, Audience.COORDINATOR, membership.panel_id)
        agency_events.access_changed(membership.user_id)
    return membership
