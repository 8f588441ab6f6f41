"""bench/page_ratios.py's interleaving and statistics (the timings themselves are never asserted)."""

from __future__ import annotations

import math

import pytest

from bench import page_ratios as pr


def test_every_target_is_paired_with_the_baseline_once_per_round_alternating_who_goes_first() -> None:
    plan = list(pr.schedule(["x", "y"], 3))
    assert plan == [
        (0, "x", ("A", "B")),
        (0, "y", ("A", "B")),
        (1, "x", ("B", "A")),
        (1, "y", ("B", "A")),
        (2, "x", ("A", "B")),
        (2, "y", ("A", "B")),
    ]


def test_no_rounds_no_pairs() -> None:
    assert list(pr.schedule(["x"], 0)) == []


def test_summary_is_the_median_and_range_of_the_rounds() -> None:
    summary = pr.summarise([0.5, 0.2, 0.4, 0.3, 0.9])
    assert (summary.median, summary.low, summary.high, summary.count) == (0.4, 0.2, 0.9, 5)
    assert summary.spread == pytest.approx((0.9 - 0.2) / 0.4)


def test_rounds_where_a_side_answered_nothing_are_left_out() -> None:
    summary = pr.summarise([pr.ratio(10, 0), 0.5, 0.7])
    assert (summary.median, summary.count) == (0.6, 2)
    empty = pr.summarise([pr.ratio(1, 0)])
    assert empty.count == 0 and math.isnan(empty.median)
    assert pr.verdict(empty, 0.2) == ">= 0.2x ?"


def test_ratio_to_the_reference_is_taken_round_by_round() -> None:
    # The machine got slower in round 2 (both ratios halve): the page against the reference does not.
    assert pr.relative([0.4, 0.2], [0.8, 0.4]) == [0.5, 0.5]
    with pytest.raises(ValueError, match="one ratio per round"):
        pr.relative([0.4], [0.8, 0.4])


def test_verdict_compares_the_median_with_issue_18s_target() -> None:
    assert pr.verdict(pr.summarise([0.25, 0.19, 0.3]), pr.TARGET_SIGNED_IN) == ">= 0.2x ok"
    assert pr.verdict(pr.summarise([0.9, 1.1, 0.95]), pr.TARGET_CACHED) == ">= 1.0x MISS"
    assert pr.verdict(pr.summarise([1.0]), None) == "reference"


def test_the_plan_covers_issue_18s_pages_with_their_targets() -> None:
    plan = pr.targets({"case": "/scrutiny/cases/7/"}, panel_id=3)
    by_label = {t.label: t for t in plan}
    assert by_label["home, cached"].target == 1.0
    assert by_label["home, uncached"].target == 0.3
    assert "{n}" in by_label["home, uncached"].path  # a new URL per request: never the shared copy
    assert by_label["case list"].path == "/scrutiny/panels/3/cases/"
    assert by_label[pr.FULL_STACK_MINIMAL].target is None
    signed_in = [t for t in plan if t.who != "signed out"]
    assert {t.label for t in signed_in} == {
        "ISVA home",
        "drop-in listing",
        "my bookings",
        "case list",
        "case review",
        "governance dashboard",
    }
    assert {t.target for t in signed_in} == {0.2}
