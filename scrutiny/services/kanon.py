"""Re-identification (k-anonymity): how many cases look like this one to each audience, and
which generalisation would let it pass."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import JSONField

from scrutiny import redaction
from scrutiny.models import (
    Case,
    CaseStatus,
)
from scrutiny.redaction import Audience

K_ANONYMITY = 3
CASE_FIELDS = (
    "presenting_agency",
    "offence_category",
    "outcome",
    "selection_reason",
    "offence_month",
    "finalised_month",
    "months_to_charge_decision",
    "victim_age_band",
    "suspect_age_band",
    "relationship",
    "vulnerability_flags",
    "isva_involved",
)


# Case intake ------------------------------------------------------------------------------------------


# Re-identification (k-anonymity) ---------------------------------------------------------------------
# A member who knows a person's details looks for a case that can only be theirs. What they see of a
# case is redaction.redact(case, their audience); the fields that describe the case or the people in
# it are redaction.quasi_identifiers (declared in the policy, never listed here). A case passes when
# at least K_ANONYMITY cases platform-wide have true details consistent with what the audience sees
# of it: every other case is shown at this case's levels (its generalisations) and must then look
# exactly the same. "Not recorded" only looks like "Not recorded": it never stands in for a value.
#
# What the audience sees of a case also includes the rows that hang off it (decision points and
# their stages, extracts and their kinds): for every model with a foreign key to Case, the fields
# the policy declares descriptive and the audience sees (redaction.quasi_identifiers) are compared
# too, as the sequence of rows the audience sees, in the model's order. A case with no such rows
# only looks like another case with none, and a stage that was not recorded only like another
# unrecorded one (plain equality: nothing stands in for anything).

RelatedKey = tuple[type[models.Model], str, tuple[str, ...]]  # model, its foreign key to Case, fields


def describing_rows(audience: Audience) -> list[RelatedKey]:
    """The rows about a case that describe it to `audience`, derived from the policy."""
    out: list[RelatedKey] = []
    for model in redaction.POLICY:
        if model is Case:
            continue
        links = [
            f.name
            for f in model._meta.get_fields()
            if f.concrete and f.many_to_one and f.related_model is Case
        ]
        fields = tuple(redaction.quasi_identifiers(model, audience))
        if links and fields:
            out.append((model, links[0], fields))
    return out


def _related_key(key: RelatedKey) -> str:
    model, _link, fields = key
    return f"{model._meta.model_name}:{'+'.join(fields)}"


def _related_views(
    case_pks: Iterable[int] | None, audience: Audience
) -> dict[int, dict[str, tuple[Any, ...]]]:
    """For each case, what the audience sees of its related rows' descriptive fields: one query
    per related model (all cases when `case_pks` is None). Cases with no rows get empty tuples."""
    pks = None if case_pks is None else list(case_pks)
    out: dict[int, dict[str, tuple[Any, ...]]] = {}
    for key in describing_rows(audience):
        model, link, fields = key
        name = _related_key(key)
        rows = model.objects.all()
        if pks is not None:
            rows = rows.filter(**{f"{link}_id__in": pks})
        ordering = [o for o in (model._meta.ordering or []) if o.lstrip("-") != link]
        seen: dict[int, list[Any]] = {}
        for row in rows.order_by(link, *ordering, "pk").only("pk", link, *fields):
            shown = []
            for field in fields:
                rule = redaction.rule_for(model, field, audience)
                value = getattr(row, model._meta.get_field(field).attname)
                if rule.level == redaction.Level.GENERALISED and rule.generaliser is not None:
                    value = rule.generaliser(getattr(row, field), row)
                shown.append(_hashable(value))
            seen.setdefault(getattr(row, f"{link}_id"), []).append(tuple(shown))
        for pk in pks if pks is not None else seen:
            out.setdefault(pk, {})[name] = tuple(seen.get(pk, ()))
    return out


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


class _ShownAs:
    """Another case seen at this case's levels (what the audience would see of it there)."""

    def __init__(self, case: Case, generalised: Iterable[str]) -> None:
        self._case = case
        self.generalised = list(generalised)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._case, name)


def _audience_groups() -> list[tuple[Audience, tuple[str, ...]]]:
    """One audience per distinct way of seeing a case's descriptive fields (members and observers
    see them alike), leaving out the keyholders (who hold the case key) and audiences that see
    none per record (governance, evaluators: aggregates only)."""
    seen: dict[tuple, tuple[Audience, tuple[str, ...]]] = {}
    for audience in Audience:
        if audience in redaction.KEYHOLDERS:
            continue
        fields = tuple(redaction.quasi_identifiers(Case, audience))
        if not fields:
            continue
        shape = (
            tuple((name, redaction.rule_for(Case, name, audience)) for name in fields),
            tuple(
                (_related_key(key), tuple(redaction.rule_for(key[0], f, audience) for f in key[2]))
                for key in describing_rows(audience)
            ),
        )
        seen.setdefault(shape, (audience, fields))
    return list(seen.values())


def _shown(case: Any, audience: Audience, fields: Iterable[str]) -> dict[str, Any]:
    """What `audience` sees of these fields of the case, by the policy's rules (as redact does;
    `case` may be a _ShownAs view of another case at this case's levels)."""
    data: dict[str, Any] = {}
    for name in fields:
        rule = redaction.rule_for(Case, name, audience)
        if rule.level == redaction.Level.FULL:
            data[name] = getattr(case, Case._meta.get_field(name).attname)
        elif rule.level == redaction.Level.GENERALISED and rule.generaliser is not None:
            data[name] = rule.generaliser(getattr(case, name), case)
    return data


def _candidates(case: Case, audience: Audience, fields: Iterable[str]) -> Any:
    """The cases worth comparing: equal stored values on every field the audience sees in full and
    that has no coarser level (a database filter; the rest is compared as shown, in Python)."""
    filters: dict[str, Any] = {}
    for name in fields:
        model_field = Case._meta.get_field(name)
        rule = redaction.rule_for(Case, name, audience)
        exact = rule.level == redaction.Level.FULL and name not in redaction.COARSER
        if exact and not model_field.is_relation and not isinstance(model_field, JSONField):
            filters[name] = getattr(case, name)
    return _lean(Case.objects.filter(**filters), fields)


def _lean(queryset: Any, fields: Iterable[str]) -> Any:
    """Load only what the comparison reads (model instances cost per column)."""
    return queryset.select_related("presenting_agency", "area").only(
        "pk", "status", "pseudonym", "generalised", *fields, "presenting_agency__kind", "area__name"
    )


Views = list[tuple[int, dict[str, tuple[Any, Any]]]]


def _views(
    cases: Iterable[Case], audience: Audience, fields: Iterable[str], *, all_cases: bool = False
) -> Views:
    """Each case as the audience sees each field, at the fine and at the coarser level (a field's
    view depends only on its own level), computed once so that every comparison is a lookup. The
    related rows (see describing_rows) join each view under their own keys, the same at every level.
    `all_cases`: `cases` is every case (their related rows are read without a filter)."""
    fields = list(fields)
    cases = list(cases)
    coarse = [name for name in fields if name in redaction.COARSER]
    related = _related_views(None if all_cases else [c.pk for c in cases], audience)
    related_keys = [_related_key(key) for key in describing_rows(audience)]
    out: Views = []
    for case in cases:
        fine = _shown(_ShownAs(case, []), audience, fields)
        rough = _shown(_ShownAs(case, coarse), audience, coarse)
        view = {name: (fine[name], rough.get(name, fine[name])) for name in fields}
        rows_of = related.get(case.pk, {})
        view.update({name: (rows_of.get(name, ()),) * 2 for name in related_keys})
        out.append((case.pk, view))
    return out


def _count(views: Views, case_pk: int, levels: Iterable[str], ignore: Iterable[str] = ()) -> int:
    """How many of the cases look exactly like case `case_pk` seen at `levels`, ignoring some fields."""
    at = set(levels)
    subject = next(view for pk, view in views if pk == case_pk)
    wanted = [
        (name, pair[1] if name in at else pair[0])
        for name, pair in subject.items()
        if name not in set(ignore)
    ]
    return sum(
        1
        for _pk, view in views
        if all((view[name][1] if name in at else view[name][0]) == value for name, value in wanted)
    )


def _matches(case: Case, *, generalised: Iterable[str] | None = None, ignore: Iterable[str] = ()) -> int:
    """How many cases (this one included) look exactly like this case to the audience that sees
    the most of it, at the given levels, leaving out `ignore`d fields."""
    levels = list(case.generalised if generalised is None else generalised)
    skipped = set(ignore)
    fewest: int | None = None
    for audience, all_fields in _audience_groups():
        fields = [f for f in all_fields if f not in skipped]
        candidates = list(_candidates(case, audience, fields).exclude(pk=case.pk))
        views = _views([case, *candidates], audience, fields)
        count = _count(views, case.pk, levels)
        fewest = count if fewest is None else min(fewest, count)
    return fewest if fewest is not None else K_ANONYMITY


def quasi_identifier_matches(case: Case) -> int:
    """How many cases platform-wide look like this case to the panel (see above)."""
    return _matches(case)


@dataclass(frozen=True)
class Generalisation:
    fields: tuple[str, ...]
    matches: int
    shown: tuple[Any, ...] = ()  # what the panel would then see of each field

    @property
    def labels(self) -> list[str]:
        out = []
        for index, name in enumerate(self.fields):
            value = self.shown[index] if index < len(self.shown) else None
            seen = ", ".join(value) if isinstance(value, list) else value
            out.append(f"{field_label(name)}: {redaction.COARSER[name][0]}" + (f" ({seen})" if seen else ""))
        return out


@dataclass(frozen=True)
class KanonReport:
    """What the coordinator is told: how many cases look alike, which fields set this one apart
    (ignoring each alone, how many would), and which generalisations would fix it."""

    matches: int
    k: int
    shown: dict[str, Any]
    ignoring: dict[str, int]
    suggestions: list[Generalisation]

    @property
    def passes(self) -> bool:
        return self.matches >= self.k

    @property
    def distinguishing(self) -> list[str]:
        return [name for name, count in self.ignoring.items() if count > self.matches]


def field_label(name: str) -> str:
    """A case field's label, or for related rows (see describing_rows) e.g. "Decision points: stage"."""
    if ":" in name:
        model_name, fields = name.split(":", 1)
        model = next(m for m in redaction.POLICY if m._meta.model_name == model_name)
        shown = ", ".join(str(model._meta.get_field(f).verbose_name) for f in fields.split("+"))
        return f"{str(model._meta.verbose_name_plural).capitalize()}: {shown}"
    return str(Case._meta.get_field(name).verbose_name).capitalize()


def _related_shown(audience: Audience, case: Case) -> dict[str, str]:
    """What the audience sees of the case's related rows, as display text (choice labels)."""
    out: dict[str, str] = {}
    views = _related_views([case.pk], audience).get(case.pk, {})
    for key in describing_rows(audience):
        model, _link, fields = key
        rows = views.get(_related_key(key), ())
        labels = [
            " / ".join(
                redaction.label(model, f, v) or "Not recorded" for f, v in zip(fields, row, strict=True)
            )
            for row in rows
        ]
        out[_related_key(key)] = "; ".join(labels) or "None recorded"
    return out


def kanon_report(case: Case) -> KanonReport:
    """The report for the coordinator. One read of the cases the audience could confuse with this
    one on the fields no suggestion changes, then every count is a lookup (see _views)."""
    matches = _matches(case)
    groups = _audience_groups()
    audience, fields = groups[0] if groups else (Audience.ISVA_MEMBER, ())
    ignoring: dict[str, int] = {}
    suggestions: list[Generalisation] = []
    if matches < K_ANONYMITY and fields:
        population = [case, *_lean(Case.objects.exclude(pk=case.pk), fields)]
        views = _views(population, audience, fields, all_cases=True)
        every_view = [views, *(_views(population, a, f, all_cases=True) for a, f in groups[1:])]
        related = [_related_key(key) for key in describing_rows(audience)]
        ignoring = {
            name: _count(views, case.pk, case.generalised, ignore=[name]) for name in [*fields, *related]
        }
        options = [n for n in redaction.COARSER if n in fields and n not in case.generalised]
        # Fields that set the case apart first; singles, then pairs when no single one is enough.
        options.sort(key=lambda n: -ignoring.get(n, 0))

        def offer(combo: tuple[str, ...]) -> None:
            levels = [*case.generalised, *combo]
            count = min(_count(group_views, case.pk, levels) for group_views in every_view)
            if count >= K_ANONYMITY:
                seen = _shown(_ShownAs(case, levels), audience, combo)
                suggestions.append(Generalisation(combo, count, tuple(seen[n] for n in combo)))

        for name in options:
            offer((name,))
        if not suggestions:
            for i, first in enumerate(options):
                for second in options[i + 1 :]:
                    offer((first, second))
        suggestions.sort(key=lambda g: (len(g.fields), -g.matches))
    return KanonReport(
        matches=matches,
        k=K_ANONYMITY,
        shown=(
            {**_shown(_ShownAs(case, case.generalised), audience, fields), **_related_shown(audience, case)}
            if fields
            else {}
        ),
        ignoring=ignoring,
        suggestions=suggestions[:5],
    )


def kanon_refresh(case: Case) -> None:
    flagged = quasi_identifier_matches(case) < K_ANONYMITY
    if flagged != case.kanon_flagged:
        case.kanon_flagged = flagged
        case.save(update_fields=["kanon_flagged"])


def lookalikes(case: Case) -> list[Case]:
    """Other cases whose look (at their own levels) this case's details are consistent with: the
    ones whose count this case is part of."""
    out: dict[int, Case] = {}
    for audience, fields in _audience_groups():
        others = [o for o in _candidates(case, audience, fields).exclude(pk=case.pk) if o.pk not in out]
        related = _related_views([case.pk, *(o.pk for o in others)], audience)
        for other in others:
            if _shown(_ShownAs(case, other.generalised), audience, fields) == _shown(
                other, audience, fields
            ) and related.get(case.pk) == related.get(other.pk):
                out[other.pk] = other
    return list(out.values())


def _released_left_unique(before: list[Case]) -> list[str]:
    return [
        other.pseudonym
        for other in before
        if other.status == CaseStatus.RELEASED and quasi_identifier_matches(other) < K_ANONYMITY
    ]


def kanon_after_change(case: Case, before: list[Case]) -> None:
    """After `case` was created or changed: refuse the change if a released case it looked like
    would now look unique to its panel, then refresh the flags of every case involved."""
    unique = _released_left_unique(before)
    if unique:
        raise ValidationError(
            f"This change would leave released case {', '.join(unique)} looking unique to its panel "
            f"(fewer than {K_ANONYMITY} cases would share what the panel sees). Generalise that case "
            "first, or keep this case's details."
        )
    kanon_refresh(case)
    for other in {c.pk: c for c in [*before, *lookalikes(case)]}.values():
        kanon_refresh(other)
