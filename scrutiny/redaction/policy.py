"""The policy structure (Rule, FieldPolicy, P) and POLICY, the table of every field of every model."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from scrutiny import models as m
from scrutiny.redaction.audiences import (
    ALL,
    COORD,
    KEYHOLDERS,
    MEMBERS,
    OVERSIGHT,
    PANEL,
    SITTING,
    A,
    Audience,
    Level,
)
from scrutiny.redaction.generalisers import (
    GENERALISERS,
    agency_kind,
    agency_name,
    agency_names,
    area_name,
    charge_time_shown,
    finalised_month_shown,
    membership_name,
    membership_role,
    offence_month_shown,
    person_name,
    police_force_count,
    relationship_shown,
    released_text,
    suspect_age_shown,
    theme_name,
    victim_age_shown,
    vulnerabilities_shown,
)

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
    """One field's classification for every audience. Construction fails unless each of the twelve
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
        "edited_by": _coord_only(),
        "identifier_kinds": P(full=KEYHOLDERS),
        "check_status": P(full=KEYHOLDERS),
        "checked_by": _coord_name(),
        "checked_at": _coord_only(),
        **extra,
    }


# Who manages legal holds: the coordinator and a platform administrator (on the hold pages only).
HOLDERS = frozenset({A.COORDINATOR, A.HOLD_ADMIN})

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
        "held_on": P(full=SITTING | {A.GOVERNANCE, A.HOLD_ADMIN}, agg={A.EVALUATOR}),
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
        # The platform administrator finds a case's hold page by it (and sees nothing else of it).
        "pseudonym": P(full=SITTING | {A.GOVERNANCE, A.HOLD_ADMIN}, describes=False),
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
            # describes=True: members see each decision point's stage, so the re-identification
            # check compares the stages of a case (services/kanon.py _related).
            "stage": P(full=PANEL, agg=OVERSIGHT, describes=True),
        }
    ),
    m.Extract: _checked_text_policy(extra={"kind": P(full=PANEL, describes=True)}),
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
    # Legal holds: the coordinator's, and the platform administrator's on the legal-hold pages
    # (the reasons are identifier-checked when written). Retention batches: the coordinator's.
    m.LegalHold: {
        "id": P(full=HOLDERS),
        "case": P(full=HOLDERS),
        "meeting": P(full=HOLDERS),
        "reason": P(full=HOLDERS),
        "set_by": P(gen=[(HOLDERS, person_name)]),
        "set_at": P(full=HOLDERS),
        "cleared_by": P(gen=[(HOLDERS, person_name)]),
        "cleared_at": P(full=HOLDERS),
        "clear_reason": P(full=HOLDERS),
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
        # The hash chain (scrutiny/audit/): hashes of ids and kinds, no content.
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
