"""The redaction policy: the one declarative place that says who sees what.

For every field of every scrutiny model, each of the eleven audiences gets exactly one of:

* FULL - the stored value (a foreign key gives the related id);
* GENERALISED - the value passed through a named function (month and year, area only, role only…);
* AGGREGATE - never per record; only counted by aggregate selectors (scrutiny.selectors);
* NONE - nothing.

A field missing from POLICY is hidden from everybody, and tests/scrutiny/test_redaction.py fails
until it is classified. `redact(obj, audience)` is the only way a scrutiny record becomes data for
a page, an API response, an export row, a WebSocket message or an email.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from scrutiny import models as m


class Audience(StrEnum):
    COORDINATOR = "coordinator"
    PRESENTING_AGENCY = "presenting_agency"
    CHAIR = "chair"
    CPS_MEMBER = "cps_member"
    POLICE_MEMBER = "police_member"
    ISVA_MEMBER = "isva_member"
    INDEPENDENT_MEMBER = "independent_member"
    OBSERVER = "observer"
    GOVERNANCE = "governance"
    EVALUATOR = "evaluator"
    # A sitting member or observer who declared prior involvement in the case: for that case and
    # every record tied to it (agenda line, reviews, findings, actions, updates) nothing at all.
    INVOLVED = "involved"


class Level(StrEnum):
    FULL = "full"
    GENERALISED = "generalised"
    AGGREGATE = "aggregate"
    NONE = "none"


A = Audience
ALL = frozenset(Audience)
KEYHOLDERS = frozenset({A.COORDINATOR, A.PRESENTING_AGENCY})
MEMBERS = frozenset({A.CHAIR, A.CPS_MEMBER, A.POLICE_MEMBER, A.ISVA_MEMBER, A.INDEPENDENT_MEMBER})
PANEL = KEYHOLDERS | MEMBERS  # everyone who reviews
SITTING = PANEL | {A.OBSERVER}  # everyone in the room
OVERSIGHT = frozenset({A.GOVERNANCE, A.EVALUATOR})
COORD = frozenset({A.COORDINATOR})


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


# The policy structure -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    level: Level
    generaliser: Callable[[Any, Any], Any] | None = None


FULL_RULE = Rule(Level.FULL)
AGGREGATE_RULE = Rule(Level.AGGREGATE)
NONE_RULE = Rule(Level.NONE)


@dataclass(frozen=True)
class FieldPolicy:
    """One field's classification for every audience. Construction fails unless each of the eleven
    audiences is given exactly one level, so a policy entry is always a complete decision."""

    full: frozenset[Audience] = frozenset()
    generalised: tuple[tuple[frozenset[Audience], Callable[[Any, Any], Any]], ...] = ()
    aggregate: frozenset[Audience] = frozenset()
    none: frozenset[Audience] = frozenset()
    # Whether the field describes the case or the people in it (a quasi-identifier wherever an
    # audience sees it): True, False, or None (not said; a test fails for a field members see).
    describes: bool | None = None
    rules: dict[Audience, Rule] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        seen: list[Audience] = []
        for audience in self.full:
            self.rules[audience] = FULL_RULE
            seen.append(audience)
        for audiences, fn in self.generalised:
            if GENERALISERS.get(fn.__name__) is not fn:
                raise ImproperlyConfigured(f"Generaliser {fn.__name__} is not a named policy function.")
            for audience in audiences:
                self.rules[audience] = Rule(Level.GENERALISED, fn)
                seen.append(audience)
        for audience in self.aggregate:
            self.rules[audience] = AGGREGATE_RULE
            seen.append(audience)
        for audience in self.none:
            self.rules[audience] = NONE_RULE
            seen.append(audience)
        if len(seen) != len(set(seen)):
            raise ImproperlyConfigured("An audience is classified twice for one field.")
        if set(seen) != ALL:
            raise ImproperlyConfigured(f"Audiences left unclassified: {sorted(ALL - set(seen))}")

    def rule(self, audience: Audience) -> Rule:
        return self.rules.get(audience, NONE_RULE)


def P(  # noqa: N802 - reads as a table
    *,
    full: Iterable[Audience] = (),
    gen: Iterable[tuple[Iterable[Audience], Callable[[Any, Any], Any]]] = (),
    agg: Iterable[Audience] = (),
    none: Iterable[Audience] | None = None,
    describes: bool | None = None,
) -> FieldPolicy:
    """Build a field policy. `none` defaults to every audience not listed before it, written out
    so the table stays short; FieldPolicy still checks every audience gets one level."""
    full_set = frozenset(full)
    gen_tuple = tuple((frozenset(auds), fn) for auds, fn in gen)
    agg_set = frozenset(agg)
    listed = full_set | agg_set | frozenset().union(*(auds for auds, _ in gen_tuple))
    none_set = frozenset(none) if none is not None else ALL - listed
    return FieldPolicy(
        full=full_set, generalised=gen_tuple, aggregate=agg_set, none=none_set, describes=describes
    )


def _coord_only() -> FieldPolicy:
    return P(full=COORD)


def _coord_name() -> FieldPolicy:
    return P(gen=[(COORD, person_name)])


def _checked_text_policy(*, extra: dict[str, FieldPolicy]) -> dict[str, FieldPolicy]:
    return {
        "id": P(full=PANEL),
        "case": P(full=PANEL),
        "text": P(full=KEYHOLDERS, gen=[(MEMBERS, released_text)]),
        "author": _coord_name(),
        "identifier_kinds": P(full=KEYHOLDERS),
        "check_status": P(full=KEYHOLDERS),
        "checked_by": _coord_name(),
        "checked_at": _coord_only(),
        **extra,
    }


# Meeting-time text (findings, actions): the coordinator and the chair record and check it.
CHECKERS = frozenset({A.COORDINATOR, A.CHAIR})
HELD_FOR = (SITTING | {A.GOVERNANCE}) - CHECKERS


def _meeting_check_policy() -> dict[str, FieldPolicy]:
    return {
        "identifier_kinds": P(full=CHECKERS),
        "check_status": P(full=CHECKERS),
        "checked_by": _coord_name(),
        "checked_at": _coord_only(),
    }


POLICY: dict[type[models.Model], dict[str, FieldPolicy]] = {
    m.ConfidentialityAgreement: {
        "id": P(full=ALL),
        "version": P(full=ALL),
        "text": P(full=ALL),
        "published_at": P(full=ALL),
    },
    m.Panel: {
        "id": P(full=ALL),
        "name": P(full=ALL),
        "code": P(full=SITTING | {A.GOVERNANCE}),
        "area": P(gen=[(ALL, area_name)]),
        # ADR 0005: named for the coordinator, the presenting agency and governance; members and
        # observers get the number of forces only (never names, even on multi-force panels).
        "police_forces": P(
            gen=[(KEYHOLDERS | {A.GOVERNANCE}, agency_names), (SITTING - KEYHOLDERS, police_force_count)]
        ),
        "terms_of_reference": P(full=SITTING | {A.GOVERNANCE}),
        "created_at": _coord_only(),
    },
    m.PanelMembership: {
        "id": P(full=COORD),
        "panel": P(full=SITTING),
        "user": P(gen=[(COORD, person_name)]),
        "role": P(full=SITTING, agg={A.GOVERNANCE}),
        "started_at": _coord_only(),
        "ended_at": _coord_only(),
    },
    m.AgreementAcceptance: {
        "id": _coord_only(),
        "agreement": _coord_only(),
        "user": _coord_name(),
        "accepted_at": _coord_only(),
    },
    m.Meeting: {
        "id": P(full=SITTING | {A.GOVERNANCE}),
        "panel": P(full=SITTING | {A.GOVERNANCE}),
        "held_on": P(full=SITTING | {A.GOVERNANCE}, agg={A.EVALUATOR}),
        "status": P(full=SITTING | {A.GOVERNANCE}, agg={A.EVALUATOR}),
        "created_at": _coord_only(),
        "legal_hold": _coord_only(),
    },
    m.MeetingAttendance: {
        "id": P(full=SITTING),
        "meeting": P(full=SITTING),
        "membership": P(
            gen=[(COORD, membership_name), (SITTING - COORD, membership_role)], agg={A.GOVERNANCE}
        ),
        "arrived_at": P(full=SITTING),
    },
    m.Case: {
        # describes=True: what the case is and who was in it; the re-identification check
        # (quasi_identifiers below) compares every such field an audience sees, as it sees it.
        "id": P(full=SITTING | {A.GOVERNANCE}, describes=False),
        "panel": P(full=SITTING | {A.GOVERNANCE}, agg={A.EVALUATOR}, describes=False),
        "pseudonym": P(full=SITTING | {A.GOVERNANCE}, describes=False),
        "presenting_agency": P(
            gen=[(KEYHOLDERS, agency_name), (SITTING - KEYHOLDERS, agency_kind)],
            agg=OVERSIGHT,
            describes=True,
        ),
        "area": P(gen=[(SITTING, area_name)], agg=OVERSIGHT, describes=True),
        "offence_category": P(full=SITTING, agg=OVERSIGHT, describes=True),
        "outcome": P(full=SITTING, agg=OVERSIGHT, describes=True),
        "selection_reason": P(full=SITTING, agg=OVERSIGHT, describes=True),
        "offence_month": P(
            full=KEYHOLDERS, gen=[(SITTING - KEYHOLDERS, offence_month_shown)], agg=OVERSIGHT, describes=True
        ),
        "finalised_month": P(
            full=KEYHOLDERS,
            gen=[(SITTING - KEYHOLDERS, finalised_month_shown)],
            agg=OVERSIGHT,
            describes=True,
        ),
        "months_to_charge_decision": P(
            full=KEYHOLDERS, gen=[(SITTING - KEYHOLDERS, charge_time_shown)], agg=OVERSIGHT, describes=True
        ),
        "victim_age_band": P(
            full=KEYHOLDERS, gen=[(SITTING - KEYHOLDERS, victim_age_shown)], agg=OVERSIGHT, describes=True
        ),
        "suspect_age_band": P(
            full=KEYHOLDERS, gen=[(SITTING - KEYHOLDERS, suspect_age_shown)], agg=OVERSIGHT, describes=True
        ),
        "relationship": P(
            full=KEYHOLDERS, gen=[(SITTING - KEYHOLDERS, relationship_shown)], agg=OVERSIGHT, describes=True
        ),
        "vulnerability_flags": P(
            full=KEYHOLDERS,
            gen=[(SITTING - KEYHOLDERS, vulnerabilities_shown)],
            agg=OVERSIGHT,
            describes=True,
        ),
        "isva_involved": P(full=SITTING, agg=OVERSIGHT, describes=True),
        "status": P(full=KEYHOLDERS),
        "kanon_flagged": P(full=KEYHOLDERS),
        "generalised": P(full=KEYHOLDERS),
        "legal_hold": _coord_only(),
        "created_by": _coord_name(),
        "created_at": _coord_only(),
        "released_at": P(full=KEYHOLDERS),
        "released_by": _coord_name(),
    },
    m.CaseKey: {
        "id": P(full=KEYHOLDERS),
        "case": P(full=KEYHOLDERS),
        "cps_urn": P(full=KEYHOLDERS),
        "crime_number": P(full=KEYHOLDERS),
    },
    m.DecisionPoint: _checked_text_policy(
        extra={
            "order": P(full=PANEL),
            "stage": P(full=PANEL, agg=OVERSIGHT),
        }
    ),
    m.Extract: _checked_text_policy(extra={"kind": P(full=PANEL)}),
    m.InvolvementDeclaration: {
        "id": _coord_only(),
        "case": _coord_only(),
        "user": _coord_name(),
        "involved": _coord_only(),
        "declared_at": _coord_only(),
    },
    m.AgendaItem: {
        "id": P(full=SITTING | {A.GOVERNANCE}),
        "meeting": P(full=SITTING | {A.GOVERNANCE}),
        "case": P(full=SITTING | {A.GOVERNANCE}),
        "order": P(full=SITTING | {A.GOVERNANCE}),
        "agreed_score": P(full=SITTING | {A.GOVERNANCE}, agg={A.EVALUATOR}),
        "carried_over": P(full=SITTING | {A.GOVERNANCE}, agg={A.EVALUATOR}),
    },
    # Who chairs one case in place of a chair who declared involvement in it: the people in the
    # room see that someone of a given role does; the coordinator sees who, and who appointed them.
    m.ActingChair: {
        "id": P(full=SITTING),
        "agenda_item": P(full=SITTING),
        "membership": P(gen=[(COORD, membership_name), (SITTING - COORD, membership_role)]),
        "appointed_by": _coord_name(),
        "appointed_at": _coord_only(),
    },
    m.Review: {
        "id": P(full=PANEL),
        "case": P(full=PANEL),
        "meeting": P(full=PANEL),
        "reviewer": _coord_name(),
        "panel_role": P(full=PANEL),
        "score": P(full=PANEL, agg=OVERSIGHT),
        "submitted_at": _coord_only(),
    },
    m.DecisionAssessment: {
        "id": P(full=PANEL),
        "review": P(full=PANEL),
        "decision_point": P(full=PANEL),
        "assessment": P(full=PANEL, agg=OVERSIGHT),
        "notes": P(full=PANEL),
    },
    m.Finding: {
        "id": P(full=SITTING | {A.GOVERNANCE}),
        "meeting": P(full=SITTING | {A.GOVERNANCE}),
        "case": P(full=SITTING | {A.GOVERNANCE}),
        "theme": P(gen=[(SITTING | {A.GOVERNANCE}, theme_name)], agg={A.EVALUATOR}),
        "kind": P(full=SITTING | {A.GOVERNANCE}, agg={A.EVALUATOR}),
        # Held back from everyone but the people who can check it while an identifier hit waits
        # for a second person; then visible, confirmed redactions as visible blocks.
        "text": P(full=CHECKERS, gen=[(HELD_FOR, released_text)]),
        **_meeting_check_policy(),
        "recorded_by": _coord_name(),
        "recorded_at": P(full=SITTING | {A.GOVERNANCE}),
        "guidance_page_id": P(full={A.COORDINATOR, A.GOVERNANCE}),
    },
    m.Action: {
        "id": P(full=SITTING | {A.GOVERNANCE}),
        "finding": P(full=SITTING | {A.GOVERNANCE}),
        "description": P(full=CHECKERS, gen=[(HELD_FOR, released_text)]),
        **_meeting_check_policy(),
        "owner_agency": P(gen=[(SITTING | {A.GOVERNANCE}, agency_name)], agg={A.EVALUATOR}),
        "owner_role": P(full=SITTING | {A.GOVERNANCE}),
        "due_on": P(full=SITTING | {A.GOVERNANCE}, agg={A.EVALUATOR}),
        "status": P(full=SITTING | {A.GOVERNANCE}, agg={A.EVALUATOR}),
        "created_by": _coord_name(),
        "created_at": _coord_only(),
        "closed_at": P(full=SITTING | {A.GOVERNANCE}, agg={A.EVALUATOR}),
    },
    m.ActionUpdate: {
        "id": P(full=SITTING | {A.GOVERNANCE}),
        "action": P(full=SITTING | {A.GOVERNANCE}),
        "text": P(full=SITTING | {A.GOVERNANCE}),
        "status": P(full=SITTING | {A.GOVERNANCE}),
        "author": _coord_name(),
        "created_at": P(full=SITTING | {A.GOVERNANCE}),
    },
    # Legal holds and retention batches: the coordinator's (platform administrators reach holds
    # only through the legal-hold pages, which show no case content).
    m.LegalHold: {
        "id": _coord_only(),
        "case": _coord_only(),
        "meeting": _coord_only(),
        "reason": _coord_only(),
        "set_by": _coord_name(),
        "set_at": _coord_only(),
        "cleared_by": _coord_name(),
        "cleared_at": _coord_only(),
        "clear_reason": _coord_only(),
    },
    m.RetentionBatch: {
        "id": _coord_only(),
        "record_type": _coord_only(),
        "ran_at": _coord_only(),
        "count": _coord_only(),
        "object_ids": _coord_only(),
        "panel_id": _coord_only(),
    },
    m.IdentifierOverride: {
        # Shown to the people who check texts (never to members: the text itself is what they see).
        "id": P(full=CHECKERS),
        "object_type": P(full=CHECKERS),
        "object_id": P(full=CHECKERS),
        "text_sha256": _coord_only(),
        "kind": P(full=CHECKERS),
        "start": P(full=CHECKERS),
        "end": P(full=CHECKERS),
        "reason": P(full=CHECKERS),
        "made_by": P(gen=[(CHECKERS, person_name)]),
        "made_at": P(full=CHECKERS),
    },
    m.AccessEvent: {
        "id": _coord_only(),
        "actor": _coord_name(),
        "at": _coord_only(),
        "verb": _coord_only(),
        "object_type": _coord_only(),
        "object_id": _coord_only(),
        "audience": _coord_only(),
        "channel": _coord_only(),
        "panel_id": _coord_only(),
        "meeting_id": _coord_only(),
        # The hash chain (scrutiny/audit.py): hashes of ids and kinds, no content.
        "prev_hash": _coord_only(),
        "row_hash": _coord_only(),
    },
    # Pruning checkpoints of the audit: read only by verify_audit, shown to no audience.
    m.AuditCheckpoint: {
        name: P()
        for name in (
            "id",
            "created_at",
            "before",
            "retention_days",
            "through_id",
            "through_hash",
            "first_prev_hash",
            "pruned",
        )
    },
}


def model_fields(model: type[models.Model]) -> list[models.Field]:
    """Every concrete and many-to-many field of a model (what a record can carry)."""
    return [*model._meta.concrete_fields, *model._meta.many_to_many]


def unclassified_fields(policy: dict[type[models.Model], dict[str, FieldPolicy]]) -> list[str]:
    """'app.Model.field' for every field without a policy entry, and entries naming no field."""
    problems = []
    for model, fields in policy.items():
        names = {f.name for f in model_fields(model)}
        problems += [f"{model._meta.label}.{name}" for name in sorted(names - set(fields))]
        problems += [f"{model._meta.label}.{name} (no such field)" for name in sorted(set(fields) - names)]
    return problems


def scrutiny_models() -> list[type[models.Model]]:
    from django.apps import apps

    return list(apps.get_app_config("scrutiny").get_models())


def rule_for(model: type[models.Model], field_name: str, audience: Audience | None) -> Rule:
    if audience is None:
        return NONE_RULE
    policy = POLICY.get(model, {}).get(field_name)
    return policy.rule(audience) if policy is not None else NONE_RULE


def may_aggregate(model: type[models.Model], field_name: str, audience: Audience | None) -> bool:
    """Whether the audience may see this field counted (aggregate selectors check this)."""
    return rule_for(model, field_name, audience).level in {Level.AGGREGATE, Level.FULL, Level.GENERALISED}


def quasi_identifiers(model: type[models.Model], audience: Audience) -> list[str]:
    """The fields of `model` that describe the case or the people in it and that `audience` sees
    (FULL or GENERALISED): what a re-identification check must compare, derived from the policy."""
    fields = POLICY.get(model, {})
    return [
        name
        for name in (f.name for f in model_fields(model))
        if name in fields
        and fields[name].describes
        and fields[name].rule(audience).level in {Level.FULL, Level.GENERALISED}
    ]


def visible_fields(model: type[models.Model], audience: Audience | None) -> list[str]:
    return [
        f.name
        for f in model_fields(model)
        if rule_for(model, f.name, audience).level in {Level.FULL, Level.GENERALISED}
    ]


def redact(
    obj: models.Model, audience: Audience | None, *, only: Collection[str] | None = None
) -> dict[str, Any]:
    """The record as plain data for this audience: only FULL and GENERALISED fields, nothing else.
    Unknown models, unlisted fields and a missing audience all give nothing. `only`: compute just
    these fields, each still decided by the policy (a page that shows a panel's name need not load
    its police forces)."""
    model = type(obj)
    if audience is None or model not in POLICY:
        return {}
    data: dict[str, Any] = {}
    for model_field in model_fields(model):
        if only is not None and model_field.name not in only:
            continue
        rule = rule_for(model, model_field.name, audience)
        if rule.level == Level.FULL:
            if model_field.many_to_many:
                data[model_field.name] = sorted(
                    related.pk for related in getattr(obj, model_field.name).all()
                )
            elif model_field.is_relation:
                data[model_field.name] = getattr(obj, model_field.attname)
            else:
                data[model_field.name] = _plain(getattr(obj, model_field.attname))
        elif rule.level == Level.GENERALISED and rule.generaliser is not None:
            data[model_field.name] = _plain(rule.generaliser(getattr(obj, model_field.name), obj))
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def label(model: type[models.Model], field_name: str, value: Any) -> str:
    """The display label of a choice value (no data; the choices are part of the code)."""
    if value is None:
        return ""
    choices = dict(model._meta.get_field(field_name).flatchoices)
    return str(choices.get(value, value))
