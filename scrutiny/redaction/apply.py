"""Reading the policy: the rule for a field and audience, quasi-identifiers, and `redact` itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.db import models

from scrutiny.redaction.audiences import Audience, Level
from scrutiny.redaction.policy import NONE_RULE, POLICY, FieldPolicy, Rule


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
