"""The personal-identifier detector every free-text field goes through: case extracts and
narrative (scrutiny), booking questions (drop-ins), guidance submitted for approval (content).

It is deliberately cautious: a hit never edits text by itself, it blocks release until a second
person edits or confirms it. Kinds can be chosen per use (a drop-in question checks contact
details and dates; a case extract checks everything).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class IdentifierKind(StrEnum):
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"
    NI_NUMBER = "ni_number"
    VEHICLE_REG = "vehicle_registration"
    URN = "urn"
    CRIME_NUMBER = "crime_number"
    FULL_DATE = "full_date"
    NAME = "name"


LABELS = {
    IdentifierKind.POSTCODE: "a postcode",
    IdentifierKind.PHONE: "a phone number",
    IdentifierKind.EMAIL: "an email address",
    IdentifierKind.NI_NUMBER: "a National Insurance number",
    IdentifierKind.VEHICLE_REG: "a vehicle registration",
    IdentifierKind.URN: "a CPS case reference (URN)",
    IdentifierKind.CRIME_NUMBER: "a crime reference number",
    IdentifierKind.FULL_DATE: "a full date",
    IdentifierKind.NAME: "what looks like a person's name",
}

CONTACT_AND_DATES = frozenset(
    {IdentifierKind.POSTCODE, IdentifierKind.PHONE, IdentifierKind.EMAIL, IdentifierKind.FULL_DATE}
)
ALL_KINDS = frozenset(IdentifierKind)

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)

_PATTERNS: dict[IdentifierKind, re.Pattern[str]] = {
    IdentifierKind.EMAIL: re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    IdentifierKind.POSTCODE: re.compile(
        r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRV-Y\d]?)"
        r" ?\d[ABD-HJLNP-UW-Z]{2})\b",
        re.IGNORECASE,
    ),
    IdentifierKind.PHONE: re.compile(
        r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:\d[\s\-)]{0,2}){9,10}(?!\w)",
    ),
    IdentifierKind.NI_NUMBER: re.compile(
        # The format, not only issued prefixes: example numbers (QQ...) must be caught too.
        r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b",
        re.IGNORECASE,
    ),
    # Current format (AB12 CDE), and the older prefix/suffix formats (A123 BCD, ABC 123D).
    IdentifierKind.VEHICLE_REG: re.compile(
        r"\b(?:[A-Z]{2}\d{2} ?[A-Z]{3}|[A-Z]\d{1,3} ?[A-Z]{3}|[A-Z]{3} ?\d{1,3}[A-Z])\b",
    ),
    # CPS URN: police force code (2 digits), unit (2 characters), number (5 digits), year (2 digits).
    IdentifierKind.URN: re.compile(r"\b\d{2} ?[A-Z0-9]{2} ?\d{5} ?/? ?\d{2}\b", re.IGNORECASE),
    # Force crime references take many forms: letters/digits blocks joined by slashes or dashes,
    # or "crime (reference|number|no) <token>".
    IdentifierKind.CRIME_NUMBER: re.compile(
        r"\b(?:crime\s*(?:ref(?:erence)?|number|no\.?|#)\s*:?\s*[A-Z0-9/\-]{5,})"
        r"|\b[A-Z]{1,4}\d{0,3}[/\-]\d{3,8}[/\-]\d{2,4}\b",
        re.IGNORECASE,
    ),
    IdentifierKind.FULL_DATE: re.compile(
        r"\b(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|"
        rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{4}}|"
        rf"(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})\b",
        re.IGNORECASE,
    ),
}

# Name-like tokens: two or more capitalised words in a row that are not at the start of a sentence
# and are not common words, titles of roles or organisations. A heuristic with no stop-list of
# real names; it errs towards flagging, and a second person confirms.
_CAPITALISED_RUN = re.compile(r"(?<![.!?:\n]\s)(?<!^)\b([A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)+)\b")
_TITLE_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z'\-]+\b")
_NOT_NAMES = frozenset(
    """
    the a an and or of in on at to for by with from crown prosecution service police constabulary cps
    isva isvas court crown magistrates youth victim suspect witness officer detective inspector sergeant
    constable chief superintendent prosecutor counsel judge panel scrutiny rape serious sexual offence
    offences act code victims right review national framework january february march april may june july
    august september october november december monday tuesday wednesday thursday friday saturday sunday
    england wales north south east west midlands london wessex mersey cheshire yorkshire humberside
    thames chiltern cymru independent sexual violence advisor adviser support team unit rasso area
    special measures achieving best evidence abe vlo npcc jnap home office ministry justice
    """.split()  # noqa: SIM905 - a word list reads better as prose
)


@dataclass(frozen=True)
class IdentifierHit:
    kind: IdentifierKind
    start: int
    end: int

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def find_identifiers(text: str, kinds: Iterable[IdentifierKind] = ALL_KINDS) -> list[IdentifierHit]:
    """Every place in `text` that looks like a personal identifier of the given kinds, in order.
    Hits carry positions, never the matched text, so logging a hit cannot leak the identifier."""
    if not text:
        return []
    wanted = frozenset(kinds)
    hits: list[IdentifierHit] = []
    for kind, pattern in _PATTERNS.items():
        if kind in wanted:
            hits.extend(IdentifierHit(kind, m.start(), m.end()) for m in pattern.finditer(text))
    if IdentifierKind.NAME in wanted:
        hits.extend(_name_hits(text))
    return _without_overlaps(hits)


def _name_hits(text: str) -> list[IdentifierHit]:
    hits = [IdentifierHit(IdentifierKind.NAME, m.start(), m.end()) for m in _TITLE_NAME.finditer(text)]
    for match in _CAPITALISED_RUN.finditer(text):
        words = match.group(1).split()
        if all(word.lower().strip("'-") in _NOT_NAMES for word in words):
            continue
        if sum(word.lower() not in _NOT_NAMES for word in words) >= 2:
            hits.append(IdentifierHit(IdentifierKind.NAME, match.start(1), match.end(1)))
    return hits


def _without_overlaps(hits: list[IdentifierHit]) -> list[IdentifierHit]:
    # Longest first at each position, so "12/03/2024" is one date, not a date and a crime number.
    ordered = sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[IdentifierHit] = []
    for hit in ordered:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def describe(hits: Iterable[IdentifierHit]) -> str:
    """A sentence for the person who typed the text: what was found, never the text itself."""
    labels = sorted({hit.label for hit in hits})
    if not labels:
        return ""
    listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return (
        f"This looks like it contains {listed}. "
        "Remove it, or ask a colleague to confirm it is not identifying."
    )
