"""Measure the identifier detector against a labelled corpus: recall per kind (a labelled
identifier counts as found only when one hit of its kind covers the whole of it) and the
false-alarm rate (negative sentences, with no identifier, that get any hit).

The corpus is JSON lines: {"text": "...", "ids": [["kind", "exact matched text"], ...]}. The
matched text is located in the sentence (the first occurrence not already taken), so the corpus
stays readable and its labels cannot drift from the text.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from agencies.privacy.identifiers import ALL_KINDS, IdentifierKind, find_identifiers

DEFAULT_CORPUS = (
    Path(__file__).resolve().parent.parent.parent / "tests" / "agencies" / "identifier_corpus.jsonl"
)


class CorpusError(ValueError):
    pass


@dataclass(frozen=True)
class Expected:
    kind: IdentifierKind
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    line: int
    text: str
    expected: tuple[Expected, ...]


@dataclass
class Report:
    sentences: int = 0
    negatives: int = 0
    negatives_flagged: int = 0
    expected: Counter[IdentifierKind] = field(default_factory=Counter)
    found: Counter[IdentifierKind] = field(default_factory=Counter)
    spurious: Counter[IdentifierKind] = field(default_factory=Counter)
    misses: list[tuple[int, IdentifierKind, str]] = field(default_factory=list)
    false_alarms: list[tuple[int, IdentifierKind, str]] = field(default_factory=list)

    def recall(self, kind: IdentifierKind | None = None) -> float:
        expected = self.expected[kind] if kind else sum(self.expected.values())
        found = self.found[kind] if kind else sum(self.found.values())
        return found / expected if expected else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.negatives_flagged / self.negatives if self.negatives else 0.0


def load_corpus(path: Path) -> list[Sentence]:
    sentences = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
                expected = []
                taken: set[int] = set()
                for kind_name, matched in record["ids"]:
                    kind = IdentifierKind(kind_name)
                    start = text.find(matched)
                    while start in taken and start != -1:
                        start = text.find(matched, start + 1)
                    if start == -1:
                        raise CorpusError(f"line {number}: {matched!r} is not in the text")
                    taken.add(start)
                    expected.append(Expected(kind, start, start + len(matched)))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise CorpusError(f"line {number}: {exc}") from exc
            sentences.append(Sentence(number, text, tuple(expected)))
    return sentences


def evaluate(sentences: list[Sentence]) -> Report:
    report = Report()
    for sentence in sentences:
        report.sentences += 1
        hits = find_identifiers(sentence.text, ALL_KINDS)
        if not sentence.expected:
            report.negatives += 1
            report.negatives_flagged += bool(hits)
        for want in sentence.expected:
            report.expected[want.kind] += 1
            if any(h.kind == want.kind and h.start <= want.start and h.end >= want.end for h in hits):
                report.found[want.kind] += 1
            else:
                report.misses.append((sentence.line, want.kind, sentence.text[want.start : want.end]))
        for hit in hits:
            if not any(hit.start < want.end and want.start < hit.end for want in sentence.expected):
                report.spurious[hit.kind] += 1
                report.false_alarms.append((sentence.line, hit.kind, sentence.text[hit.start : hit.end]))
    return report


def format_report(report: Report, *, details: bool = False) -> list[str]:
    lines = [
        f"{'kind':<22} {'labelled':>8} {'found':>6} {'recall':>7} {'false hits':>10}",
    ]
    for kind in IdentifierKind:
        if report.expected[kind] or report.spurious[kind]:
            lines.append(
                f"{kind.value:<22} {report.expected[kind]:>8} {report.found[kind]:>6} "
                f"{report.recall(kind):>7.1%} {report.spurious[kind]:>10}"
            )
    lines.append(
        f"{'overall':<22} {sum(report.expected.values()):>8} {sum(report.found.values()):>6} "
        f"{report.recall():>7.1%} {sum(report.spurious.values()):>10}"
    )
    lines.append(
        f"sentences: {report.sentences}; negative sentences: {report.negatives}; "
        f"flagged: {report.negatives_flagged} ({report.false_alarm_rate:.1%} false alarms)"
    )
    if details:
        lines.extend(f"miss        line {n}: {k.value} {t!r}" for n, k, t in report.misses)
        lines.extend(f"false alarm line {n}: {k.value} {t!r}" for n, k, t in report.false_alarms)
    return lines
