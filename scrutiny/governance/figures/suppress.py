"""Suppression of every scope's figures at once (one rule, `suppress_scopes`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrutiny.governance import suppression

if TYPE_CHECKING:
    pass

from scrutiny.governance.figures.dashboard import IGNORED, SUPPRESSED, Path, Stats, is_count

SECTIONS = ("scrutiny", "dropins")


def counts_under(value: Any, path: Path) -> list[Path]:
    """Every count under a raw figure (a count, or a dict of counts, or of dicts of counts)."""
    if isinstance(value, dict):
        return [
            p
            for name, inner in value.items()
            if not (len(path) == 1 and name in IGNORED)
            for p in counts_under(inner, (*path, str(name)))
        ]
    return [path] if is_count(value) else []


def path_value(stats: Stats, path: Path) -> Any:
    value: Any = stats
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _set(stats: Stats, path: Path, value: Any) -> None:
    target: Any = stats
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def _table(scopes: list[Stats], section: str) -> suppression.Table:
    """The published counts of one section for every scope shown together (with several, the
    first is the nation and the others are every area), and what a reader knows relates them:

    - per scope: the agreed-score distribution adds up to the cases reviewed plus the cases scored
      at more than one meeting (that difference is taken as known to the reader); findings by
      theme and by type add up to the same total; seats taken is the sum of bookings by topic;
    - implicit counts a reader can derive and nobody prints, each sensitive when from 1 to 4:
      open actions that are not overdue (open minus overdue), seats taken that are neither
      attended nor missed, and a national count's remainder after its areas (host agencies with
      no area), unless that remainder is zero (then taken as known: national = sum of the areas).
    Keys are (scope index, path) for published cells."""
    table = suppression.Table()
    for index, stats in enumerate(scopes):
        raw = stats.get(section)
        if not raw:
            continue
        for path in counts_under(raw, (section,)):
            table.published[(index, path)] = path_value(stats, path)

        def cells(key: str, index: int = index, raw: dict[str, Any] = raw) -> list[tuple[int, Path]]:
            return [(index, p) for p in counts_under(raw.get(key), (section, key))] if key in raw else []

        def value(cell: tuple[int, Path]) -> int:
            return table.published[cell]

        def relate_sums(plus: list[tuple[int, Path]], minus: list[tuple[int, Path]]) -> None:
            # The true difference, as known to the reader (zero where the parts add up exactly).
            coefficients = {**dict.fromkeys(plus, 1), **dict.fromkeys(minus, -1)}
            table.relate(coefficients, sum(map(value, plus)) - sum(map(value, minus)))

        if section == "scrutiny":
            if cells("cases_reviewed") and cells("score_distribution"):
                relate_sums(cells("score_distribution"), cells("cases_reviewed"))
            if cells("findings_by_theme") or cells("findings_by_kind"):
                relate_sums(cells("findings_by_theme"), cells("findings_by_kind"))
            for agency, row in (raw.get("actions_by_owner_agency") or {}).items():
                base = (section, "actions_by_owner_agency", str(agency))
                opened, overdue = (index, (*base, "open")), (index, (*base, "overdue"))
                if isinstance(row, dict) and opened in table.published and overdue in table.published:
                    _implicit(table, ("not overdue", index, base), {opened: 1, overdue: -1})
        else:
            if cells("confirmed") and cells("topics"):
                relate_sums(cells("topics"), cells("confirmed"))
            taken, attended, missed = (
                (index, (section, "confirmed")),
                (index, (section, "attended")),
                (index, (section, "no_shows")),
            )
            if all(cell in table.published for cell in (taken, attended, missed)):
                _implicit(table, ("held", index), {taken: 1, attended: -1, missed: -1})
    if len(scopes) > 1:
        paths = sorted({path for (_, path) in table.published})
        for path in paths:
            national = (0, path)
            parts = [(index, path) for index in range(1, len(scopes)) if (index, path) in table.published]
            terms = {**dict.fromkeys(parts, -1), **({national: 1} if national in table.published else {})}
            if national in table.published:
                table.keep.add(national)
            _implicit(table, ("remainder", path), terms, known_if_zero=True)
    return table


def _implicit(
    table: suppression.Table, key: Any, terms: dict[Any, int], *, known_if_zero: bool = False
) -> None:
    """An implicit count `sum(terms)`: an unknown of its own in the relations (or, if it is zero
    and `known_if_zero`, or negative, a known constant)."""
    amount = sum(table.published[cell] * coef for cell, coef in terms.items())
    if amount > 0 or (amount == 0 and not known_if_zero):
        table.implicit[key] = amount
        table.relate({**terms, key: -1}, 0)
    else:
        table.relate(terms, amount)


def suppress_scopes(scopes: list[Stats]) -> None:
    """Apply primary and secondary suppression (`scrutiny.governance.suppression.protect`), in
    place, to the raw figures of one or more scopes shown together (with several, the first is the
    total of the others): section by section, as no relation crosses sections."""
    for section in SECTIONS:
        for index, path in suppression.protect(_table(scopes, section)):
            _set(scopes[index], path, SUPPRESSED)
