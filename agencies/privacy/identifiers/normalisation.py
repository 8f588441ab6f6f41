"""How the detector reads text: compatibility forms, look-alike letters, invisible characters
and every space, dash and apostrophe variant folded, with a map back to the original offsets."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)
_DASHES = frozenset(
    "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d\u058a\u05be"
)
_APOSTROPHES = frozenset(
    "\u2018\u2019\u201a\u201b\u2032\u2035\u02b9\u02bb\u02bc\u02bd\u02be\u02c8\u0060\u00b4\uff07"
)
_DOUBLE_QUOTES = frozenset("\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\uff02")
# The Cyrillic and Greek letters that look like Latin ones (Unicode's confusables, the common part).
_LOOKALIKES = dict(
    zip(
        "АВСЕНІЈКМОРЅТХУаеһіјорсѕхуԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοινρτυχ",
        "ABCEHIJKMOPSTXYaehijopcsxydqwABEZHIKMNOPTYXaoivptux",
        strict=True,
    )
)


def _fold_char(char: str) -> str:
    """One original character as the detector reads it (possibly several characters, or none)."""
    if char in _INVISIBLE:
        return ""
    if char in _DASHES:
        return "-"
    if char in _APOSTROPHES:
        return "'"
    if char in _DOUBLE_QUOTES:
        return '"'
    if char in _LOOKALIKES:
        return _LOOKALIKES[char]
    category = unicodedata.category(char)
    if category in ("Mn", "Me", "Cf"):
        return ""
    if category == "Zs" or char in "\t\v\f":
        return " "
    if category in ("Zl", "Zp") or char in "\r\x85":
        return "\n"
    decomposed = unicodedata.normalize("NFKD", char)
    out = []
    for part in decomposed:
        if unicodedata.category(part) in ("Mn", "Me"):
            continue
        out.append(_fold_char(part) if part != char and ord(part) > 127 else part)
    return "".join(out)


@dataclass(frozen=True)
class Normalised:
    text: str
    # origin[i]: the index in the original text of normalised character i.
    origin: tuple[int, ...] | None

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.origin is None:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


_ASCII_TABLE = str.maketrans({"\t": " ", "\v": " ", "\f": " ", "\r": "\n", "`": "'"})


def normalise_with_map(text: str) -> Normalised:
    if text.isascii():
        return Normalised(text.translate(_ASCII_TABLE), None)
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = char if ord(char) < 128 and char not in "\t\v\f\r`" else _fold_char(char)
        for part in folded:
            chars.append(part)
            origin.append(index)
    return Normalised("".join(chars), tuple(origin))


def normalise(text: str) -> str:
    """The text as the detector reads it: NFKC/NFKD compatibility forms, diacritics dropped,
    look-alike letters folded, every space/dash/apostrophe variant made plain, invisible
    characters removed."""
    return normalise_with_map(text).text
