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
    assert count_cell("<5").suppressed and count_cell(figures.SUPPRESSED).suppressed
    assert count_cell(True).suppressed  # not a count


def test_a_rate_is_withheld_when_any_count_of_its_source_is_suppressed() -> None:
    shown = figures.dashboard.section_for("d", "D", {"seats": 20, "confirmed": 10, "utilisation": 0.5})
    assert [(k, c.display) for k, _, c in shown.figures] == [
        ("seats", "20"),
        ("confirmed", "10"),
        ("utilisation", "50%"),
    ]
    withheld = figures.dashboard.section_for("d", "D", {"seats": 20, "confirmed": 3, "utilisation": 0.15})
    assert [(k, c.display) for k, _, c in withheld.figures] == [
        ("seats", "20"),
        ("confirmed", SUPPRESSED_TEXT),
        ("utilisation", SUPPRESSED_TEXT),
    ]


def test_breakdowns_and_the_owner_agency_matrix_are_suppressed_cell_by_cell() -> None:
    section = figures.dashboard.section_for(
        "scrutiny",
        "Scrutiny",
        {
            "area": "CPS Test North",
            "cases_reviewed": 12,
            "score_distribution": {"1": 0, "2": 3, "3": 6, "4": figures.SUPPRESSED},
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
            figures.dashboard.section_for("dropins", "Drop-ins", {"seats": 2, "topics": {"process": 9}}),
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


# --- Secondary suppression ------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from scrutiny.governance.figures import SUPPRESSED, suppress_scopes  # noqa: E402


def test_a_lone_suppressed_topic_takes_the_next_smallest_with_it() -> None:
    stats = {"scrutiny": None, "dropins": {"confirmed": 23, "topics": {"a": 3, "b": 12, "c": 8, "d": 0}}}
    suppress_scopes([stats])
    # 23 - 12 - 8 - 0 would give "a" back: the smallest other non-zero count (8) goes too.
    assert stats["dropins"]["topics"] == {"a": SUPPRESSED, "b": 12, "c": SUPPRESSED, "d": 0}
    assert stats["dropins"]["confirmed"] == 23


def test_when_the_rest_of_a_group_is_zero_the_total_is_suppressed() -> None:
    stats = {"scrutiny": None, "dropins": {"confirmed": 2, "topics": {"a": 0, "b": 2}, "seats": 40}}
    suppress_scopes([stats])
    # b alone would be pinned by the total, and the total by b: both go, and 40 stays.
    assert stats["dropins"] == {"confirmed": SUPPRESSED, "topics": {"a": 0, "b": SUPPRESSED}, "seats": 40}
    stats = {"scrutiny": None, "dropins": {"confirmed": 9, "topics": {"a": 2, "b": 0, "c": 7}}}
    suppress_scopes([stats])
    assert stats["dropins"] == {"confirmed": 9, "topics": {"a": SUPPRESSED, "b": 0, "c": SUPPRESSED}}


def test_two_small_cells_that_add_up_to_two_are_not_enough() -> None:
    """The integer-bounds attack: "a + b = 2" with both suppressed (so both at least 1) gives
    a = b = 1. A third cell must go, so that the suppressed cells are not all ones."""
    stats = {"scrutiny": None, "dropins": {"confirmed": 12, "topics": {"a": 1, "b": 1, "c": 10}}}
    suppress_scopes([stats])
    topics = stats["dropins"]["topics"]
    assert topics["a"] == topics["b"] == SUPPRESSED
    assert SUPPRESSED in (topics["c"], stats["dropins"]["confirmed"])


def test_a_national_block_is_protected_against_its_areas() -> None:
    national = {"scrutiny": None, "dropins": {"sessions_offered": 20}}
    areas = [{"scrutiny": None, "dropins": {"sessions_offered": n}} for n in (3, 9, 8)]
    suppress_scopes([national, *areas])
    assert [a["dropins"]["sessions_offered"] for a in areas] == [SUPPRESSED, 9, SUPPRESSED]
    assert national["dropins"]["sessions_offered"] == 20


def test_a_small_difference_nobody_prints_is_protected_too() -> None:
    """Open 7 and overdue 5 would give 2 actions open but not overdue: one of them goes."""
    stats = {
        "scrutiny": {"actions_by_owner_agency": {"Police A": {"open": 7, "overdue": 5, "closed": 9}}},
        "dropins": None,
    }
    suppress_scopes([stats])
    row = stats["scrutiny"]["actions_by_owner_agency"]["Police A"]
    assert SUPPRESSED in (row["open"], row["overdue"]) and row["closed"] == 9


def test_the_no_area_remainder_is_protected() -> None:
    """Nationally 12 sessions, the areas 5 and 5: the 2 at host agencies with no area would show."""
    national = {"scrutiny": None, "dropins": {"sessions_offered": 12}}
    areas = [{"scrutiny": None, "dropins": {"sessions_offered": 5}} for _ in range(2)]
    suppress_scopes([national, *areas])
    shown = [s["dropins"]["sessions_offered"] for s in (national, *areas)]
    assert SUPPRESSED in shown


COUNT = st.one_of(st.integers(0, 6), st.integers(0, 40))


@st.composite
def scope_stats(draw):
    """One scope's raw figures, internally consistent as the selectors' are."""
    themes = draw(st.lists(COUNT, min_size=1, max_size=4))
    total = sum(themes)
    cut_a, cut_b = sorted(draw(st.lists(st.integers(0, total), min_size=2, max_size=2)))
    scores = draw(st.lists(COUNT, min_size=4, max_size=4))
    topics = draw(st.lists(COUNT, min_size=1, max_size=5))
    owners = draw(st.lists(st.tuples(COUNT, COUNT, COUNT), max_size=3))
    held = sum(topics)
    attended = draw(st.integers(0, held))
    return {
        "scrutiny": {
            "area": None,
            # A case scored at two meetings counts once: up to 2 fewer cases than scores, never 0 of
            # them where something was scored.
            "cases_reviewed": sum(scores) - draw(st.integers(0, max(0, min(2, sum(scores) - 1)))),
            "score_distribution": {str(i + 1): n for i, n in enumerate(scores)},
            "findings_by_theme": {f"Theme {i}": n for i, n in enumerate(themes)},
            "findings_by_kind": {"good_practice": cut_a, "learning": cut_b - cut_a, "concern": total - cut_b},
            "actions_by_owner_agency": {
                f"Agency {i}": {"open": o, "overdue": min(o, d), "closed": c}
                for i, (o, d, c) in enumerate(owners)
            },
        },
        "dropins": {
            "area_id": None,
            "sessions_offered": draw(COUNT),
            "seats": draw(COUNT),
            "confirmed": held,
            "attended": attended,
            "no_shows": draw(st.integers(0, held - attended)),
            "utilisation": 0.5,
            "topics": {f"topic{i}": n for i, n in enumerate(topics)},
        },
    }


def _add(a, b):
    if a is None or b is None:
        return b if a is None else a
    if isinstance(a, dict):
        return {k: _add(a.get(k), b.get(k)) for k in {*a, *b}}
    return a + b if isinstance(a, int) and isinstance(b, int) else a


@settings(max_examples=30, deadline=None)
@given(areas=st.lists(scope_stats(), min_size=1, max_size=3), extra=st.integers(0, 3))
def test_no_suppressed_count_can_be_reconstructed(areas, extra) -> None:
    """Property: the reconstruction attack of tests/governance/test_reconstruction_attack.py (an
    integer programme over every relation a reader knows) pins no suppressed count and no small
    derived count, on the figures themselves (national and every area, with `extra` sessions at
    host agencies with no area); every count from 1 to 4 is suppressed; values are only ever
    suppressed, never changed; and the page and the export print the same."""
    import copy

    from scrutiny.governance.figures.suppress import counts_under, path_value
    from tests.governance.test_reconstruction_attack import NATIONAL, Knowledge, _from_api, attack

    national = areas[0]
    for other in areas[1:]:
        national = {
            "scrutiny": {**_add(national["scrutiny"], other["scrutiny"]), "area": None},
            "dropins": {**_add(national["dropins"], other["dropins"]), "utilisation": 0.5, "area_id": None},
        }
    national = copy.deepcopy(national)
    national["dropins"]["sessions_offered"] += extra
    scopes = [national, *copy.deepcopy(areas)] if len(areas) > 1 else [national]
    before = copy.deepcopy(scopes)
    suppress_scopes(scopes)

    names = [NATIONAL, *range(1, len(scopes))]
    knowledge, truth = Knowledge(), Knowledge()
    for name, raw, after in zip(names, before, scopes, strict=True):
        for section in ("scrutiny", "dropins"):
            _from_api(truth, name, raw[section])
            _from_api(knowledge, name, after[section])
    assert attack(knowledge, truth.shown, list(names[1:])) == []

    for original, after in zip(before, scopes, strict=True):
        for section in ("scrutiny", "dropins"):
            for path in counts_under(original[section], (section,)):
                raw, shown = path_value(original, path), path_value(after, path)
                assert shown in (SUPPRESSED, raw)
                if 0 < raw < 5:
                    assert shown == SUPPRESSED
    for stats in scopes:
        dashboard = figures.dashboard_from(None, stats)
        values = [v for *_, v in figures.export_rows(dashboard)]
        assert all(v == SUPPRESSED_TEXT or not isinstance(v, int) or v == 0 or v >= 5 for v in values)
