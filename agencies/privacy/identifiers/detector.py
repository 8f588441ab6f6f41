"""Finding identifiers: every pattern and rule run over the normalised text (and over spelt-out
runs read without their spaces), mapped back to the original offsets, overlaps merged."""

from __future__ import annotations

import re
from collections.abc import Iterable

from agencies.privacy.identifiers.kinds import ALL_KINDS, IdentifierHit, IdentifierKind
from agencies.privacy.identifiers.names import name_hits
from agencies.privacy.identifiers.normalisation import normalise_with_map
from agencies.privacy.identifiers.patterns import (
    CRIME_CUE,
    CUED,
    PATTERNS,
    SPELT_NUMBER,
    URN_CUE,
    handle_cue_hits,
    nhs_number_plausible,
    plate_case_consistent,
    platform_word_hits,
    spelt_digits,
)
from agencies.privacy.identifiers.places import (
    ADDRESS,
    ADDRESS_LOWER,
    CELTIC_SCHOOL,
    SAINT_SCHOOL,
    WELSH_STREET,
    a_courts_street,
    address_words_name_a_street,
    school_hits,
)

_PRIORITY = {kind: rank for rank, kind in enumerate(IdentifierKind)}
_PRIORITY[IdentifierKind.DATE_OF_BIRTH] = -2
_PRIORITY[IdentifierKind.NHS_NUMBER] = -1


def _raw_hits(text: str, wanted: frozenset[IdentifierKind]) -> list[tuple[IdentifierKind, int, int]]:
    hits: list[tuple[IdentifierKind, int, int]] = []
    for kind, pattern in PATTERNS.items():
        if kind not in wanted:
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind is IdentifierKind.VEHICLE_REG and not plate_case_consistent(match.group()):
                continue
            if kind is IdentifierKind.NHS_NUMBER and not nhs_number_plausible(text, match):
                continue
            if (
                kind is IdentifierKind.URN
                and match.group("unit").isdigit()
                and URN_CUE.search(text[max(0, start - 60) : start]) is None
            ):
                continue
            if (
                kind is IdentifierKind.CRIME_NUMBER
                and match.group("force")
                and len(re.sub(r"\D", "", match.group("force"))) < 6
            ):
                continue
            if kind is IdentifierKind.PHONE:
                if match.group("number").count("/") >= 2:
                    continue  # "01/2345678/24" is a force reference, not a phone number
                digits = re.sub(r"\D", "", match.group("number"))
                national = (
                    re.sub(r"^(?:0044|44)0?", "", digits)
                    if match.group("number").lstrip("(").startswith(("+", "00"))
                    else digits[1:]
                )
                if len(national) not in (9, 10):
                    continue
            if kind is IdentifierKind.DATE_OF_BIRTH:
                start, end = match.span("date")
            hits.append((kind, start, end))
    if IdentifierKind.SOCIAL_HANDLE in wanted:
        hits.extend((IdentifierKind.SOCIAL_HANDLE, *span) for span in platform_word_hits(text))
        hits.extend((IdentifierKind.SOCIAL_HANDLE, *span) for span in handle_cue_hits(text))
    if IdentifierKind.CRIME_NUMBER in wanted:
        hits.extend((IdentifierKind.CRIME_NUMBER, *m.span("id")) for m in CRIME_CUE.finditer(text))
    if IdentifierKind.PHONE in wanted:
        for match in SPELT_NUMBER.finditer(text):
            digits = spelt_digits(match.group())
            spelt_plus = match.group().lower().startswith("plus")
            if (spelt_plus and len(digits) in (11, 12)) or (digits[:1] == "0" and len(digits) in (10, 11)):
                hits.append((IdentifierKind.PHONE, *match.span()))
    for kind, patterns in CUED.items():
        if kind in wanted:
            for pattern in patterns:
                hits.extend((kind, *m.span("id")) for m in pattern.finditer(text))
    if IdentifierKind.STREET_ADDRESS in wanted:
        mixed_case = text != text.lower() and text != text.upper()
        hits.extend(
            (IdentifierKind.STREET_ADDRESS, *m.span())
            for m in ADDRESS.finditer(text)
            if address_words_name_a_street(m.group(), mixed_case) and not a_courts_street(text, m)
        )
        hits.extend((IdentifierKind.STREET_ADDRESS, *m.span("id")) for m in ADDRESS_LOWER.finditer(text))
        hits.extend((IdentifierKind.STREET_ADDRESS, *m.span()) for m in WELSH_STREET.finditer(text))
    if IdentifierKind.SCHOOL in wanted:
        hits.extend((IdentifierKind.SCHOOL, start, end) for start, end in school_hits(text))
        hits.extend((IdentifierKind.SCHOOL, *m.span()) for m in CELTIC_SCHOOL.finditer(text))
        hits.extend((IdentifierKind.SCHOOL, *m.span()) for m in SAINT_SCHOOL.finditer(text))
    if IdentifierKind.NAME in wanted:
        hits.extend((IdentifierKind.NAME, start, end) for start, end in name_hits(text))
    return hits


# "J o n n o", "D A R R E N", "b 11 3 q j": an identifier spelt out a character (or a two-digit
# number) at a time, four pieces at least, one a letter.
_SPACED_RUN = re.compile(r"(?<![\w'-])(?=[\d ]*[^\W\d_])(?:(?:[^\W_]|\d\d) ){3,}(?:[^\W_]|\d\d)(?![\w'-])")


def _spaced_out_hits(text: str, wanted: frozenset[IdentifierKind]) -> list[tuple[IdentifierKind, int, int]]:
    """Hits in `text` read with the spaces inside each spelt-out run removed (a second reading,
    only of a window of text around each such run): a hit that touches a run is mapped back to
    `text`'s offsets."""
    hits: list[tuple[IdentifierKind, int, int]] = []
    for run in _SPACED_RUN.finditer(text):
        window_start = max(0, run.start() - 120)
        window_end = min(len(text), run.end() + 40)
        before, after = text[window_start : run.start()], text[run.end() : window_end]
        spelt = run.group().replace(" ", "")
        if spelt.isalpha() and spelt.islower():
            # "j o s h was…": spelling a word out letter by letter marks it as a name.
            spelt = spelt.capitalize()
        collapsed = before + spelt + after
        origin = (
            list(range(window_start, run.start()))
            + [run.start() + i for i, c in enumerate(run.group()) if c != " "]
            + list(range(run.end(), window_end))
        )
        run_start, run_end = len(before), len(before) + len(spelt)
        for kind, start, end in _raw_hits(collapsed, wanted):
            if end > start and start < run_end and run_start < end:
                hits.append((kind, origin[start], origin[end - 1] + 1))
    return hits


def find_identifiers(text: str, kinds: Iterable[IdentifierKind] = ALL_KINDS) -> list[IdentifierHit]:
    """Every place in `text` that looks like a personal identifier of the given kinds, in order.
    The text is normalised first; offsets are in the original text. Hits carry positions, never
    the matched text, so logging a hit cannot leak the identifier."""
    if not text:
        return []
    normalised = normalise_with_map(text)
    raw = _raw_hits(normalised.text, frozenset(kinds))
    raw.extend(_spaced_out_hits(normalised.text, frozenset(kinds)))
    hits = [IdentifierHit(kind, *normalised.span(start, end)) for kind, start, end in raw if end > start]
    return _without_overlaps(hits)


def _without_overlaps(hits: list[IdentifierHit]) -> list[IdentifierHit]:
    # Longest first at each position, so "12/03/2024" is one date, not a date and a crime number.
    ordered = sorted(hits, key=lambda h: (h.start, -(h.end - h.start), _PRIORITY[h.kind]))
    kept: list[IdentifierHit] = []
    for hit in ordered:
        if kept and hit.start < kept[-1].end:
            if hit.end > kept[-1].end:
                # Overlapping spans: one hit covering both, so a redaction leaves nothing behind.
                kept[-1] = IdentifierHit(kept[-1].kind, kept[-1].start, hit.end)
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
