"""Every aggregate figure, for every route: read through the drop-in and scrutiny selectors (the
only doors to their data), suppress them (one rule, `suppress_scopes`), and shape them for the
dashboards, their live fragment and WebSocket frames, the SVG charts, the evaluation exports, the
JSON API (`api_figures`) and `/scrutiny/figures.csv|xlsx` (`aggregate_rows`). No other module
suppresses or publishes an aggregate count; which scopes a person may fetch is decided by
`scrutiny.governance.permissions.can_view_national_figures` / `can_view_area_figures` on every
route. ADR 0012 explains the rule.

Suppression (`suppress_scopes`, with the engine in `scrutiny.governance.suppression`):
1. Primary: any count from 1 to 4 is suppressed. Zero is shown: it discloses nobody, and showing
   it lets every reader know a suppressed count is at least 1 (the audit assumes they do).
2. Secondary: the national figures and every area's are suppressed together, once, for everyone
   (one person may hold them all), with every relation a reader knows (a distribution and its
   total, two breakdowns of one total, national = the sum of the areas, overdue <= open, ...). An
   integer programme checks that no suppressed count, and no derivable count from 1 to 4, can be
   pinned to one value; while one can, the smallest related count is suppressed too.
3. Every suppressed figure reads the same ("suppressed"), so no one can tell which were small.
4. A rate is withheld when any count of the same source is suppressed, so it cannot be used to
   work a suppressed count back out.
Every audience gets a subset of that one suppressed publication (its scopes and sections), and a
subset of a publication no one can solve is no easier to solve.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils import timezone

from agencies.dropins.permissions import can_view_stats
from agencies.dropins.selectors import dropin_stats_by_scope
from agencies.realtime import events
from scrutiny.governance import permissions, suppression
from scrutiny.selectors import aggregate_audience, governance_stats_by_scope

if TYPE_CHECKING:
    from agencies.models import Area, User

SUPPRESS_BELOW = suppression.SUPPRESS_BELOW
SUPPRESSED_TEXT = "suppressed"
SUPPRESSED = SUPPRESSED_TEXT  # the marker a suppressed count carries in the figures (API: as is)

# Labels for the keys the selectors return today; a key not listed still shows, humanised.
LABELS = {
    "cases_reviewed": "Cases reviewed",
    "score_distribution": "Score distribution (agreed scores)",
    "findings_by_theme": "Findings by theme",
    "findings_by_kind": "Findings by type",
    "actions_by_owner_agency": "Actions by owner agency",
    "sessions_offered": "Drop-in sessions offered",
    "seats": "Seats offered",
    "confirmed": "Seats taken",
    "attended": "Attended",
    "no_shows": "No-shows",
    "utilisation": "Utilisation (seats taken / seats offered)",
    "topics": "Drop-in bookings by topic",
    "open": "Open",
    "overdue": "Overdue",
    "closed": "Closed",
}
# Keys that are context, not figures.
IGNORED = {"area", "area_id", "suppressed_below"}
BAR_FILLS = ("#1d70b8", "#d4351c", "#00703c", "#6f72af", "#b58840")


def label_for(key: str) -> str:
    return LABELS.get(key, _humanise(key))


def _humanise(value: str) -> str:
    """Choice values like "case_progression" read as "Case progression"; names stay as they are."""
    return value.replace("_", " ").strip().capitalize() if value.islower() or "_" in value else value


@dataclass(frozen=True)
class Cell:
    """One figure: a count, a rate (0-1) or suppressed (value None)."""

    value: int | float | None
    is_rate: bool = False

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def display(self) -> str:
        if self.value is None:
            return SUPPRESSED_TEXT
        if self.is_rate:
            return f"{self.value * 100:.0f}%"
        return f"{self.value:,}"

    @property
    def export_value(self) -> int | float | str:
        return SUPPRESSED_TEXT if self.value is None else self.value


def count_cell(value: Any) -> Cell:
    if isinstance(value, bool) or not isinstance(value, int):
        return Cell(None)  # SUPPRESSED, or anything that is not a plain count
    return Cell(None) if suppression.is_small(value) else Cell(value)


@dataclass(frozen=True)
class Bar:
    label: str
    cell: Cell
    y: int
    width: int
    fill: str
    series: str = ""


@dataclass
class Chart:
    """A horizontal bar chart laid out on the server: the template only draws rectangles."""

    title: str
    bars: list[Bar]
    series: list[tuple[str, str]]
    height: int
    label_width: int = 200
    plot_width: int = 360
    row_height: int = 26

    @property
    def value_x(self) -> int:
        return self.label_width + self.plot_width + 8

    @property
    def width(self) -> int:
        return self.label_width + self.plot_width + 110


@dataclass
class Breakdown:
    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]]
    chart: Chart | None = None


@dataclass
class Section:
    key: str
    title: str
    available: bool
    figures: list[tuple[str, str, Cell]] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)


def _chart(title: str, columns: list[str], rows: list[tuple[str, list[Cell]]]) -> Chart | None:
    if not rows:
        return None
    peak = max((c.value for _, cells in rows for c in cells if c.value), default=0) or 1
    bar_height = 18 if len(columns) == 1 else 12
    row_height = (bar_height + 8) if len(columns) == 1 else (bar_height * len(columns) + 10)
    bars = []
    y = 4
    for label, cells in rows:
        for index, cell in enumerate(cells):
            width = 0 if not cell.value else max(2, round(360 * cell.value / peak))
            bars.append(
                Bar(
                    label=label if index == 0 else "",
                    cell=cell,
                    y=y + index * bar_height,
                    width=width,
                    fill=BAR_FILLS[index % len(BAR_FILLS)],
                    series=columns[index],
                )
            )
        y += row_height
    series = (
        [(name, BAR_FILLS[i % len(BAR_FILLS)]) for i, name in enumerate(columns)] if len(columns) > 1 else []
    )
    return Chart(title=title, bars=bars, series=series, height=y + 4, row_height=row_height)


def _breakdown(key: str, value: dict[str, Any], *, row_label: Any = None) -> Breakdown:
    title = label_for(key)
    nested = any(isinstance(v, dict) for v in value.values())
    if nested:
        columns: list[str] = []
        for row in value.values():
            for column in row if isinstance(row, dict) else {}:
                if column not in columns:
                    columns.append(column)
        rows = [
            (str(name), [count_cell(row.get(c)) if isinstance(row, dict) else Cell(None) for c in columns])
            for name, row in value.items()
        ]
        headings = [label_for(c) for c in columns]
    else:
        rows = [
            ((row_label(name) if row_label else _humanise(str(name))), [count_cell(v)])
            for name, v in value.items()
        ]
        headings = ["Count"]
    return Breakdown(key=key, title=title, columns=headings, rows=rows, chart=_chart(title, headings, rows))


def _section(key: str, title: str, stats: dict[str, Any] | None) -> Section:
    if stats is None:
        return Section(key=key, title=title, available=False)
    section = Section(key=key, title=title, available=True)
    any_suppressed = any(
        count_cell(v).suppressed for k, v in stats.items() if k not in IGNORED and _is_count(v)
    )
    for name, value in stats.items():
        if name in IGNORED:
            continue
        if isinstance(value, dict):
            row_label = (lambda s: f"Score {s}") if name == "score_distribution" else None
            section.breakdowns.append(_breakdown(name, value, row_label=row_label))
        elif isinstance(value, float):
            section.figures.append(
                (name, label_for(name), Cell(None if any_suppressed else value, is_rate=True))
            )
        elif _is_count(value):
            section.figures.append((name, label_for(name), count_cell(value)))
    return section


def _is_count(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or value == SUPPRESSED


@dataclass
class Dashboard:
    area: Area | None
    sections: list[Section]

    @property
    def title(self) -> str:
        return (
            f"{self.area.name} governance dashboard"
            if self.area is not None
            else "National governance dashboard"
        )


Stats = dict[str, dict[str, Any] | None]  # section key -> the selector's raw figures (or None)
Path = tuple[str, ...]
SECTIONS = ("scrutiny", "dropins")


def _counts(value: Any, path: Path) -> list[Path]:
    """Every count under a raw figure (a count, or a dict of counts, or of dicts of counts)."""
    if isinstance(value, dict):
        return [
            p
            for name, inner in value.items()
            if not (len(path) == 1 and name in IGNORED)
            for p in _counts(inner, (*path, str(name)))
        ]
    return [path] if _is_count(value) else []


def _get(stats: Stats, path: Path) -> Any:
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
        for path in _counts(raw, (section,)):
            table.published[(index, path)] = _get(stats, path)

        def cells(key: str, index: int = index, raw: dict[str, Any] = raw) -> list[tuple[int, Path]]:
            return [(index, p) for p in _counts(raw.get(key), (section, key))] if key in raw else []

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


# Figures are aggregate and, once suppressed, the same for everyone who may see them, so they are
# cached already suppressed (raw counts are never stored): one entry per section holding the
# national figures and every area's. The selectors read every scope at once in a fixed number of
# grouped queries (5, whatever the number of areas) and the suppression audit runs once per change,
# not once per page. The key is safe: it holds no viewer, only the section and the audience the
# section was read for (the redaction policy decides per audience which figures a section has;
# drop-in figures are read only for those the drop-in selector lets through), and it moves on
# whenever a figure can have changed: it digests every scope's realtime sequence number
# (`governance.national` and each `governance.area.<id>`; every service that changes a figure
# publishes to its area's group and the national one inside its transaction), in the areas'
# order, so a new area or a new order moves it too (the entry is a list by position), and the
# date turns "overdue" over at midnight. The expiry bounds staleness from changes that publish
# nothing (a theme or agency renamed, records removed by retention). Which scopes a person gets
# out of an entry is decided after the cache, per request (`visible_scopes`).
FIGURES_CACHE_SECONDS = 60
CACHE_PREFIX = "governance-figures-v3"


def _sections_for(viewer: User) -> dict[str, str]:
    """The sections this viewer may read, each with the audience it is read for."""
    sections: dict[str, str] = {}
    audience = aggregate_audience(viewer)
    if audience is not None:
        sections["scrutiny"] = audience.value
    if can_view_stats(viewer):
        sections["dropins"] = "governance"
    return sections


def _read_sections(*, viewer: User, areas: list[Area], sections: list[str]) -> dict[str, list[Any]]:
    """The selectors' raw figures of each section for the national scope and each area, in that
    order (one grouped read per section)."""
    keys = [None, *(area.pk for area in areas)]
    result: dict[str, list[Any]] = {}
    if "scrutiny" in sections:
        scrutiny = governance_stats_by_scope(viewer=viewer, areas=areas)
        result["scrutiny"] = [scrutiny[key] or None for key in keys]
    if "dropins" in sections:
        dropins = dropin_stats_by_scope(viewer=viewer, areas=areas)
        result["dropins"] = [dropins[key] for key in keys]
    return result


def _group(area: Area | None) -> str:
    return events.governance_area_group(area.pk) if area is not None else events.governance_national_group()


def _cache_key(areas: list[Area]) -> str:
    groups = [_group(None), *(_group(area) for area in areas)]
    sequences = events.current_sequences(groups)  # one query
    versions = ";".join(f"{group}={sequences[group]}" for group in groups)
    digest = hashlib.sha256(versions.encode()).hexdigest()[:32]
    return f"{CACHE_PREFIX}:{digest}:{timezone.localdate().isoformat()}"


def suppressed_scopes(
    *, viewer: User, areas: list[Area] | None = None
) -> tuple[list[Area | None], list[Stats]]:
    """The national figures and every area's, suppressed together (the national figure is the sum
    of the areas', and one person may see all of those pages), so no page can be subtracted from
    another to recover a suppressed count: a section the viewer may not read is None. Every route
    shows figures from this, and only the scopes `visible_scopes` gives the viewer.
    `areas`: every area, by name, when the caller has read them already (one query fewer)."""
    if areas is None:
        areas = all_areas()
    sections = _sections_for(viewer)
    stored: dict[str, Any] = {}
    if sections:
        prefix = _cache_key(areas)
        keys = {section: f"{prefix}:{section}:{audience}" for section, audience in sections.items()}
        cached = cache.get_many(list(keys.values()))
        missing = [section for section, key in keys.items() if key not in cached]
        if missing:
            fresh = _read_sections(viewer=viewer, areas=areas, sections=missing)
            writes = {}
            for section in missing:
                scopes = [{section: stats} for stats in fresh[section]]
                suppress_scopes(scopes)
                writes[keys[section]] = [scope[section] for scope in scopes]
            cache.set_many(writes, FIGURES_CACHE_SECONDS)
            cached.update(writes)
        stored = {section: cached[key] for section, key in keys.items()}
    stats: list[Stats] = [
        {
            section: copy.deepcopy(stored[section][index]) if section in stored else None
            for section in SECTIONS
        }
        for index in range(len(areas) + 1)
    ]
    return [None, *areas], stats


def visible_scopes(viewer: User, areas: list[Area]) -> list[Area | None]:
    """The scopes (None: national) whose figures this viewer may fetch, on any route."""
    national: list[Area | None] = [None] if permissions.can_view_national_figures(viewer) else []
    return national + [area for area in areas if permissions.can_view_area_figures(viewer, area.pk)]


def all_areas() -> list[Area]:
    from agencies.models import Area

    return list(Area.objects.order_by("name"))


def dashboard_from(area: Area | None, stats: Stats) -> Dashboard:
    return Dashboard(
        area=area,
        sections=[
            _section("scrutiny", "Scrutiny panels", stats["scrutiny"]),
            _section("dropins", "ISVA drop-in sessions", stats["dropins"]),
        ],
    )


def _scope_stats(scopes: list[Area | None], stats: list[Stats], area: Area | None) -> Stats | None:
    wanted = area.pk if area is not None else None
    for scope, scope_stats in zip(scopes, stats, strict=True):
        if (scope.pk if scope is not None else None) == wanted:
            return scope_stats
    return None


def figures_for(*, viewer: User, area: Area | None, areas: list[Area] | None = None) -> Stats:
    """One scope's suppressed figures, taken from the publication of every scope. The caller has
    checked the viewer may see this scope (`visible_scopes`)."""
    scopes, stats = suppressed_scopes(viewer=viewer, areas=areas)
    found = _scope_stats(scopes, stats, area)
    if found is None and areas is not None:
        # An area created since the list was read: read the list again, so that it is suppressed
        # together with the others (on its own it could be subtracted from the national figure).
        scopes, stats = suppressed_scopes(viewer=viewer)
        found = _scope_stats(scopes, stats, area)
    return found if found is not None else dict.fromkeys(SECTIONS)  # the area has gone


def dashboard_for(*, viewer: User, area: Area | None, areas: list[Area] | None = None) -> Dashboard:
    """Everything the dashboard shows, read as the viewer. The caller has checked the viewer may
    see this dashboard (scrutiny.governance.permissions). `areas`: as for `suppressed_scopes`."""
    return dashboard_from(area, figures_for(viewer=viewer, area=area, areas=areas))


def api_figures(*, viewer: User, area: Area | None, areas: list[Area] | None = None) -> dict[str, Any]:
    """The JSON API's scrutiny figures for one scope: the selector's shape, every suppressed count
    reading "suppressed". The caller has checked the scope (`visible_scopes`)."""
    stats = figures_for(viewer=viewer, area=area, areas=areas)["scrutiny"]
    if stats is None:
        return {}
    return {**stats, "area": area.name if area is not None else None, "suppressed_below": SUPPRESS_BELOW}


NATIONAL_LABEL = "England and Wales"


def scope_label(area: Area | None) -> str:
    return area.name if area is not None else NATIONAL_LABEL


def aggregate_rows(*, viewer: User) -> list[tuple[str, str, str, str, int | float | str]]:
    """`/scrutiny/figures.csv|xlsx`: the scrutiny figures of every scope the viewer may fetch, as
    (scope, section, measure, breakdown, value) rows, suppressed as everywhere else."""
    areas = all_areas()
    scopes, stats = suppressed_scopes(viewer=viewer, areas=areas)
    by_scope = {(s.pk if s is not None else None): st for s, st in zip(scopes, stats, strict=True)}
    rows: list[tuple[str, str, str, str, int | float | str]] = []
    for scope in visible_scopes(viewer, areas):
        scope_stats = by_scope[scope.pk if scope is not None else None]
        dashboard = dashboard_from(scope, {"scrutiny": scope_stats["scrutiny"], "dropins": None})
        rows.extend((scope_label(scope), *row) for row in export_rows(dashboard))
    return rows


def export_rows(dashboard: Dashboard) -> list[tuple[str, str, str, int | float | str]]:
    """Aggregate rows for evaluators: (section, measure, breakdown, value), suppressed the same way."""
    rows: list[tuple[str, str, str, int | float | str]] = []
    for section in dashboard.sections:
        if not section.available:
            continue
        for _, label, cell in section.figures:
            rows.append((section.title, label, "", cell.export_value))
        for breakdown in section.breakdowns:
            for name, cells in breakdown.rows:
                for column, cell in zip(breakdown.columns, cells, strict=True):
                    detail = name if len(breakdown.columns) == 1 else f"{name}: {column}"
                    rows.append((section.title, breakdown.title, detail, cell.export_value))
    return rows
