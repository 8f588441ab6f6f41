"""Case intake: creating, editing and generalising a case, and its key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agencies.models import User
from scrutiny import permissions, redaction
from scrutiny.models import (
    Case,
    CaseKey,
    CaseStatus,
    Panel,
)
from scrutiny.redaction import Audience
from scrutiny.services.audit import edit_logged, require
from scrutiny.services.kanon import (
    CASE_FIELDS,
    K_ANONYMITY,
    kanon_after_change,
    lookalikes,
    quasi_identifier_matches,
)

KANON_UNIQUE = (
    "This case looks unique to the panel: fewer than {k} cases look like it ({matches} including this "
    "one), so it could be recognised. Generalise it as suggested on the case page before release."
)


def _next_pseudonym(panel: Panel) -> str:
    year = timezone.localdate().year
    prefix = f"{panel.code.upper()}-{year}-"
    count = Case.objects.filter(pseudonym__startswith=prefix).count()
    candidate = f"{prefix}{count + 1:03d}"
    while Case.objects.filter(pseudonym=candidate).exists():
        count += 1
        candidate = f"{prefix}{count + 1:03d}"
    return candidate


@transaction.atomic
def case_create(
    *, actor: User, panel: Panel, cps_urn: str = "", crime_number: str = "", **fields: Any
) -> Case:
    require(permissions.can_coordinate(actor, panel))
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown case fields: {sorted(unknown)}")
    case = Case(
        panel=panel, area_id=panel.area_id, pseudonym=_next_pseudonym(panel), created_by=actor, **fields
    )
    case.full_clean()
    case.save()
    CaseKey.objects.create(case=case, cps_urn=cps_urn.strip(), crime_number=crime_number.strip())
    kanon_after_change(case, [])
    edit_logged(actor, case, Audience.COORDINATOR, panel.pk)
    return case


@transaction.atomic
def case_update(*, actor: User, case: Case, **fields: Any) -> Case:
    require(permissions.can_edit_case(actor, case))
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown case fields: {sorted(unknown)}")
    Case.objects.select_for_update().filter(pk=case.pk).exists()  # lock; `case` is the caller's object
    before = lookalikes(case)
    for name, value in fields.items():
        setattr(case, name, value)
    case.full_clean()
    case.save()
    kanon_after_change(case, before)
    edit_logged(actor, case, Audience.COORDINATOR, case.panel_id)
    return case


@transaction.atomic
def case_generalise(*, actor: User, case: Case, fields: Iterable[str]) -> Case:
    """Choose which of the case's details the panel sees at their coarser level (a wider age band,
    a quarter instead of a month...). Allowed after release too, re-checked every time: a change
    that would make the case look unique to its panel is refused, so a released case can be made
    coarser but not finer than its lookalikes allow."""
    Case.objects.select_for_update().filter(pk=case.pk).exists()  # lock; `case` is the caller's object
    case.refresh_from_db(fields=["status", "generalised", "kanon_flagged"])
    require(audience_is_coordinator(actor, case))
    chosen = list(fields)
    if len(chosen) > len(redaction.COARSER) or any(
        not isinstance(name, str) or name not in redaction.COARSER for name in chosen
    ):
        raise ValidationError({"generalised": "Choose details from the list."})
    chosen = [name for name in redaction.COARSER if name in set(chosen)]
    before = lookalikes(case)
    case.generalised = chosen
    case.save(update_fields=["generalised"])
    if quasi_identifier_matches(case) < K_ANONYMITY and case.status == CaseStatus.RELEASED:
        raise ValidationError(
            {
                "generalised": (
                    "The panel already sees this case: showing it in more detail would make it look "
                    f"unique (fewer than {K_ANONYMITY} cases would share what the panel sees)."
                )
            }
        )
    kanon_after_change(case, before)
    edit_logged(actor, case, Audience.COORDINATOR, case.panel_id)
    return case


def audience_is_coordinator(actor: User, case: Case) -> bool:
    return permissions.audience_for(actor, case) == Audience.COORDINATOR


@transaction.atomic
def case_key_update(*, actor: User, case: Case, cps_urn: str, crime_number: str) -> CaseKey:
    require(permissions.can_edit_case(actor, case))
    key, _ = CaseKey.objects.get_or_create(case=case)
    key.cps_urn = cps_urn.strip()
    key.crime_number = crime_number.strip()
    key.save()
    edit_logged(actor, key, Audience.COORDINATOR, case.panel_id)
    return key
