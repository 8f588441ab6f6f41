"""The redaction policy: the one declarative place that says who sees what.

For every field of every scrutiny model, each of the twelve audiences gets exactly one of:

* FULL - the stored value (a foreign key gives the related id);
* GENERALISED - the value passed through a named function (month and year, area only, role only…);
* AGGREGATE - never per record; only counted by aggregate selectors (scrutiny.selectors);
* NONE - nothing.

A field missing from POLICY is hidden from everybody, and tests/scrutiny/test_redaction.py fails
until it is classified. `redact(obj, audience)` is the only way a scrutiny record becomes data for
a page, an API response, an export row, a WebSocket message or an email."""

from scrutiny.redaction.apply import (
    label,
    may_aggregate,
    model_fields,
    quasi_identifiers,
    redact,
    rule_for,
    scrutiny_models,
    unclassified_fields,
    visible_fields,
)
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
    COARSER,
    GENERALISERS,
    UNKNOWN_VALUES,
    agency_kind,
    agency_name,
    agency_names,
    area_name,
    charge_time_shown,
    finalised_month_shown,
    is_unknown,
    membership_name,
    membership_role,
    month_year,
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
from scrutiny.redaction.policy import (
    AGGREGATE_RULE,
    CHECKERS,
    FULL_RULE,
    HELD_FOR,
    NONE_RULE,
    POLICY,
    FieldPolicy,
    P,
    Rule,
)

__all__ = [
    "A",
    "AGGREGATE_RULE",
    "ALL",
    "Audience",
    "CHECKERS",
    "COARSER",
    "COORD",
    "FULL_RULE",
    "FieldPolicy",
    "GENERALISERS",
    "HELD_FOR",
    "KEYHOLDERS",
    "Level",
    "MEMBERS",
    "NONE_RULE",
    "OVERSIGHT",
    "P",
    "PANEL",
    "POLICY",
    "Rule",
    "SITTING",
    "UNKNOWN_VALUES",
    "agency_kind",
    "agency_name",
    "agency_names",
    "area_name",
    "charge_time_shown",
    "finalised_month_shown",
    "is_unknown",
    "label",
    "may_aggregate",
    "membership_name",
    "membership_role",
    "model_fields",
    "month_year",
    "offence_month_shown",
    "person_name",
    "police_force_count",
    "quasi_identifiers",
    "redact",
    "relationship_shown",
    "released_text",
    "rule_for",
    "scrutiny_models",
    "suspect_age_shown",
    "theme_name",
    "unclassified_fields",
    "victim_age_shown",
    "visible_fields",
    "vulnerabilities_shown",
]
