"""The shapes figures are shown in: labels, cells, charts, breakdowns, sections, dashboards."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scrutiny.governance import suppression

if TYPE_CHECKING:
    from agencies.models import Area


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


def section_for(key: str, title: str, stats: dict[str, Any] | None) -> Section:
    if stats is None:
        return Section(key=key, title=title, available=False)
    section = Section(key=key, title=title, available=True)
    any_suppressed = any(
        count_cell(v).suppressed for k, v in stats.items() if k not in IGNORED and is_count(v)
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
        elif is_count(value):
            section.figures.append((name, label_for(name), count_cell(value)))
    return section


def is_count(value: Any) -> bool:
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
