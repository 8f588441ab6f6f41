"""Suppression and shaping of dashboard figures (no database)."""

from __future__ import annotations

from scrutiny.governance import figures
from scrutiny.governance.figures import SUPPRESSED_TEXT, Cell, count_cell


def test_counts_from_one_to_four_are_suppressed_zero_and_five_are_not() -> None:
    assert [count_cell(n).display for n in (0, 1, 4, 5, 1234)] == [
        "0",
        SUPPRESSED_TEXT,
        SUPPRESSED_TEXT,
        "5",
        "1,234",
    ]
    assert count_cell("<5").suppressed
    assert count_cell(True).suppressed  # not a count


def test_a_rate_is_withheld_when_any_count_of_its_source_is_suppressed() -> None:
    shown = figures._section("d", "D", {"seats": 20, "confirmed": 10, "utilisation": 0.5})
    assert [(k, c.display) for k, _, c in shown.figures] == [
        ("seats", "20"),
        ("confirmed", "10"),
        ("utilisation", "50%"),
    ]
    withheld = figures._section("d", "D", {"seats": 20, "confirmed": 3, "utilisation": 0.15})
    assert [(k, c.display) for k, _, c in withheld.figures] == [
        ("seats", "20"),
        ("confirmed", SUPPRESSED_TEXT),
        ("utilisation", SUPPRESSED_TEXT),
    ]


def test_breakdowns_and_the_owner_agency_matrix_are_suppressed_cell_by_cell() -> None:
    section = figures._section(
        "scrutiny",
        "Scrutiny",
        {
            "area": "CPS Test North",
            "cases_reviewed": 12,
            "score_distribution": {"1": 0, "2": 3, "3": 6, "4": "<5"},
            "actions_by_owner_agency": {"Police A": {"open": 7, "overdue": 2, "closed": 0}},
        },
    )
    assert [(k, c.display) for k, _, c in section.figures] == [("cases_reviewed", "12")]
    scores, owners = section.breakdowns
    assert [(name, cells[0].display) for name, cells in scores.rows] == [
        ("Score 1", "0"),
        ("Score 2", SUPPRESSED_TEXT),
        ("Score 3", "6"),
        ("Score 4", SUPPRESSED_TEXT),
    ]
    assert owners.columns == ["Open", "Overdue", "Closed"]
    assert [(n, [c.display for c in cells]) for n, cells in owners.rows] == [
        ("Police A", ["7", SUPPRESSED_TEXT, "0"])
    ]
    # The chart draws no bar for a suppressed or zero count and labels it in words.
    bars = {(b.series, b.cell.display): b.width for b in owners.chart.bars}
    assert bars[("Open", "7")] == 360 and bars[("Overdue", SUPPRESSED_TEXT)] == 0


def test_export_rows_carry_the_same_suppression() -> None:
    dashboard = figures.Dashboard(
        area=None,
        sections=[
            figures._section("dropins", "Drop-ins", {"seats": 2, "topics": {"process": 9}}),
            figures.Section(key="scrutiny", title="Scrutiny", available=False),
        ],
    )
    assert figures.export_rows(dashboard) == [
        ("Drop-ins", "Seats offered", "", SUPPRESSED_TEXT),
        ("Drop-ins", "Drop-in bookings by topic", "Process", 9),
    ]


def test_cells_render_rates_as_percentages() -> None:
    assert Cell(0.4567, is_rate=True).display == "46%"
    assert Cell(None, is_rate=True).export_value == SUPPRESSED_TEXT
