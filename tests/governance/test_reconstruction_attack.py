"""The reconstruction attack (issue 13, point 5): an intruder who holds every aggregate figure their
audience can fetch, through the real routes, tries to solve for the suppressed ones.

For seeded random worlds (several areas, a host agency with no area, cases scored at several
meetings, findings over themes and kinds, actions open/overdue/closed, bookings in every status),
each audience signs in and collects what it can: the JSON API for the national scope and for every
area id (refusals are simply not data), `/scrutiny/figures.csv` and `.xlsx`, and for governance members
the dashboards' evaluation export. Figures from every route are merged; a number shown anywhere is
known. The attacker then knows, as linear constraints over the cells:

- a national figure is the sum of the areas' (plus, for drop-ins, host agencies with no area: an
  unknown remainder, unless it is zero, which the attacker is assumed to know);
- the agreed-score distribution adds up to the cases reviewed plus the cases scored more than once
  (the attacker is assumed to know that number exactly);
- findings by theme and findings by type add up to the same total; seats taken is the sum of the
  bookings by topic;
- overdue actions are at most the open ones; attended plus no-shows are at most the seats taken;
- every count is a whole number of at least 0, and a suppressed one is at least 1 (zero is always
  shown); one marked "<5" is at most 4.

With an integer programme (scipy's HiGHS) it finds the smallest and largest value each suppressed
cell can take. Any cell pinned to a single value is a leak; so is any shown count from 1 to 4, and
any derived count from 1 to 4 that is pinned (open but not overdue, a no-area remainder, seats
taken but neither attended nor missed).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import random
import re
from collections import defaultdict
from typing import Any

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from scipy.optimize import LinearConstraint, milp

from agencies.dropins.selectors import dropin_stats_by_scope
from agencies.models import Agency, AgencyKind, Area
from agencies.roles import Role
from scrutiny.governance.figures import LABELS
from scrutiny.models import ActionStatus, FindingKind
from scrutiny.selectors import governance_stats_by_scope
from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, AreaFactory, UserFactory
from tests.factories.content import ThemeFactory
from tests.factories.scrutiny import (
    ActionFactory,
    AgendaItemFactory,
    CaseFactory,
    FindingFactory,
    MeetingFactory,
    PanelFactory,
)
from tests.governance.test_grouped_figures import _build_world

pytestmark = pytest.mark.django_db

NATIONAL = "national"
Key = tuple[Any, ...]  # (scope, family, *category): scope is NATIONAL or an area id

# --- What the attacker fetches ---------------------------------------------------------------------


class Knowledge:
    def __init__(self) -> None:
        self.shown: dict[Key, int] = {}
        self.hidden: dict[Key, int | None] = {}  # upper bound when a route said "<5"
        self.conflicts: list[tuple[Key, Any, Any]] = []
        self.routes: dict[str, int] = defaultdict(int)  # route -> figures read from it

    def add(self, key: Key, value: Any) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            if key in self.shown and self.shown[key] != value:
                self.conflicts.append((key, self.shown[key], value))
            self.shown[key] = value
            self.hidden.pop(key, None)
        elif isinstance(value, float) and value.is_integer():
            self.add(key, int(value))
        elif key not in self.shown:
            bound = 4 if str(value).strip() == "<5" else None
            previous = self.hidden.get(key, None)
            self.hidden[key] = bound if previous is None else min(previous, bound or previous)

    def scopes(self) -> set[Any]:
        return {key[0] for key in [*self.shown, *self.hidden]}


def _from_api(knowledge: Knowledge, scope: Any, data: dict[str, Any]) -> None:
    """The API's figures (the selector's shape: counts, dicts of counts, the actions matrix)."""
    for name, value in data.items():
        if name in {"area", "area_id", "suppressed_below", "scope", "utilisation"}:
            continue
        family = _FAMILY.get(name, name)
        if isinstance(value, dict):
            for category, inner in value.items():
                if isinstance(inner, dict):
                    for column, count in inner.items():
                        knowledge.add((scope, family, category, column), count)
                else:
                    knowledge.add((scope, family, str(category)), inner)
        else:
            knowledge.add((scope, family), value)


_FAMILY = {
    "score_distribution": "score",
    "findings_by_theme": "theme",
    "findings_by_kind": "kind",
    "actions_by_owner_agency": "action",
    "topics": "topic",
}
_BY_LABEL = {label: key for key, label in LABELS.items()}


def _humanised(value: str) -> str:
    return value.replace("_", " ").strip().capitalize()


def _from_rows(knowledge: Knowledge, rows: list[list[Any]], scope_of: dict[str, Any]) -> None:
    """Rows of (scope, section, measure, breakdown, value), as the evaluation exports print them."""
    kinds = {_humanised(kind): kind for kind in FindingKind.values}
    for scope_label, _section, measure, breakdown, value in rows:
        scope = scope_of[str(scope_label)]
        key = _BY_LABEL.get(str(measure))
        if key is None:
            continue
        family = _FAMILY.get(key, key)
        if key == "utilisation":
            continue
        detail = "" if breakdown is None else str(breakdown)
        if family == "score":
            knowledge.add((scope, family, detail.removeprefix("Score ")), value)
        elif family == "kind":
            knowledge.add((scope, family, kinds.get(detail, detail)), value)
        elif family == "topic":
            knowledge.add((scope, family, detail.lower().replace(" ", "_")), value)
        elif family == "action":
            agency, column = detail.rsplit(": ", 1)
            knowledge.add((scope, family, agency, column.lower()), value)
        elif family == "theme":
            knowledge.add((scope, family, detail), value)
        else:
            knowledge.add((scope, family), value)


def _value(text: str) -> Any:
    text = (text or "").strip().replace(",", "")
    return int(text) if re.fullmatch(r"\d+", text) else text


def _html_rows(page: str, scope_label: str) -> list[list[Any]]:
    """A dashboard's figures (summary lists and data tables) as export rows."""
    rows: list[list[Any]] = []
    for label, value in re.findall(
        r'<dt class="govuk-summary-list__key">([^<]*)</dt>\s*<dd class="govuk-summary-list__value" '
        r'data-figure="\w+">([^<]*)</dd>',
        page,
    ):
        rows.append([scope_label, "", html.unescape(label), "", _value(value)])
    for table in re.findall(r'<table class="govuk-table" data-breakdown="\w+">(.*?)</table>', page, re.S):
        title = html.unescape(re.search(r"<caption[^>]*>(.*?): data table</caption>", table, re.S).group(1))
        columns = [
            html.unescape(c) for c in re.findall(r'<th scope="col" class="[^"]*--numeric">(.*?)</th>', table)
        ]
        for name, cells in re.findall(
            r'<th scope="row" class="govuk-table__header">(.*?)</th>(.*?)</tr>', table, re.S
        ):
            values = re.findall(r"<td[^>]*>(.*?)</td>", cells)
            for column, value in zip(columns, values, strict=True):
                detail = html.unescape(name) if len(columns) == 1 else f"{html.unescape(name)}: {column}"
                rows.append([scope_label, "", title, detail, _value(value)])
    return rows


def _csv_rows(body: bytes) -> list[list[Any]]:
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return [[*row[:-1], _value(row[-1])] for row in lines if row]


def collect(user: Any, *, callbacks: Any) -> Knowledge:
    """Everything `user` can fetch, through the real routes."""
    client = signed_in_client(user)
    knowledge = Knowledge()
    areas = list(Area.objects.order_by("name"))
    scope_of: dict[str, Any] = {"England and Wales": NATIONAL, "": NATIONAL}
    scope_of.update({area.name: area.pk for area in areas})
    api = reverse("api-v1:scrutiny_figures")
    for scope, query in [(NATIONAL, {}), *((area.pk, {"area_id": area.pk}) for area in areas)]:
        response = client.get(api, query)
        if response.status_code == 200:
            knowledge.routes["api"] += 1
            _from_api(knowledge, scope, response.json())
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("scrutiny:aggregate-export", args=[fmt]))
        if response.status_code != 200:
            continue
        if fmt == "csv":
            rows = _csv_rows(response.content)
        else:
            sheet = load_workbook(io.BytesIO(response.content)).active
            rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
        knowledge.routes[f"figures.{fmt}"] += len(rows)
        _from_figures_file(knowledge, rows, scope_of)
    for scope, url in [(None, reverse("governance:national-figures"))] + [
        (area, reverse("governance:area-figures", args=[area.pk])) for area in areas
    ]:
        response = client.get(url)  # the live fragment: what the page and every WebSocket frame show
        if response.status_code == 200:
            label = "England and Wales" if scope is None else scope.name
            rows = _html_rows(response.content.decode(), label)
            knowledge.routes["dashboard"] += len(rows)
            _from_rows(knowledge, rows, scope_of)
    for url in [reverse("governance:national-export")] + [
        reverse("governance:area-export", args=[area.pk]) for area in areas
    ]:
        with callbacks(execute=True):
            response = client.post(url, {"format": "csv"})
        if response.status_code != 302 or "/exports/" not in response["Location"]:
            continue
        job_id = int(response["Location"].rstrip("/").split("/")[-1])
        download = client.get(reverse("governance:export-download", args=[job_id]))
        if download.status_code == 200:
            knowledge.routes["export"] += 1
            _from_rows(knowledge, _csv_rows(download.content)[1:], scope_of)
    return knowledge


def _from_figures_file(knowledge: Knowledge, rows: list[list[Any]], scope_of: dict[str, Any]) -> None:
    """`/scrutiny/figures.csv|xlsx`: after the watermark, either the export rows (scope, section,
    measure, breakdown, value) or, as it was, (figure, group, measure, count) for the nation."""
    header = [str(v) for v in rows[1]] if len(rows) > 1 else []
    body = rows[2:]
    if header[:1] == ["figure"]:
        for figure, group, measure, count in (r[:4] for r in body):
            family = _FAMILY.get(str(figure), str(figure))
            if figure == "cases_reviewed":
                knowledge.add((NATIONAL, family), _value(str(count)))
            elif figure == "actions_by_owner_agency":
                knowledge.add((NATIONAL, family, str(group), str(measure)), _value(str(count)))
            else:
                knowledge.add((NATIONAL, family, str(group)), _value(str(count)))
    else:
        _from_rows(knowledge, [[*r[:4], _value(str(r[4]))] for r in body], scope_of)


# --- What the attacker knows besides, and the solver -------------------------------------------------


def ground_truth(governance_member: Any) -> dict[Key, int]:
    """Every cell's true value (read as a national governance member, before any suppression)."""
    areas = list(Area.objects.order_by("name"))
    truth: dict[Key, int] = {}
    raw = {"scrutiny": governance_stats_by_scope(viewer=governance_member, areas=areas)}
    raw["dropins"] = dropin_stats_by_scope(viewer=governance_member, areas=areas)
    for section in raw.values():
        for scope_id, stats in section.items():
            scope = NATIONAL if scope_id is None else scope_id
            k = Knowledge()
            _from_api(k, scope, stats)
            truth.update(k.shown)
            assert not k.hidden, "the selectors return raw counts"
    return truth


def attack(knowledge: Knowledge, truth: dict[Key, int], all_area_ids: list[int]) -> list[str]:
    """Leaks: shown counts from 1 to 4, suppressed cells pinned to one value, derived small counts
    pinned. An empty list means the attacker failed."""
    leaks = [f"shown {key}={v}" for key, v in knowledge.shown.items() if 1 <= v <= 4]
    index: dict[Key, int] = {}
    lower: list[float] = []
    upper: list[float] = []

    def var(key: Key, lo: float = 0, hi: float = np.inf) -> int:
        if key not in index:
            index[key] = len(lower)
            lower.append(lo)
            upper.append(hi)
        return index[key]

    for key, bound in knowledge.hidden.items():
        var(key, 1, np.inf if bound is None else bound)

    def term(key: Key) -> tuple[dict[int, float], float]:
        """A cell as (unknown coefficients, constant): shown or missing cells are constants."""
        if key in index:
            return {index[key]: 1.0}, 0.0
        return {}, float(knowledge.shown.get(key, 0))

    rows: list[tuple[dict[int, float], float, float]] = []  # (coefficients, lo, hi) of sum(coef*x)

    def relate(
        plus: list[Key], minus: list[Key], lo: float, hi: float, extra: dict[int, float] | None = None
    ) -> None:
        coefficients, constant = _combine(plus, minus, term, extra)
        if any(coefficients.values()):
            rows.append((dict(coefficients), lo - constant, hi - constant))

    held = knowledge.scopes()
    every = {*knowledge.shown, *knowledge.hidden}

    def cells(scope: Any, family: str) -> list[Key]:
        return sorted((k for k in every if k[0] == scope and k[1] == family), key=repr)

    derived: list[tuple[str, dict[int, float], float, int]] = []  # (name, coefficients, constant, truth)

    for scope in held:
        scores = cells(scope, "score")
        if (scope, "cases_reviewed") in every and scores:
            extra = sum(truth.get(k, 0) for k in scores) - truth.get((scope, "cases_reviewed"), 0)
            relate(scores, [(scope, "cases_reviewed")], extra, extra)
        if cells(scope, "theme") or cells(scope, "kind"):
            relate(cells(scope, "theme"), cells(scope, "kind"), 0, 0)
        if (scope, "confirmed") in every:
            relate(cells(scope, "topic"), [(scope, "confirmed")], 0, 0)
            relate([(scope, "confirmed")], [(scope, "attended"), (scope, "no_shows")], 0, np.inf)
            derived.append(
                _derived(
                    f"{scope} seats taken not attended or missed",
                    [(scope, "confirmed")],
                    [(scope, "attended"), (scope, "no_shows")],
                    term,
                    truth,
                )
            )
        for agency in {k[2] for k in cells(scope, "action")}:
            o, v = (scope, "action", agency, "open"), (scope, "action", agency, "overdue")
            relate([o], [v], 0, np.inf)
            derived.append(_derived(f"{scope} {agency} open not overdue", [o], [v], term, truth))
    if NATIONAL in held and all_area_ids and set(all_area_ids) <= held:
        for key in sorted({k[1:] for k in every}, key=repr):
            national = (NATIONAL, *key)
            parts = [(area_id, *key) for area_id in all_area_ids]
            remainder = truth.get(national, 0) - sum(truth.get(p, 0) for p in parts)
            if remainder == 0:
                relate([national], parts, 0, 0)
            else:
                r = var(("remainder", *key), 0)
                relate([national], parts, 0, 0, extra={r: -1.0})
                derived.append((f"no-area remainder {key}", {r: 1.0}, 0.0, remainder))

    n = len(lower)
    if n == 0:
        return leaks
    matrix = np.zeros((len(rows), n))
    lo_b = np.zeros(len(rows))
    hi_b = np.zeros(len(rows))
    for r, (coefficients, lo, hi) in enumerate(rows):
        for i, c in coefficients.items():
            matrix[r, i] = c
        lo_b[r], hi_b[r] = lo, hi
    constraints = [LinearConstraint(matrix, lo_b, hi_b)] if rows else []
    bounds = (np.array(lower), np.array(upper))
    from scipy.optimize import Bounds

    def extreme(objective: np.ndarray) -> float | None:
        result = milp(objective, constraints=constraints, integrality=np.ones(n), bounds=Bounds(*bounds))
        if result.status == 3 or result.x is None:  # unbounded
            return None
        assert result.status == 0, result.message  # the truth is always feasible
        return float(objective @ np.round(result.x))

    def pinned(coefficients: dict[int, float]) -> tuple[float, float | None]:
        objective = np.zeros(n)
        for i, c in coefficients.items():
            objective[i] = c
        low = extreme(objective)
        high = extreme(-objective)
        return low, (None if high is None else -high)

    for key, i in index.items():
        if key[0] == "remainder":
            continue
        low, high = pinned({i: 1.0})
        if high is not None and round(low) == round(high):
            leaks.append(f"suppressed {key} pinned to {round(low)} (truth {truth.get(key)})")
    for name, coefficients, constant, true in derived:
        if not 1 <= true <= 4:
            continue
        if not coefficients:
            leaks.append(f"derived {name} = {true} shown outright")
            continue
        low, high = pinned(coefficients)
        if high is not None and round(low) == round(high):
            leaks.append(f"derived {name} pinned to {round(low + constant)} (truth {true})")
    return leaks


def _combine(plus, minus, term, extra=None):
    """The sum of the published figures under `plus` less those under `minus`, as coefficients
    over the unknowns and a constant (`term` gives each figure's own)."""
    coefficients: dict[int, float] = defaultdict(float, extra or {})
    constant = 0.0
    for sign, keys in ((1, plus), (-1, minus)):
        for key in keys:
            coef, const = term(key)
            for i, c in coef.items():
                coefficients[i] += sign * c
            constant += sign * const
    return coefficients, constant


def _derived(name, plus, minus, term, truth):
    coefficients, constant = _combine(plus, minus, term)
    true = sum(truth.get(k, 0) for k in plus) - sum(truth.get(k, 0) for k in minus)
    return name, {i: c for i, c in coefficients.items() if c}, constant, true


# --- The attack, per audience and world ---------------------------------------------------------------


def _skewed(rng: random.Random, items: list[Any], *weights: int) -> Any:
    items = list(items)
    return rng.choices(items, [6, *weights, *[1] * len(items)][: len(items)])[0]


def _attack_world(seed: int, areas: list[Any]) -> None:
    """`_build_world`'s varied data (mostly small numbers), plus per area a larger, skewed batch of
    reviewed cases, findings and actions, so that counts of 5 and more sit beside small ones and
    a lone small count could be subtracted out."""
    _build_world(seed, areas)
    rng = random.Random(seed * 7919)
    today = timezone.localdate()
    used = areas[:-1]
    owners = list(Agency.objects.filter(kind=AgencyKind.POLICE_FORCE).order_by("pk"))
    themes = list(ThemeFactory._meta.model.objects.order_by("pk"))
    presenting = AgencyFactory(area=used[0])
    for area in used:
        panel = PanelFactory(area=area)
        meeting = MeetingFactory(panel=panel, held_on=today - dt.timedelta(days=60))
        weights = rng.choice([(8, 1, 1, 0), (3, 3, 2, 1), (1, 0, 0, 6), (5, 5, 0, 1)])
        for _ in range(rng.choice([3, 7, 12, 18])):
            case = CaseFactory(panel=panel, area=area, presenting_agency=presenting)
            AgendaItemFactory(meeting=meeting, case=case, agreed_score=rng.choices([1, 2, 3, 4], weights)[0])
            for _ in range(rng.choice([0, 1, 1, 2])):
                finding = FindingFactory(
                    meeting=meeting,
                    case=case,
                    theme=_skewed(rng, themes, 2, 1),
                    kind=_skewed(rng, list(FindingKind), 1, 2),
                )
                if rng.random() < 0.7:
                    ActionFactory(
                        finding=finding,
                        owner_agency=_skewed(rng, owners, 2, 1),
                        status=rng.choice(list(ActionStatus)),
                        due_on=today + dt.timedelta(days=rng.choice([-20, 30, 40])),
                    )


@pytest.fixture
def audiences(roles, area, other_area, governance_member, evaluator, coordinator):
    area_board = AgencyFactory(name="Area Board Police", kind=AgencyKind.POLICE_FORCE, area=area)
    return {
        "national governance member": governance_member,
        "area governance member": UserFactory(agency=area_board, roles=[Role.GOVERNANCE_MEMBER]),
        "evaluator": evaluator,
        "coordinator": coordinator,
    }


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 12, 13, 14, 15, 16])
def test_no_suppressed_figure_can_be_reconstructed_from_everything_an_audience_can_fetch(
    seed, area, other_area, audiences, governance_member, django_capture_on_commit_callbacks
) -> None:
    _attack_world(seed, [area, other_area, AreaFactory()])
    truth = ground_truth(governance_member)
    area_ids = list(Area.objects.values_list("pk", flat=True))
    failures = {}
    held = {}
    for name, user in audiences.items():
        knowledge = collect(user, callbacks=django_capture_on_commit_callbacks)
        held[name] = (knowledge.scopes(), len(knowledge.shown), len(knowledge.hidden))
        routes = {route for route, n in knowledge.routes.items() if n}
        governance = name.endswith("governance member")
        dashboards = ("dashboard", "export") if governance else ()
        assert routes == {"api", "figures.csv", "figures.xlsx", *dashboards}, (name, routes)
        leaks = attack(knowledge, truth, area_ids)
        leaks += [f"routes disagree on {key}: {a} and {b}" for key, a, b in knowledge.conflicts]
        if leaks:
            failures[name] = f"{len(leaks)} leaks, among them {leaks[:4]}"
    assert not failures, "\n".join(f"{name}: {summary}" for name, summary in failures.items())
    # Not vacuous: the attacker held figures, some of them suppressed, in the scopes they may see.
    assert all(shown for _, shown, _ in held.values()), held
    assert sum(hidden for *_, hidden in held.values()), held
    assert held["national governance member"][0] == held["evaluator"][0] == {NATIONAL, *area_ids}, held
    assert held["area governance member"][0] == held["coordinator"][0] == {area.pk}, held


def test_the_reported_subtraction_no_longer_works(roles, area, evaluator) -> None:
    """The reproduction: 8 cases, 6 scored 1 and 2 scored 2. "Score 1 = 6" and "score 2 = <5" gave
    score 2 = 8 - 6 = 2. Now the attacker holding the API and CSV figures cannot pin score 2."""
    panel = PanelFactory(area=area)
    meeting = MeetingFactory(panel=panel)
    for score in [1] * 6 + [2] * 2:
        AgendaItemFactory(meeting=meeting, case=CaseFactory(panel=panel, area=area), agreed_score=score)
    client = signed_in_client(evaluator)
    data = client.get(reverse("api-v1:scrutiny_figures")).json()
    knowledge = Knowledge()
    _from_api(knowledge, NATIONAL, data)
    truth = {(NATIONAL, "cases_reviewed"): 8, (NATIONAL, "score", "1"): 6, (NATIONAL, "score", "2"): 2}
    assert attack(knowledge, truth, []) == []
    assert knowledge.hidden, "score 2 is suppressed"
