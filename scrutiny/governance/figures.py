"""Dashboard figures: read through the drop-in and scrutiny selectors (the only doors to their
data), apply the suppression rule, and shape them for the page, the SVG charts and the exports.
This is the one place figures are suppressed: pages, the live fragment, charts, data tables and the
CSV/XLSX exports all come from `dashboard_for` / `dashboards_for_export`.

Suppression (the documented rule; `suppress_scopes` applies it):
1. Primary: any count from 1 to 4 is suppressed (zero is shown: it discloses nobody). Counts that
   arrive already suppressed (the scrutiny selector marks them "<5" for evaluators) stay so.
2. Secondary: figures that add up to the same thing form a group (`EQUATIONS`: findings by theme
   and findings by type both add up to all findings; the agreed-score distribution adds up to
   cases reviewed; seats taken is the sum of bookings by topic; and a national count is the sum of
   the areas' counts, so the national figures and every area's are suppressed together for every
   page and export: one person may see them all, and subtract one page from the others).
   Wherever exactly one figure of a group is suppressed, it could be worked out by subtraction, so
   the smallest other non-zero figure of the group is suppressed too; repeated until no group has
   exactly one suppressed figure.
3. Every suppressed figure reads the same ("suppressed"), so no one can tell which were small.
4. A rate is withheld when any count of the same source is suppressed, so it cannot be used to
   work a suppressed count back out.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils import timezone

from agencies import events
from agencies.dropins.selectors import dropin_stats_by_scope
from agencies.permissions import Perm, has
from scrutiny.selectors import governance_stats_by_scope

if TYPE_CHECKING:
    from agencies.models import Area, User

SUPPRESS_BELOW = 5
SUPPRESSED_TEXT = "suppressed"
SUPPRESSED = "<5"  # the marker a suppressed count carries in the raw figures (as the selectors use)

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
        return Cell(None)  # "<5" or anything that is not a plain count
    return Cell(None) if 0 < value < SUPPRESS_BELOW else Cell(value)


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
    return (isinstance(value, int) and not isinstance(value, bool)) or value == "<5"


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


# Groups of figures that add up to the same total (see the module docstring). Each entry is a list
# of (section, key) whose counts, taken together, form one group: a key naming a dict stands for
# every count in it.
EQUATIONS: list[list[tuple[str, str]]] = [
    [("scrutiny", "findings_by_theme"), ("scrutiny", "findings_by_kind")],
    [("scrutiny", "cases_reviewed"), ("scrutiny", "score_distribution")],
    [("dropins", "confirmed"), ("dropins", "topics")],
]

Stats = dict[str, dict[str, Any] | None]  # section key -> the selector's raw figures (or None)
Path = tuple[str, ...]


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


def _groups(scopes: list[Stats]) -> list[list[tuple[int, Path]]]:
    groups: list[list[tuple[int, Path]]] = []
    for index, stats in enumerate(scopes):
        for equation in EQUATIONS:
            members = [
                (index, p)
                for section, key in equation
                for p in _counts(_get(stats, (section, key)), (section, key))
            ]
            if members:
                groups.append(members)
    if len(scopes) > 1:
        # The first scope is the sum of the others (national = the areas): per count, one group.
        for path in {p for stats in scopes for section, v in stats.items() for p in _counts(v, (section,))}:
            groups.append(
                [(index, path) for index in range(len(scopes)) if _is_count(_get(scopes[index], path))]
            )
    return groups


def suppress_scopes(scopes: list[Stats]) -> None:
    """Apply primary and secondary suppression, in place, to the raw figures of one or more scopes
    shown together (with several, the first is the total of the others)."""

    def suppressed(index: int, path: Path) -> bool:
        return count_cell(_get(scopes[index], path)).suppressed

    for index, stats in enumerate(scopes):
        for section, value in stats.items():
            for path in _counts(value, (section,)):
                if suppressed(index, path):
                    _set(scopes[index], path, SUPPRESSED)
    groups = _groups(scopes)
    changed = True
    while changed:
        changed = False
        for group in groups:
            hidden = [member for member in group if suppressed(*member)]
            if len(hidden) != 1:
                continue
            shown = [
                (_get(scopes[i], p), n, (i, p)) for n, (i, p) in enumerate(group) if not suppressed(i, p)
            ]
            candidates = [c for c in shown if c[0] > 0]
            if candidates:
                _, _, (i, p) = min(candidates)
                _set(scopes[i], p, SUPPRESSED)
                changed = True


# Figures are aggregate and the same for everyone who may see a dashboard (the governance audience),
# so they are cached for that audience: one entry holding the national figures and every area's.
# The selectors read every scope at once in a fixed number of grouped queries (5, whatever the
# number of areas), so re-reading them all after a change costs no more than re-reading one scope
# did (9); one entry means one cache read per page and no per-scope bookkeeping.
# The key is safe: it holds no viewer (suppression runs after the cache, and the cached figures are
# only ever read for the governance audience; anyone else reads the selectors as themselves,
# uncached), and it moves on whenever a figure can have changed: it digests every scope's realtime
# sequence number (`governance.national` and each `governance.area.<id>`; every service that
# changes a figure publishes to its area's group and the national one inside its transaction), in
# the areas' order, so a new area or a new order moves it too (the entry is a list by position),
# and the date turns "overdue" over at midnight. The expiry bounds staleness from changes that
# publish nothing (a theme or agency renamed, records removed by retention).
FIGURES_CACHE_SECONDS = 60
CACHE_PREFIX = "governance-figures-v2"


def _read_scopes(*, viewer: User, areas: list[Area]) -> list[Stats]:
    """The selectors' figures for the national scope and each area, in that order (one grouped read)."""
    scrutiny = governance_stats_by_scope(viewer=viewer, areas=areas)
    dropins = dropin_stats_by_scope(viewer=viewer, areas=areas)
    return [
        {"scrutiny": scrutiny[key] or None, "dropins": dropins[key]}
        for key in [None, *(area.pk for area in areas)]
    ]


def _group(area: Area | None) -> str:
    return events.governance_area_group(area.pk) if area is not None else events.governance_national_group()


def _cache_key(areas: list[Area]) -> str:
    groups = [_group(None), *(_group(area) for area in areas)]
    sequences = events.current_sequences(groups)  # one query
    versions = ";".join(f"{group}={sequences[group]}" for group in groups)
    digest = hashlib.sha256(versions.encode()).hexdigest()[:32]
    return f"{CACHE_PREFIX}:{digest}:{timezone.localdate().isoformat()}"


def raw_stats_all(*, viewer: User, areas: list[Area]) -> list[Stats]:
    """The selectors' figures for the national scope and each area (in that order), read as the
    viewer, before suppression: from the cache when no scope has changed since they were read."""
    if not has(viewer, Perm.VIEW_GOVERNANCE):
        return _read_scopes(viewer=viewer, areas=areas)  # another audience: never cached
    key = _cache_key(areas)
    stats = cache.get(key)
    if stats is None:
        stats = _read_scopes(viewer=viewer, areas=areas)
        cache.set(key, stats, FIGURES_CACHE_SECONDS)
    return copy.deepcopy(stats)  # suppression works in place


def suppressed_scopes(
    *, viewer: User, areas: list[Area] | None = None
) -> tuple[list[Area | None], list[Stats]]:
    """The national figures and every area's, suppressed together (the national figure is the sum
    of the areas', and one person may see all of those pages), so no page can be subtracted from
    another to recover a suppressed count. Every dashboard and export shows figures from this.
    `areas`: every area, by name, when the caller has read them already (one query fewer)."""
    if areas is None:
        areas = all_areas()
    stats = raw_stats_all(viewer=viewer, areas=areas)
    suppress_scopes(stats)
    return [None, *areas], stats


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


def dashboard_for(*, viewer: User, area: Area | None, areas: list[Area] | None = None) -> Dashboard:
    """Everything the dashboard shows, read as the viewer. The caller has checked the viewer may
    see this dashboard (scrutiny.governance.permissions). `areas`: as for `suppressed_scopes`."""
    scopes, stats = suppressed_scopes(viewer=viewer, areas=areas)
    wanted = area.pk if area is not None else None
    for scope, scope_stats in zip(scopes, stats, strict=True):
        if (scope.pk if scope is not None else None) == wanted:
            return dashboard_from(area, scope_stats)
    # An area created since the list was read (the national scope is always in it): on its own, it
    # cannot be subtracted from anything.
    single = _read_scopes(viewer=viewer, areas=[area] if area is not None else [])[-1]
    suppress_scopes([single])
    return dashboard_from(area, single)


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
