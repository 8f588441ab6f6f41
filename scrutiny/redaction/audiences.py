"""The twelve audiences, the levels a field can be shown at, and the named sets of audiences."""

from __future__ import annotations

from enum import StrEnum


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
    # A platform administrator on the legal-hold pages (the only scrutiny pages they reach): the
    # case's reference, the meeting's panel and date, and the holds themselves; no case content.
    HOLD_ADMIN = "platform_admin"


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
