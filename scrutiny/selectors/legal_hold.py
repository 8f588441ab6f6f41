"""Legal holds: what a hold manager may find, set and see."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, Subquery

from agencies.models import User
from scrutiny import permissions
from scrutiny.models import (
    Case,
    LegalHold,
    Meeting,
)

# Legal holds --------------------------------------------------------------------------------------------


def legal_hold_target(*, viewer: User | AnonymousUser, kind: str, pk: int) -> Case | Meeting | None:
    """The case or meeting whose legal hold `viewer` manages; None when there is no such record or
    it is not theirs to hold (the view then tells 403 from 404 by what else they may see)."""
    model: type[Case] | type[Meeting] = Case if kind == "case" else Meeting
    target = model.objects.select_related("panel").filter(pk=pk).first()
    if target is None or not permissions.can_manage_legal_hold(viewer, target.panel):
        return None
    return target


def legal_hold_history(*, target: Case | Meeting) -> list[LegalHold]:
    holds = LegalHold.objects.filter(**{"case" if isinstance(target, Case) else "meeting": target})
    return list(holds.select_related("set_by", "cleared_by").order_by("-set_at", "-pk"))


def legal_hold_active(*, viewer: User | AnonymousUser) -> list[LegalHold]:
    """The active holds on the panels `viewer` may hold records of (every panel for a platform
    administrator, their area's for a coordinator)."""
    if not permissions.can_list_legal_holds(viewer):
        return []
    holds = list(
        LegalHold.objects.filter(cleared_at__isnull=True)
        .select_related("case__panel", "meeting__panel", "set_by")
        .order_by("-set_at", "-pk")
    )
    return [h for h in holds if permissions.can_manage_legal_hold(viewer, (h.case or h.meeting).panel)]


def legal_hold_lookup(*, viewer: User | AnonymousUser, pseudonym: str) -> Case | None:
    case = Case.objects.select_related("panel").filter(pseudonym__iexact=pseudonym.strip()).first()
    if case is None or not permissions.can_manage_legal_hold(viewer, case.panel):
        return None
    return case


def case_overrides(*, case: Case) -> list[Any]:
    """The second-person overrides on the case's texts (the coordinator's view of its checks), in
    one query."""
    from scrutiny.models import DecisionPoint, Extract, IdentifierOverride

    points = DecisionPoint.objects.filter(case=case).values("pk")
    extracts = Extract.objects.filter(case=case).values("pk")
    return list(
        IdentifierOverride.objects.filter(
            Q(object_type="decisionpoint", object_id__in=Subquery(points))
            | Q(object_type="extract", object_id__in=Subquery(extracts))
        ).select_related("made_by")
    )
