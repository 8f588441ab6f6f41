"""The suppression engine: which cells of a set of published counts must be hidden so that no count
from 1 to 4 can be seen or worked out, and no hidden count can be pinned to a single value.

`scrutiny.governance.figures` is the only caller: it describes the published figures as a `Table`
(the cells, the implicit counts a reader could derive, and the linear relations between them) and
applies the result. ADR 0012 explains the rule; here is how it is decided.

1. Primary: every published cell from 1 to 4 is hidden. An implicit cell (a count nobody prints
   but a reader could derive, such as "open but not overdue" or a national remainder) from 1 to 4
   is sensitive: it must not be pinned either.
2. Audit: the attacker knows every shown cell, every relation, that counts are whole numbers of at
   least 0, and that a hidden published cell is at least 1 (zero is always shown). For each hidden
   or sensitive cell an integer programme (HiGHS, through scipy) finds the smallest value it can
   take, then whether it can take one more. A cell that can take only one value is pinned.
3. Secondary: for each pinned cell, the smallest non-zero shown cell that shares a relation with it
   (searching outwards through the relations of other hidden cells when its own have none) is
   hidden too; ties go to area cells before national ones, then to the cell's order. Repeat from 2
   until nothing is pinned. Hiding more only widens what a hidden cell can be, so a cell once
   proved free stays free; every feasible solution found on the way proves free each cell whose
   value in it differs from the truth.

The relations are the truth about the data (the true values satisfy them), so every programme is
feasible; if the solver ever says otherwise the cell is treated as pinned (fail closed)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

logger = logging.getLogger(__name__)

SUPPRESS_BELOW = 5

Key = Hashable


@dataclass
class Table:
    """Published cells (true values), implicit cells (never printed: always an unknown to the
    attacker), and relations `sum(coef * cell) == rhs` over both. Whatever the attacker is assumed
    to know besides goes into `rhs`."""

    published: dict[Key, int] = field(default_factory=dict)
    implicit: dict[Key, int] = field(default_factory=dict)
    relations: list[tuple[dict[Key, int], int]] = field(default_factory=list)
    # Cells preferred last as secondary suppressions (national figures: keep the headline shown).
    keep: set[Key] = field(default_factory=set)

    def relate(self, coefficients: dict[Key, int], rhs: int = 0) -> None:
        terms = {k: c for k, c in coefficients.items() if c}
        if terms:
            self.relations.append((terms, rhs))


def is_small(value: int) -> bool:
    return 0 < value < SUPPRESS_BELOW


class _Auditor:
    def __init__(self, table: Table, hidden: set[Key]) -> None:
        self.table = table
        self.hidden = hidden
        self.truth = {**table.published, **table.implicit}
        self.free: set[Key] = set()
        self.by_cell: dict[Key, list[int]] = defaultdict(list)
        for index, (terms, _) in enumerate(table.relations):
            for key in terms:
                self.by_cell[key].append(index)

    def unknown(self, key: Key) -> bool:
        return key in self.hidden or key in self.table.implicit

    def component(self, start: Key) -> tuple[list[Key], list[int]]:
        """The unknowns linked to `start` through relations, and those relations."""
        seen, relations, stack = {start}, set(), [start]
        while stack:
            key = stack.pop()
            for index in self.by_cell[key]:
                if index in relations:
                    continue
                relations.add(index)
                for other in self.table.relations[index][0]:
                    if self.unknown(other) and other not in seen:
                        seen.add(other)
                        stack.append(other)
        return sorted(seen, key=repr), sorted(relations)

    def _programme(self, target: Key) -> tuple[list[Key], list[LinearConstraint], np.ndarray, np.ndarray]:
        """The attacker's integer programme over the unknowns linked to `target`."""
        unknowns, relations = self.component(target)
        position = {key: i for i, key in enumerate(unknowns)}
        rows, columns, values = [], [], []
        rhs = np.zeros(len(relations))
        for row, index in enumerate(relations):
            terms, value = self.table.relations[index]
            rhs[row] = value
            for key, coef in terms.items():
                if key in position:
                    rows.append(row)
                    columns.append(position[key])
                    values.append(coef)
                else:
                    rhs[row] -= coef * self.truth[key]  # a shown cell: a constant to the attacker
        matrix = sparse.csr_array((values, (rows, columns)), shape=(len(relations), len(unknowns)))
        constraints = [LinearConstraint(matrix, rhs, rhs)] if relations else []
        lower = np.array([1.0 if key in self.hidden else 0.0 for key in unknowns])
        return unknowns, constraints, lower, np.full(len(unknowns), np.inf)

    def pinned(self, target: Key) -> bool:
        if target in self.free:
            return False
        unknowns, constraints, lower, upper = self._programme(target)
        position = unknowns.index(target)
        objective = np.zeros(len(unknowns))
        objective[position] = 1.0
        low = self._solve(objective, constraints, lower, upper, unknowns)
        if low is None:
            return True
        upper[position] = low + 1  # can it take one more? (bounded, so never unbounded)
        high = self._solve(-objective, constraints, lower, upper, unknowns)
        if high is None:
            return True
        if -high >= low + 1:
            self.free.add(target)
            return False
        return True

    def _solve(
        self,
        objective: np.ndarray,
        constraints: list[LinearConstraint],
        lower: np.ndarray,
        upper: np.ndarray,
        unknowns: list[Key],
    ) -> float | None:
        result = milp(
            objective,
            constraints=constraints,
            integrality=np.ones(len(unknowns)),
            bounds=Bounds(lower, upper),
        )
        if result.status != 0 or result.x is None:
            logger.warning("suppression audit: solver status %s", result.status)
            return None
        solution = np.round(result.x)
        for key, value in zip(unknowns, solution, strict=True):
            if value != self.truth[key]:
                self.free.add(key)  # a second feasible value: it cannot be pinned
        return float(objective @ solution)

    def candidate(self, target: Key) -> Key | None:
        """The shown cell to hide so that `target` is no longer pinned: the smallest non-zero shown
        cell in a relation with it, searching outwards through hidden cells' relations."""
        seen_cells, seen_relations = {target}, set()
        frontier = [target]
        while frontier:
            options: list[tuple[int, bool, str, Key]] = []
            following: list[Key] = []
            for key in frontier:
                for index in self.by_cell[key]:
                    if index in seen_relations:
                        continue
                    seen_relations.add(index)
                    for other in self.table.relations[index][0]:
                        if other in seen_cells:
                            continue
                        seen_cells.add(other)
                        if self.unknown(other):
                            following.append(other)
                        elif self.truth[other] > 0:
                            options.append((self.truth[other], other in self.table.keep, repr(other), other))
            if options:
                return min(options)[-1]
            frontier = following
        return None


def protect(table: Table) -> set[Key]:
    """The published cells to hide (primary and secondary), as described in the module docstring."""
    hidden = {key for key, value in table.published.items() if is_small(value)}
    sensitive = {key for key, value in table.implicit.items() if is_small(value)}
    auditor = _Auditor(table, hidden)
    while True:
        pinned = [key for key in sorted(hidden | sensitive, key=repr) if auditor.pinned(key)]
        if not pinned:
            return hidden
        added = False
        for key in pinned:
            choice = auditor.candidate(key)
            if choice is not None and choice not in hidden:
                hidden.add(choice)
                added = True
        if not added:
            # Nothing left to hide near the pinned cells (cannot happen with relations that hold:
            # hiding every non-zero cell leaves nothing bounded above). Fail closed.
            logger.error("suppression: %d cells still pinned with nothing left to hide", len(pinned))
            hidden |= {key for key, value in table.published.items() if value > 0}
            return hidden
