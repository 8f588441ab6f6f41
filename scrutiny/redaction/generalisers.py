"""Generalisers: named functions (value, obj) -> plain data, and the coarser levels a panel can choose."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

# Generalisers: named functions (value, obj) -> plain data -------------------------------------------


def month_year(value: dt.date | None, obj: Any) -> str | None:
    return value.strftime("%B %Y") if value else None


def area_name(value: Any, obj: Any) -> str | None:
    return value.name if value is not None else None


def agency_name(value: Any, obj: Any) -> str | None:
    return value.name if value is not None else None


def agency_kind(value: Any, obj: Any) -> str | None:
    """The kind of organisation only ("Police force"), never which one."""
    return value.get_kind_display() if value is not None else None


def agency_names(value: Any, obj: Any) -> list[str]:
    return sorted(agency.name for agency in value.all())


def police_force_count(value: Any, obj: Any) -> str | None:
    """How many police forces a panel covers, never which (ADR 0005): members see a case's
    location at CPS-area level only, and on a single-force panel the force's name would identify
    the presenting force that `agency_kind` hides. Reads the prefetched set when there is one."""
    count = len(value.all())
    if count == 0:
        return None
    return "One police force" if count == 1 else f"{count} police forces"


def person_name(value: Any, obj: Any) -> str | None:
    """A person's name (never their email address or account details)."""
    if value is None:
        return None
    return value.get_full_name() or "Unnamed account"


def membership_role(value: Any, obj: Any) -> str | None:
    """Staff appear by panel role only."""
    return value.get_role_display() if value is not None else None


def membership_name(value: Any, obj: Any) -> str | None:
    if value is None:
        return None
    return f"{person_name(value.user, value)} ({value.get_role_display()})"


def theme_name(value: Any, obj: Any) -> str | None:
    return value.name if value is not None else None


# Coarser display levels a coordinator can choose per case (Case.generalised) so that a case the
# panel would see as unique looks like others. Each maps a stored value to what the panel sees at
# the coarser level; "Not recorded" stays "Not recorded" (it never makes cases look alike).

_WIDE_AGE = {
    "under_16": "Under 18",
    "16_17": "Under 18",
    "18_24": "18 to 34",
    "25_34": "18 to 34",
    "35_54": "35 and over",
    "55_plus": "35 and over",
}
_KNOWN_TO_VICTIM = {
    "stranger": "Stranger",
    "acquaintance": "Known to the victim",
    "partner": "Known to the victim",
    "family": "Known to the victim",
    "position_of_trust": "Known to the victim",
}
UNKNOWN_VALUES = frozenset({"", "unknown"})


def is_unknown(value: Any) -> bool:
    """'Not recorded': shown as it is at every level, never as a value it might have been."""
    return value is None or (isinstance(value, str) and value in UNKNOWN_VALUES)


def _quarter(value: dt.date | None) -> str | None:
    if value is None:
        return None
    first = (value.month - 1) // 3 * 3 + 1
    start, end = dt.date(value.year, first, 1), dt.date(value.year, first + 2, 1)
    return f"{start:%B} to {end:%B} {value.year}"


def _charge_time_range(value: int | None) -> str | None:
    if value is None:
        return None
    if value <= 3:
        return "Up to 3 months"
    if value <= 12:
        return "4 to 12 months"
    return "More than 12 months"


def _vulnerabilities_recorded(value: Any) -> list[str]:
    return ["One or more recorded"] if value else []


COARSER: dict[str, tuple[str, Callable[[Any], Any]]] = {
    # field: (what the coarser level is called, stored value -> what the panel sees)
    "victim_age_band": ("a wider age band", lambda v: _WIDE_AGE.get(v, v)),
    "suspect_age_band": ("a wider age band", lambda v: _WIDE_AGE.get(v, v)),
    "relationship": ("known to the victim or a stranger", lambda v: _KNOWN_TO_VICTIM.get(v, v)),
    "offence_month": ("the quarter instead of the month", _quarter),
    "finalised_month": ("the quarter instead of the month", _quarter),
    "months_to_charge_decision": ("a range of months", _charge_time_range),
    "vulnerability_flags": ("whether any were recorded, not which", _vulnerabilities_recorded),
}


def _shown(name: str, value: Any, obj: Any, fine: Callable[[Any], Any]) -> Any:
    if name in (getattr(obj, "generalised", None) or ()) and not is_unknown(value):
        return COARSER[name][1](value)
    return fine(value)


def victim_age_shown(value: Any, obj: Any) -> Any:
    return _shown("victim_age_band", value, obj, lambda v: v)


def suspect_age_shown(value: Any, obj: Any) -> Any:
    return _shown("suspect_age_band", value, obj, lambda v: v)


def relationship_shown(value: Any, obj: Any) -> Any:
    return _shown("relationship", value, obj, lambda v: v)


def offence_month_shown(value: Any, obj: Any) -> Any:
    return _shown("offence_month", value, obj, lambda v: month_year(v, obj))


def finalised_month_shown(value: Any, obj: Any) -> Any:
    return _shown("finalised_month", value, obj, lambda v: month_year(v, obj))


def charge_time_shown(value: Any, obj: Any) -> Any:
    return _shown("months_to_charge_decision", value, obj, lambda v: v)


def vulnerabilities_shown(value: Any, obj: Any) -> Any:
    return _shown("vulnerability_flags", value, obj, lambda v: sorted(v or []))


def released_text(value: str, obj: Any) -> str | None:
    """Free text only once it is clear or a second person has checked it (confirmed redactions stay
    in as tokens and render as visible blocks); flagged text is withheld."""
    return value if obj.is_releasable else None


GENERALISERS: dict[str, Callable[[Any, Any], Any]] = {
    fn.__name__: fn
    for fn in (
        month_year,
        area_name,
        agency_name,
        agency_kind,
        agency_names,
        police_force_count,
        person_name,
        membership_role,
        membership_name,
        theme_name,
        released_text,
        victim_age_shown,
        suspect_age_shown,
        relationship_shown,
        offence_month_shown,
        finalised_month_shown,
        charge_time_shown,
        vulnerabilities_shown,
    )
}
