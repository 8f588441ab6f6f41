"""The personal-identifier detector every free-text field goes through: case extracts and
narrative (scrutiny), booking questions (drop-ins), guidance submitted for approval (content).

It is deliberately cautious: a hit never edits text by itself, it blocks release until a second
person edits or confirms it. Kinds can be chosen per use (a drop-in question checks contact
details and dates; a case extract checks everything).

Text is normalised first (`normalise`): compatibility forms (NFKC/NFKD), every space, dash and
apostrophe variant, zero-width and other invisible characters removed, diacritics and common
Cyrillic/Greek look-alikes folded to Latin letters. Patterns run on the normalised text; every hit
is mapped back to offsets in the ORIGINAL text and covers whole tokens, so a redaction of a hit
never leaves part of a name behind. Names are found from openly licensed name lists (Faker's
given names and surnames) plus a deny-by-default rule for unknown capitalised words, against a
dictionary of ordinary English (english-words) and the domain allow-list in
agencies.privacy.allowlist. The design and its measured figures: docs/adr/0010-identifier-detection.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

from agencies.privacy import allowlist as allow


class IdentifierKind(StrEnum):
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"
    NI_NUMBER = "ni_number"
    NHS_NUMBER = "nhs_number"
    VEHICLE_REG = "vehicle_registration"
    URN = "urn"
    CRIME_NUMBER = "crime_number"
    FULL_DATE = "full_date"
    DATE_OF_BIRTH = "date_of_birth"
    SOCIAL_HANDLE = "social_handle"
    STREET_ADDRESS = "street_address"
    SCHOOL = "school"
    NAME = "name"


LABELS = {
    IdentifierKind.POSTCODE: "a postcode",
    IdentifierKind.PHONE: "a phone number",
    IdentifierKind.EMAIL: "an email address",
    IdentifierKind.NI_NUMBER: "a National Insurance number",
    IdentifierKind.NHS_NUMBER: "an NHS number",
    IdentifierKind.VEHICLE_REG: "a vehicle registration",
    IdentifierKind.URN: "a CPS case reference (URN)",
    IdentifierKind.CRIME_NUMBER: "a crime reference number",
    IdentifierKind.FULL_DATE: "a full date",
    IdentifierKind.DATE_OF_BIRTH: "a date of birth",
    IdentifierKind.SOCIAL_HANDLE: "a social media handle",
    IdentifierKind.STREET_ADDRESS: "a street address",
    IdentifierKind.SCHOOL: "the name of a school",
    IdentifierKind.NAME: "what looks like a person's name",
}

CONTACT_AND_DATES = frozenset(
    {
        IdentifierKind.POSTCODE,
        IdentifierKind.PHONE,
        IdentifierKind.EMAIL,
        IdentifierKind.FULL_DATE,
        IdentifierKind.DATE_OF_BIRTH,
        IdentifierKind.SOCIAL_HANDLE,
        IdentifierKind.STREET_ADDRESS,
        IdentifierKind.NHS_NUMBER,
    }
)
ALL_KINDS = frozenset(IdentifierKind)


@dataclass(frozen=True)
class IdentifierHit:
    """Where a possible identifier is, in the original text. Hits carry positions, never the
    matched text, so logging a hit cannot leak the identifier (use `hit_text` to read it)."""

    kind: IdentifierKind
    start: int
    end: int

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def hit_text(text: str, hit: IdentifierHit) -> str:
    return text[hit.start : hit.end]


# Normalisation --------------------------------------------------------------------------------------

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


# Patterns (on normalised text) ----------------------------------------------------------------------

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_SEP = r"[ .\-]?"  # one optional separator between digit groups, after normalisation
_NUMERIC_DATE = r"\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?(?:\d{4}|\d{2})"
_WRITTEN_DATE = (
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+(?:\d{{4}}|'\d{{2}})|"
    rf"(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
)
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|weds|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+(?:the\s+)?)"
_DOB_CUE = (
    r"(?:d\.?\s?o\.?\s?b\.?|(?<![\w.])b\.(?=\s*\d)|date\s+of\s+birth|birth\s?date|birthday|born(?:\s+on|\s+in)?|"
    r"birth)\s*[:=-]?(?:\s*(?:is|was|of|on|in|the|given|recorded|stated|listed|as)\b){0,4}\s*[:=-]?\s*"
)

_PATTERNS: dict[IdentifierKind, re.Pattern[str]] = {
    IdentifierKind.EMAIL: re.compile(
        r"(?<![\w.+-])[\w.+-]+(?:@| @ |\s?[\[({]\s?at\s?[\])}]\s?)[\w-]+"
        r"(?:(?:\.|\s?[\[({]\s?dot\s?[\])}]\s?)[\w-]+)*(?:\.|\s?[\[({]\s?dot\s?[\])}]\s?)[a-z]{2,}\b",
        re.IGNORECASE,
    ),
    IdentifierKind.SOCIAL_HANDLE: re.compile(
        r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])"
        r"|\b(?:https?://)?(?:www\.|m\.)?(?:instagram|facebook|fb|tiktok|twitter|x|snapchat|threads"
        r"|linkedin|youtube)\.com/[\w.@/%-]+",
        re.IGNORECASE,
    ),
    IdentifierKind.POSTCODE: re.compile(
        r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRV-Y\d]?)"
        r"[ .\-]{0,3}\d[ABD-HJLNP-UW-Z]{2})\b",
        re.IGNORECASE,
    ),
    IdentifierKind.PHONE: re.compile(
        # 04 and 06 are not allocated; the national number has 9 or 10 digits after the 0.
        r"(?P<number>(?<![\w+])(?:(?:\+|00)[ .\-]?44[ .\-]?(?:\(0\)[ .\-]?|0[ .\-]?)?\(?|\(?0)"
        r"(?=[ .\-()/]{0,3}[1-35789])(?:[ .\-()/]{0,3}\d){9,10}(?!\w))"
        # An extension is part of the number: "0161 496 0123 ext 2245", "020 7946 0958 x114".
        r"(?:,?[ ]?(?i:ext(?:ension|n)?\.?|x)[ ]?\d{1,5}(?!\w))?",
    ),
    # Ten digits in any grouping ("943 476 5919", "9434 765 919", "94347 65919", one by one); the
    # check digit decides, and a grouping other than 3-3-4 also needs "NHS" near it.
    IdentifierKind.NHS_NUMBER: re.compile(r"(?<![\d+])\d(?:[ .\-]{0,3}\d){9}(?![\w])"),
    IdentifierKind.NI_NUMBER: re.compile(
        # The format, not only issued prefixes: example numbers (QQ...) must be caught too.
        r"\b[A-Z]{2}[ .\-]?\d{2}[ .\-]?\d{2}[ .\-]?\d{2}[ .\-]?[A-D]\b"
        # Without the suffix letter: issued prefixes only, in capitals.
        r"|\b(?-i:(?![DFIQUV])[A-Z](?![DFIOQUV])[A-Z] ?\d{2} ?\d{2} ?\d{2})\b",
        re.IGNORECASE,
    ),
    # Current format (AB12 CDE) in any case; the older prefix/suffix formats (A123 BCD, ABC 123D)
    # in capitals (in lower case they are ordinary words and numbers: "q3 and").
    IdentifierKind.VEHICLE_REG: re.compile(
        r"\b(?:(?i:[A-Z]{2}[ \-]?\d{2}[ \-]?[A-Z]{3})"
        r"|[A-Z]\d{1,3}[ \-]?[A-Z]{3}|[A-Z]{3}[ \-]?\d{1,3}[A-Z])\b",
    ),
    # CPS URN: police force code (2 digits), unit (2 characters), number (5 digits), year (2 digits).
    # Written with spaces, slashes, dots or dashes between the parts: "62/LV/12345/23", "47-KD-00312-23".
    IdentifierKind.URN: re.compile(
        # The serial and year are seven digits in any grouping ("01-YE-5503-222"), or a longer
        # serial before the year ("13 YE 0012345 22"). A unit of two digits ("44/0012345/23") is
        # also a force's crime reference: a URN only after "URN" or "CPS" (checked after matching).
        r"\b\d{2}[ ./\-]{0,2}(?P<unit>[A-Z0-9]{2})[ ./\-]{0,2}"
        r"(?:\d{5,7}[ ./\-]{0,2}\d{2}|\d(?:[ ./\-]?\d){6})\b",
        re.IGNORECASE,
    ),
    # Force crime references take many forms: letters/digits blocks joined by slashes or dashes,
    # or "crime (reference|number|no) <token>".
    IdentifierKind.CRIME_NUMBER: re.compile(
        r"\b(?:crime\s*(?:ref(?:erence)?|number|no\.?|#)\b\.?\s*:?\s*(?=(?:[A-Z/\-]*\d){4})[A-Z0-9/\-]{5,})"
        # A force prefix, then two or three blocks of digits: "MPS/24/001234", "CRI-2024-0078123",
        # "SWP-23-0112233", "DYFED/23/4471" (six digits at least, checked after matching).
        r"|\b(?P<force>[A-Z]{2,6}(?:[/\-][A-Z0-9]{2,6})?(?:[/\-]\d{2,8}){2,3})\b"
        r"|\b[A-Z]{1,4}\d{0,3}[/\-]\d{3,8}[/\-]\d{2,4}\b"
        # "CRI/06AA/1234/23": letter blocks and mixed blocks before the serial and the year.
        r"|\b[A-Z]{2,5}[/\-][A-Z0-9]{2,6}[/\-]\d{3,8}[/\-]\d{2,4}\b"
        # A force's digit-led reference with no cue: "13/123456/24" (never a date: 5+ digits).
        r"|\b\d{1,3}/\d{5,8}/\d{2,4}\b"
        # A serial and a year, either way round: "6029384/24", "23/118642".
        r"|\b\d{5,8}/\d{2}\b|\b\d{2}/\d{5,8}\b",
        re.IGNORECASE,
    ),
    IdentifierKind.DATE_OF_BIRTH: re.compile(
        rf"\b{_DOB_CUE}(?P<date>{_NUMERIC_DATE}|\d{{4}}-\d{{2}}-\d{{2}}|{_WRITTEN_DATE}|"
        rf"\d{{1,2}}\s\d{{1,2}}\s\d{{2,4}}|(?:{_MONTHS})\.?\s+\d{{4}}|"
        rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{2}}(?![\d:])|"
        rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b)",
        re.IGNORECASE,
    ),
    IdentifierKind.FULL_DATE: re.compile(
        # "Saturday 14 October 2023", "Tues 5th Sept 2023": a weekday is part of the date.
        rf"\b{_WEEKDAY}?(?:{_NUMERIC_DATE}|\d{{4}}-\d{{2}}-\d{{2}}|{_WRITTEN_DATE})\b",
        re.IGNORECASE,
    ),
}

_CRIME_CUE = re.compile(
    # "the crime ref is 23/118642", "Occurrence 6029384/24", "CAD 44117": a force reference word,
    # then a token with at least four digits.
    # "crime reference, 4422003817", "CRN 2300457812", "Athena ref 0100-123456-23" too.
    r"\b(?:crime|occurrence|cad|storm|crn|athena)\s*(?:ref(?:erence)?\.?|number|num|no\.?|#)?"
    r"\s*(?:is|was|:|-|,)?\s*(?P<id>(?=(?:[A-Z/\-]*\d){4})[A-Z0-9][A-Z0-9/\-]*\d)\b",
    re.IGNORECASE,
)
_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "nought": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_SPELT_NUMBER = re.compile(
    # "zero seven seven double oh nine…": a phone number written out in words.
    r"\b(?:plus\s+four\s+four[\s,\-]+)?(?:(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine"
    r"|double|treble|triple)[\s,\-]+){6,}(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine)\b",
    re.IGNORECASE,
)


def _spelt_digits(words: str) -> str:
    digits = []
    repeat = 1
    for word in re.findall(r"[a-z]+", words.lower()):
        if word in ("double", "treble", "triple"):
            repeat = 2 if word == "double" else 3
            continue
        if word == "plus":
            continue
        digits.append(_DIGIT_WORDS[word] * repeat)
        repeat = 1
    return "".join(digits)


_PLATFORMS = (
    "instagram|insta|snapchat|snap|tiktok|twitter|telegram|discord|kik|threads|facebook|fb|"
    "onlyfans|reddit|twitch|whatsapp|x"
)
_NOT_HANDLES = (
    "and|or|the|a|an|to|of|on|in|at|by|for|with|as|messages?|account|app|chat|group|post|profile|"
    "story|video|was|is|he|she|they|it|but|so|then|that|this|which|who|after|before|where|number|"
    "no|data|call|calls|messenger|page|not"
)
_HANDLE = r"(?:@ ?)?[A-Za-z0-9_.]*[A-Za-z0-9_][A-Za-z0-9_.]*"
# Patterns whose identifier is the group "id"; the rest of the match is the cue that finds it.
_CUED: dict[IdentifierKind, tuple[re.Pattern[str], ...]] = {
    IdentifierKind.EMAIL: (
        # Spelt out: "sarah dot jones at example dot com".
        re.compile(
            r"(?P<id>\b[\w+-]+(?:(?:\s+dot\s+|\.)[\w+-]+)*\s+at\s+[\w-]+(?:(?:\s+dot\s+|\.)[\w-]+)*"
            r"(?:\s+dot\s+|\.)(?:com|co|uk|org|net|gov|ac|nhs|me|io|info|biz|ie)\b"
            r"(?:(?:\s+dot\s+|\.)[a-z]{2,3}\b)?)",
            re.IGNORECASE,
        ),
    ),
    IdentifierKind.SOCIAL_HANDLE: (
        # "her instagram is kayz_2005", "snap name dazza.92": a platform, then a handle-like token
        # (one with a digit, dot or underscore: "on Snapchat and…" is not a handle).
        re.compile(
            rf"\b(?:{_PLATFORMS})(?:\s(?:handle|username|user\s?name|user|name|account|id|profile))?"
            rf"(?:\sis|\swas|\s-|\scalled|,|\sas|\sname)?\s+(?!(?:{_NOT_HANDLES})\b)"
            r"(?P<id>(?:@ ?)?[A-Za-z0-9_]*[._\d][A-Za-z0-9_.]*[A-Za-z0-9_])",
            re.IGNORECASE,
        ),
        # A word with an underscore inside is a handle in prose, cue or not: "xx_lola_xx", "kxng_kurt".
        re.compile(
            r"(?<![\w@./])(?P<id>(?=[\w.]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9.]*_[\w.]*[A-Za-z0-9_])(?![\w@/])"
        ),
        # "Snapchat: lils.xo", "username b1gman_77", "gamertag was xXSniperXx": any token.
        re.compile(
            rf"\b(?:(?:{_PLATFORMS})(?:\s(?:handle|username|user\s?name|user|name|account|id|profile))?\s?:"
            rf"|(?:handle|username|user\s?name|user\sid|screen\sname|profile\sname|gamertag)\b"
            rf"(?:\s?:|\sis|\swas|\sof|\s-|\scalled)?)\s*(?!(?:@ ?)?(?:{_NOT_HANDLES})\b)(?P<id>{_HANDLE})",
            re.IGNORECASE,
        ),
    ),
}

# "Snapchat leahmxo", "her insta is dazzab": a platform, then a lower-case token no dictionary holds.
_PLATFORM_WORD = re.compile(
    rf"\b(?i:{_PLATFORMS})(?:\s(?i:handle|username|user\s?name|user|name|account|id|profile))?"
    rf"(?:\s(?i:is|was|called)|\s-)?\s+(?P<id>[a-z][a-z0-9_.]{{3,29}}[a-z0-9_])\b"
)


# Handle-like (a digit, dot or underscore in it, and a letter) after how people name an account:
# "posts as", "goes by", "known online as", "added her as", "gaming tag is", "PSN ID", "alias".
# Found from the token back to its cue, as tokens of that shape are few.
_HANDLE_SHAPED = re.compile(
    r"(?<![\w@.])(?=[\w.]*[A-Za-z])(?=[\w.]{4})@?[A-Za-z0-9_]*(?:[._\d][A-Za-z0-9_.]*[A-Za-z0-9_]|\d)(?![\w@])"
)
_HANDLE_CUE_BEFORE = re.compile(
    r"(?:\b(?:posts?|posted|posting|goes|went|going|known(?:\s+online)?|added\s+(?:her|him|them|me)"
    r"|messaged\s+(?:her|him|them|me)|appears?|appeared|listed|registered|saved"
    r"|call(?:s|ed)?\s+(?:himself|herself|themselves))\s+(?:online\s+)?(?:as|by|under)"
    r"(?:\s+the)?(?:\s+(?:name|handle|username|tag|account))?"
    r"|\bcall(?:s|ed|ing)?\s+(?:himself|herself|themselves)"
    r"|\b(?:tag|gamertag|id|handle|username|user\s?name|alias|profile|account|name)\b"
    r"(?:\s?:|\s?,|\sis|\swas|\s-|\sof|\scalled)?)\s+$",
    re.IGNORECASE,
)


def _handle_cue_hits(text: str) -> list[tuple[int, int]]:
    return [
        match.span()
        for match in _HANDLE_SHAPED.finditer(text)
        if _HANDLE_CUE_BEFORE.search(text[max(0, match.start() - 40) : match.start()])
    ]


def _platform_word_hits(text: str) -> list[tuple[int, int]]:
    secondary = _secondary_dictionary()
    dictionary = _dictionaries()[1]
    hits = []
    for match in _PLATFORM_WORD.finditer(text):
        key = match.group("id")
        if re.search(r"[\d_.]", key) or not (
            _is_word(key, dictionary) or key in secondary or key in allow.DOMAIN_WORDS
        ):
            hits.append(match.span("id"))
    return hits


_STREET_TYPES = (
    "street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|court|ct|place|pl|"
    "gardens|gdns|terrace|ter|grove|gr|hill|park|row|square|sq|mews|view|walk|rise|parade|green|"
    "boulevard|vale|wharf|yard|approach|croft|fields|gate|meadow|meadows|end|chase|hollow|brow"
)
_STRONG_STREET_TYPES = "street|road|avenue|lane|crescent|terrace|grove|mews|gardens|drive|close|boulevard"
_ADDRESS = re.compile(
    # "12 Acacia Avenue", "flat 3, 14a station rd", "no. 7 the mews"
    rf"\b(?:(?:flat|apartment|apt|unit|house)\s+\d+[a-z]?,?\s+)?\d{{1,4}}[a-z]?(?:-\d{{1,4}})?,?\s+"
    rf"(?:[a-z][\w'-]*\s+){{1,3}}(?:{_STREET_TYPES})\b"
    # "Acacia Avenue", "Station Road" (capitalised, no number)
    rf"|\b(?-i:[A-Z][\w'-]+\s+(?:[A-Z][\w'-]+\s+)?(?:Street|Road|Avenue|Lane|Crescent|Terrace|Grove|"
    rf"Mews|Gardens|Drive|Close|Boulevard|Way|Rise|Parade|Walk|Square))\b"
    rf"|\bflat\s+\d+[a-z]?\b",
    re.IGNORECASE,
)
_NOT_STREET_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "into",
        "onto",
        "over",
        "under",
        "before",
        "after",
        "down",
        "up",
        "along",
        "across",
        "through",
        "past",
        "round",
        "around",
        "near",
        "off",
        "miles",
        "mile",
        "yards",
        "metres",
        "meters",
        "km",
        "minutes",
        "hours",
        "days",
        "weeks",
        "months",
        "years",
        "times",
        "people",
        "officers",
        "cases",
        "was",
        "were",
        "is",
        "are",
        "had",
        "has",
    ]
)
_STRONG_STREET = re.compile(rf"(?:{_STRONG_STREET_TYPES}|rd|ave)\.?$", re.IGNORECASE)


def _address_words_name_a_street(matched: str, mixed_case: bool) -> bool:
    """ "12 Acacia Avenue" or "9 cherry tree close", not "3 miles down the road" or "400, before
    the view": the words between the number and the street type name the street."""
    words = re.findall(r"(?<!\w)[^\W\d_][\w'-]*", matched)
    if words and words[0].lower() in ("flat", "apartment", "apt", "unit", "house"):
        words = words[1:]
    middle = words[:-1]
    if not middle or any(word.lower() in _NOT_STREET_WORDS for word in middle):
        return False
    if mixed_case and not _STRONG_STREET.search(words[-1]):
        return all(word[:1].isupper() for word in middle)
    return True


_COURT_BEFORE = re.compile(r"(?:Court|Courts|Centre|Hospital|Station|Prison)(?:\s*\(|\s+at)\s*$")
_COURT_AFTER = re.compile(r"\s+(?:Crown|Magistrates|Youth|County|Family|Combined|Police|Law)\b")


def _a_courts_street(text: str, match: re.Match[str]) -> bool:
    """ "Manchester Crown Court (Crown Square)", "Minshull Street Crown Court": a street that names a
    court or a public building (no house number) is that building's public address, not a person's."""
    if re.match(r"\d", match.group()):
        return False
    return (
        _COURT_BEFORE.search(text[max(0, match.start() - 30) : match.start()]) is not None
        or _COURT_AFTER.match(text, match.end()) is not None
    )


_ADDRESS_LOWER = re.compile(
    # "lives on acacia avenue": lower case, after a preposition.
    rf"\b(?:at|on|in|near|off|to|from|of)\s+(?!(?:the|a|an|this|that|her|his|their|main|high|same|"
    rf"next|busy|quiet|local|dual|slip|ring|side|back|country|private|public|any|every|one|each)\b)"
    rf"(?P<id>[a-z][a-z'-]+\s+(?:{_STRONG_STREET_TYPES}))\b",
)
# Welsh street names put the type first: "Heol y Felin", "48a Ffordd Las", "Lon Isaf".
_WELSH_STREET = re.compile(
    r"\b\d{1,4}[a-z]?,?\s+(?i:heol|ffordd|stryd|lon|rhodfa|cilgant|teras|maes|clos)\s+(?:(?i:y|yr)\s+)?"
    r"[A-Za-z][\w'-]+"
    r"|\b(?:Heol|Ffordd|Stryd|Lon|Rhodfa|Cilgant|Teras|Maes|Clos)\s+(?:(?:y|yr)\s+)?[A-Z][\w'-]+",
)
# Schools named after the word for school, in Welsh, Scottish Gaelic and Irish: "Ysgol Gyfun
# Gymraeg Glantaf", "Sgoil Ghaidhlig Ghlaschu", "Scoil Mhuire", "Gaelscoil na Mara".
_CELTIC_SCHOOL = re.compile(
    r"\b(?:Ysgol|Sgoil|Scoil|Gaelscoil|Gaelcholaiste|Colaiste)(?:\s+(?:y|yr|na|an|na h)?\s*[A-Z][\w'-]*){1,4}"
)
# "st joseph's rc high school": a saint's school in lower case inside mixed-case prose.
_SAINT_SCHOOL = re.compile(
    r"\b(?:st\.?|saint)\s+[a-z][\w'-]+(?:\s+(?!(?:the|a|an|her|his|their|and|or|to|at|in|of|from|on)\b)"
    r"[a-z][\w'.&-]*){0,3}\s+(?:primary|secondary|high|grammar|junior|infants?)?\s?"
    r"(?:school|academy|college|primary)\b",
    re.IGNORECASE,
)
_SCHOOL_TYPE = re.compile(
    r"\b(?:primary school|primary|secondary school|high school|grammar school|junior school|"
    r"infants? school|junior and infant school|academy|free school|sixth form college|sixth form|"
    r"college|school|comprehensive|pupil referral unit|(?-i:High(?! [A-Z])))\b",
    re.IGNORECASE,
)
_SCHOOL_WORD = re.compile(r"[\w'.&]+$")
# Words that end a school's name when reading backwards from "School": "at the school", "her
# school", "attended school" name no school.
_SCHOOL_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "at",
        "to",
        "from",
        "in",
        "into",
        "and",
        "or",
        "but",
        "her",
        "his",
        "their",
        "its",
        "our",
        "my",
        "your",
        "this",
        "that",
        "these",
        "those",
        "same",
        "local",
        "new",
        "old",
        "another",
        "previous",
        "current",
        "former",
        "each",
        "every",
        "any",
        "which",
        "what",
        "one",
        "no",
        "was",
        "is",
        "attended",
        "attends",
        "attending",
        "attend",
        "started",
        "starts",
        "left",
        "leaves",
        "moved",
        "moves",
        "changed",
        "went",
        "goes",
        "go",
        "after",
        "before",
        "during",
        "outside",
        "inside",
        "near",
        "about",
        "with",
        "by",
        "for",
        "on",
        "as",
        "also",
        "then",
        "school",
        "college",
        "academy",
        "primary",
        "secondary",
        "junior",
        "infant",
        "boarding",
        "special",
        "independent",
        "private",
        "state",
        "village",
        "nursery",
        "holidays",
        "holiday",
        "term",
        "day",
        "days",
        "meant",
        "staff",
        "teacher",
        "teachers",
        "head",
        "victim",
        "victim's",
        "child",
        "child's",
        "suspect",
        "suspect's",
        "friend",
        "friend's",
    ]
)
_SCHOOL_INNER = frozenset({"of", "and", "&", "st", "st.", "saint", "c", "e", "ce", "rc", "r.c.", "c.e."})


def _school_hits(text: str) -> list[tuple[int, int]]:
    hits = []
    lower_text = not any(c.isupper() for c in text)
    for match in _SCHOOL_TYPE.finditer(text):
        start = match.start()
        named = 0
        position = match.start()
        while True:
            word = _SCHOOL_WORD.search(text[max(0, position - 40) : position].rstrip(" "))
            if word is None or text[position - 1 : position] not in (" ",):
                break
            token = word.group()
            token_start = (
                position - 1 - len(text[max(0, position - 40) : position].rstrip(" ")) + word.start()
            )
            token_start = position - len(text[max(0, position - 40) : position]) + word.start()
            key = token.lower()
            if key in _SCHOOL_INNER and named:
                position = token_start
                if key in ("st", "st.", "saint"):
                    start = token_start
                continue
            if key in _SCHOOL_STOP or not (token[:1].isupper() or lower_text):
                break
            if key.endswith("'s") and (
                key[:-2] in allow.RELATION_WORDS or key[:-2] in _ROLES or key[:-2] in _CASE_ROLES
            ):
                # "the complainant's sixth form", "her brother's school": whose, not which.
                break
            named += 1
            start = token_start
            position = token_start
            if named == 4:
                break
        if named:
            end = match.end()
            if match.group().lower() == "academy":
                after = re.match(r"(?:\s(?-i:[A-Z][a-z][\w'-]*)){1,2}", text[end:])
                if after and not any(
                    word.lower() in _SCHOOL_STOP or word.lower() in allow.DOMAIN_WORDS
                    for word in after.group().split()
                ):
                    end += after.end()
            hits.append((start, end))
    return hits


# Names ----------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['-](?=[^\W\d_]))*")
_SENTENCE_END = frozenset(".!?:;\n•*|#>")
_OPENERS = frozenset("\"'([{- ")
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "e.g", "i.e", "etc", "no", "vs", "v", "prof", "rev"}
)
_PREFIXES = frozenset(
    [
        "pre",
        "post",
        "non",
        "multi",
        "co",
        "re",
        "ex",
        "anti",
        "self",
        "cross",
        "sub",
        "inter",
        "intra",
        "under",
        "over",
        "semi",
        "mid",
        "out",
        "up",
        "well",
        "ill",
        "step",
        "half",
        "long",
        "short",
        "full",
        "part",
    ]
)
_SUFFIXES = (
    "'s",
    "s",
    "es",
    "ed",
    "d",
    "ing",
    "ly",
    "er",
    "ers",
    "ment",
    "ments",
    "ness",
    "ies",
    "ied",
    "ee",
    "ees",
)


_ENGLISH_SPEAKING = ("en", "ga_IE")


@cache
def _name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """Given names and surnames from Faker's person providers (MIT licence), every locale,
    folded to plain Latin letters. Two-letter entries are left out (they are mostly words), and so
    is a name from a locale where English is not spoken that is also an English word ("Edit" is a
    Hungarian name, "Made" a Balinese one; in English prose they are words)."""
    import importlib
    import pkgutil

    import faker.providers.person as person

    # Webster's lower-case words only: GCIDE lower-cased also holds names ("Hamid").
    everyday = _dictionaries()[1]
    given: set[str] = set()
    family: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        english = module.name.startswith(_ENGLISH_SPEAKING)
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr, into in (
            ("first_names", given),
            ("first_names_male", given),
            ("first_names_female", given),
            ("first_names_nonbinary", given),
            ("last_names", family),
        ):
            values = provider.__dict__.get(attr, ())
            if not isinstance(values, (list, tuple, set, frozenset, dict)):
                continue
            for value in values:
                key = normalise(value).lower()
                if len(key) > 2 and _TOKEN.fullmatch(key) and (english or key not in everyday):
                    into.add(key)
                elif len(key) > 2 and _TOKEN.fullmatch(key) and into is given:
                    _FOREIGN_WORD_NAMES.add(key)
    return frozenset(given), frozenset(family)


# Given names from a locale where English is not spoken that are also English words ("Florin",
# "Edit"): words in prose, but names where only a person can stand (filled by `_name_lists`).
_FOREIGN_WORD_NAMES: set[str] = set()


@cache
def _countries() -> tuple[frozenset[str], frozenset[str]]:
    """(one-word countries, multi-word countries), less those that are also given names."""
    given = _name_lists()[0]
    single, multi = set(), set()
    for country in allow.countries():
        key = normalise(country).lower()
        if re.fullmatch(r"[a-z]+(?:[ -][a-z]+)*", key) is None:
            continue
        if " " in key:
            multi.add(key)
        elif key not in given:
            single.add(key)
    return frozenset(single), frozenset(multi)


@cache
def _places() -> tuple[frozenset[str], frozenset[str]]:
    """(one-word UK places, multi-word UK places), less those that are also given names."""
    given = _name_lists()[0]
    single, multi = set(), set()
    for place in allow.uk_places():
        key = normalise(place).lower()
        if " " in key:
            multi.add(key)
        elif key not in given:
            single.add(key)
    return frozenset(single), frozenset(multi)


@cache
def _secondary_dictionary() -> frozenset[str]:
    """GCIDE's headwords (english-words), lower-cased: modern words Webster's 1934 list lacks
    ("edit", "online", "email"). Used only for words on no name list, as it also holds some names."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["gcide"], lower=True))


@cache
def _dictionaries() -> tuple[frozenset[str], frozenset[str]]:
    """(basic, dictionary): basic English vocabulary (Faker's lorem word list, MIT) with the
    ambiguous given names; and every word Webster's list (english-words, MIT) spells in lower case."""
    import faker.providers.lorem.en_US as lorem
    from english_words import get_english_words_set

    basic = {word.lower() for word in lorem.Provider.word_list}
    for words in lorem.Provider.parts_of_speech.values():
        basic.update(word.lower() for word in words)
    basic |= allow.AMBIGUOUS_GIVEN_NAMES
    dictionary = {word for word in get_english_words_set(["web2"], alpha=False) if word.islower()}
    return frozenset(basic), frozenset(dictionary | basic)


@lru_cache(maxsize=65536)
def _is_word(key: str, dictionary: frozenset[str], *, compound: bool = True, british: bool = True) -> bool:
    if key in dictionary:
        return True
    if british:
        for variant in _american(key):
            if _is_word(variant, dictionary, compound=False, british=False):
                return True
    if compound and len(key) >= 6:
        # "screenshots", "postcode", "payslip": two everyday words run together (everyday ones
        # only: "Fen" and "wick" are in Webster's, and Fenwick is a surname).
        basic = _dictionaries()[0]
        for cut in range(3, len(key) - 2):
            if _is_word(key[:cut], basic, compound=False, british=False) and _is_word(
                key[cut:], basic, compound=False, british=False
            ):
                return True
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 3:
            stem = key[: -len(suffix)]
            if (
                stem in dictionary
                or stem + "e" in dictionary
                or (stem[-1:] == stem[-2:-1] and stem[:-1] in dictionary)
            ):
                return True
            if suffix in ("ies", "ied") and stem + "y" in dictionary:
                return True
    return False


def _american(key: str) -> list[str]:
    """Webster's spells American: finalised, organisation, behaviour, centre."""
    variants = []
    for british, american in (("is", "iz"), ("our", "or"), ("tre", "ter"), ("ogue", "og"), ("ll", "l")):
        index = key.rfind(british)
        if index > 1:
            variants.append(key[:index] + american + key[index + len(british) :])
    return variants


@cache
def _allowed_phrases() -> re.Pattern[str]:
    phrases = sorted(
        allow.DOMAIN_PHRASES
        | {term for term in allow.DOMAIN_WORDS if " " in term}
        | _countries()[1]
        | _places()[1],
        key=len,
        reverse=True,
    )
    return re.compile(rf"(?<![\w'-])(?:{_trie(phrases)})(?![\w-])", re.IGNORECASE)


def _trie(phrases: Iterable[str]) -> str:
    """One regular expression for many phrases, as a trie of characters (a space matches any run
    of spaces): a plain alternation is tried phrase by phrase at every position of the text."""
    root: dict[str, dict] = {}
    for phrase in phrases:
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = []
        for char in sorted(node, key=lambda c: (c == "", c)):
            if char == "":
                continue
            piece = r"\s+" if char == " " else re.escape(char)
            branches.append(piece + build(node[char]))
        ending = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ending else body

    return build(root)


class _Class(StrEnum):
    ALLOW = "allow"  # domain language
    GIVEN = "given"  # a given name that is not an everyday word
    FAMILY = "family"  # a surname that is not an everyday word
    WEAK = "weak"  # on a name list, but also an everyday word (Will, May, Green, Young)
    UNKNOWN = "unknown"  # neither a word nor on a list: a proper noun nobody declared
    WORD = "word"  # ordinary English


@dataclass
class _Token:
    start: int
    end: int
    word: str
    key: str
    cls: _Class
    shape: str  # "cap", "upper", "lower", "other"
    sentence_start: bool
    in_dictionary: bool
    name: bool = False


@lru_cache(maxsize=65536)
def _classify(key: str, word: str) -> tuple[_Class, bool]:
    given, family = _name_lists()
    basic, dictionary = _dictionaries()
    if key in allow.DOMAIN_WORDS or key in _countries()[0]:
        return _Class.ALLOW, True
    if key in allow.SHORT_GIVEN_NAMES:
        return _Class.WEAK, True
    if key in _places()[0]:
        # "taken to Swindon", "Kent and Medway": a place reads as a word, so a title or a name
        # beside it still makes it a name ("Mr Swindon", "Sarah Barnsley").
        return _Class.WORD, True
    parts = [part for part in key.split("-") if part]
    if len(parts) > 1:
        classified = [_classify(part, part) for part in parts]
        classes = [c for c, _ in classified]
        pairs = list(zip(classes, parts, strict=True))
        if all(c in (_Class.WORD, _Class.ALLOW) or p in _PREFIXES for c, p in pairs):
            return _Class.WORD, True
        if all(c in (_Class.WORD, _Class.ALLOW, _Class.WEAK) or p in _PREFIXES for c, p in pairs):
            return _Class.WEAK, True
        in_dictionary = all(d or p in _PREFIXES for (_, d), p in zip(classified, parts, strict=True))
        for wanted in (_Class.GIVEN, _Class.FAMILY, _Class.UNKNOWN):
            if wanted in classes:
                return wanted, in_dictionary
    in_dictionary = _is_word(key, dictionary)
    bare = key[2:] if key.startswith("o'") and len(key) > 4 else key
    if re.fullmatch(r"(?:mc|mac|fitz)[A-Z][a-z]+|O'[A-Z][a-z]+", word) or bare != key:
        return _Class.FAMILY, False
    if key in basic:
        return (_Class.WEAK if key in given or key in family else _Class.WORD), True
    if key in given:
        return _Class.GIVEN, in_dictionary
    if key in family:
        return _Class.FAMILY, in_dictionary
    if in_dictionary or _is_word(key, _secondary_dictionary(), compound=False):
        return _Class.WORD, True
    return _Class.UNKNOWN, False


def _shape(word: str) -> str:
    """ "cap" (Sarah, McDonald, iPhone), "upper" (SARAH), "lower" (sarah). Tokens start with a letter."""
    if word.isupper():
        return "upper" if len(word) > 1 else "cap"
    if word[0].isupper() or not word.islower():
        return "cap"
    return "lower"


def _at_sentence_start(text: str, start: int) -> bool:
    index = start - 1
    while index >= 0 and text[index] in _OPENERS:
        index -= 1
    if index < 0:
        return True
    char = text[index]
    if char not in _SENTENCE_END:
        return False
    if char == ".":
        before = re.search(r"([\w.]+)\.$", text[max(0, index - 8) : index + 1])
        if before and (before.group(1).lower() in _ABBREVIATIONS or len(before.group(1)) == 1):
            return False
    return True


# The title of an Act or of official guidelines: "the Youth Justice and Criminal Evidence Act 1999",
# "the Attorney General's Guidelines". Its capitalised words are a statute's name, not a person's.
_STATUTE = re.compile(
    r"(?<![\w'-])(?-i:(?:[A-Z][\w'()-]*\s+(?:(?:of|and|the|for|to|in|on|from|&)\s+)*)+"
    r"(?:Act|Acts|Bill|Regulations|Guidelines|Order|Orders|Notice|Notices|Scheme|Protocol|Guidance))"
    r"(?:\s+\d{4})?(?![\w-])"
)
# A place before a court, force or public body ("Preston Crown Court", "Gwent Police"), or after
# "HMP"/"CPS" ("HMP Styal", "CPS Mersey-Cheshire"): a place's name, not a person's.
_INSTITUTION = re.compile(
    r"(?-i:(?:[A-Z][\w'-]*(?:\s+(?:and|upon|on|under|in|the|of)\s+|\s+)){1,3})(?=(?-i:Crown\s+Court|"
    r"Magistrates|Youth\s+Court|Family\s+Court|County\s+Court|Combined\s+Court|Police|Constabulary|"
    r"(?:City\s+|Borough\s+|County\s+|District\s+)?Council|Hospital|Infirmary|University|Prison|"
    r"Sexual\s+Assault\s+Referral|SARC|RASSO|ISVA\s+Service|CPS)\b)"
    r"|(?<![\w'-])(?-i:(?:HMP|HMYOI|CPS)(?:\s+[A-Z][\w'-]*){1,3})"
)
# "Manchester Crown Court (Minshull Street)": the court's site in brackets after it.
_COURT_SITE = re.compile(r"(?<=Court \()(?-i:[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2})(?=\))")
# "Case K", "Victim 2", "Officer B": an anonymised label and its letter or number.
_LABELLED = re.compile(
    rf"(?<![\w'-])(?i:{_trie(allow.LABEL_WORDS)})"
    r"\s+(?:[A-Z]|\d{1,3}[a-z]?)(?![\w'-])"
)


# "Mon-Fri", "Tue and Wed", "Sat 10-2": weekday abbreviations in a run of weekdays or before a time.
_WEEKDAY_NAMES = (
    "|".join(sorted(allow.WEEKDAY_ABBREVIATIONS, key=len, reverse=True))
    + "|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_WEEKDAY_RUN = re.compile(
    rf"(?<![\w'-])(?:{_WEEKDAY_NAMES})\.?(?:\s*(?:-|to|and|or|&|,|/)\s*(?:{_WEEKDAY_NAMES})\.?)+(?![\w-])"
    rf"|(?<![\w'-])(?:{_WEEKDAY_NAMES})\.?(?=,?\s*\d{{1,2}}(?:[:.]\d\d)?\s*(?:am|pm|-|to)\b)",
    re.IGNORECASE,
)


def _titled_bill(statute: str) -> bool:
    """ "Mr Bill Osei", "Dr Will Grant": a title then a given name is a person, not a statute's title."""
    words = re.findall(r"[\w'()-]+", statute)
    return len(words) >= 2 and words[-1] == "Bill" and words[-2].lower() in allow.TITLES


def _tokens(text: str) -> list[_Token]:
    allowed_spans = sorted(
        [(m.start(), m.end()) for m in _allowed_phrases().finditer(text)]
        + [(m.start(), m.end()) for m in _STATUTE.finditer(text) if not _titled_bill(m.group())]
        + [(m.start(), m.end()) for m in _INSTITUTION.finditer(text)]
        + [(m.start(), m.end()) for m in _LABELLED.finditer(text)]
        + [(m.start(), m.end()) for m in _COURT_SITE.finditer(text)]
        + [(m.start(), m.end()) for m in _WEEKDAY_RUN.finditer(text)]
    )
    tokens = []
    span_index = 0
    for match in _TOKEN.finditer(text):
        word = match.group()
        start, end = match.start(), match.end()
        if word.lower().endswith("'s") and len(word) > 3:
            word, end = word[:-2], end - 2
        elif (clitic := re.search(r"'(?:d|ed|ing)$", word, re.IGNORECASE)) and clitic.start() >= 2:
            # "NFA'd", "RUI'ed": an acronym used as a verb.
            word, end = word[: clitic.start()], end - (len(word) - clitic.start())
        while span_index < len(allowed_spans) and allowed_spans[span_index][1] <= start:
            span_index += 1
        key = word.lower()
        if span_index < len(allowed_spans) and allowed_spans[span_index][0] <= start:
            cls, in_dictionary = _Class.ALLOW, True
        else:
            cls, in_dictionary = _classify(key, word)
        tokens.append(
            _Token(start, end, word, key, cls, _shape(word), _at_sentence_start(text, start), in_dictionary)
        )
    return tokens


def _inflected(key: str) -> bool:
    """ "following", "arrested", "reportedly": an everyday word with an -ing, -ed or -ly ending."""
    dictionary = _dictionaries()[1]
    for suffix in ("ing", "ed", "ly"):
        stem = key[: -len(suffix)]
        if (
            key.endswith(suffix)
            and len(stem) >= 3
            and (
                stem in dictionary
                or stem + "e" in dictionary
                or (stem[-1] == stem[-2] and stem[:-1] in dictionary)
            )
        ):
            return True
    return False


_PERSON_VERBS = frozenset(
    re.findall(
        r"[a-z]+",
        """said says told tells asked asks replied reported reports disclosed discloses stated states
    explained explains described describes felt feels wanted wants agreed agrees denied denies admitted
    admits claimed claims recalled recalls remembered remembers texted messaged rang phoned emailed
    picked drove walked ran went came returned withdrew decided refused gave met knew saw heard
    thought believed tried got screamed cried woke spoke lives lived works worked studied moved
    confirmed accepted alleged insisted whispered shouted sent received""",
    )
)


def _decide(token: _Token) -> bool:
    """Whether this token on its own reads as (part of) a person's name."""
    cls, shape = token.cls, token.shape
    if cls in (_Class.ALLOW, _Class.WORD):
        return False
    if shape == "cap":
        if cls is _Class.GIVEN:
            return True
        if token.sentence_start:
            # "Sarah told…", "Okonkwo said…": a listed or unknown name; a surname that is also in
            # Webster's ("Street lighting…") waits for a neighbour.
            return cls is _Class.UNKNOWN or (cls is _Class.FAMILY and not token.in_dictionary)
        # Mid-sentence capitals: deny by default. Will/May/Green wait for a neighbour or a title.
        return cls in (_Class.FAMILY, _Class.UNKNOWN, _Class.WEAK)
    if shape == "upper" and len(token.word) <= 3:
        # "RUI", "SHPO"-like acronyms: a three-letter word in capitals is a name only beside one.
        return False
    # Capitals or lower case: listed names that are not English words at all ("SARAH", "aisha").
    return cls in (_Class.GIVEN, _Class.FAMILY) and not token.in_dictionary


_PAST_VERBS = frozenset(
    re.findall(
        r"[a-z]+",
        """went came took gave got left kept made sent met knew saw heard thought told said ran drove
    rode wrote spoke woke bought brought caught found held felt lost paid put sat slept stood won wore
    threw hid hit let lay led meant began broke chose fell flew forgot froze grew hung shook stole swore
    tore became did does has have says tells knows wants thinks lives works goes gets sees keeps
    remembers believes recalls deleted""",
    )
)
_ADVERBS = frozenset(
    re.findall(
        r"[a-z]+",
        """later then also never initially first still originally previously subsequently allegedly
    reportedly eventually finally only always often just already again immediately apparently
    repeatedly herself himself now once""",
    )
)
# Nouns for a person's part in a case: "Bill was the landlord", "Miles, her stepfather, …".
_ROLES = frozenset(
    re.findall(
        r"[a-z-]+",
        """landlord landlady driver owner manager tenant lodger flatmate housemate employer boss coach
    tutor pastor imam priest vicar doctor nurse worker babysitter childminder host man woman boy girl
    lad person bouncer barman barmaid bartender doorman guard cleaner caretaker receptionist passenger
    student pupil classmate schoolfriend mate child baby kid teenager resident dealer groomer
    offender perpetrator attacker accused informant caller sibling twin relative godfather godmother
    guardian parent stepdad stepmum step-dad step-mum fiance fiancee one eldest youngest only
    older younger first second other main oic sio isva idva chisva dsl lado""",
    )
) | allow.RELATION_WORDS - {"named", "called"}
# Nouns after a name's "'s" at a sentence start: "Ivy's statement", "Joy's mum".
_ATTRIBUTES = frozenset(
    re.findall(
        r"[a-z]+",
        """statement account evidence interview mum mother dad father brother sister friend friends
    boyfriend girlfriend partner husband wife family phone house flat home car school room bedroom
    parents aunt uncle cousin nan grandmother grandfather son daughter children child
    messages texts injuries clothes bag laptop profile version memory recollection disclosure report
    allegation case ex""",
    )
)
# Words that are on a given-name list but open sentences as ordinary subjects ("Case reviewed…",
# "Chance played a part", "Justice was done"): never read as a name by the sentence-start rules.
_NOT_PERSON_SUBJECTS = frozenset(
    re.findall(
        r"[a-z]+",
        """case cases price chance justice liberty unity mercy patience major royal noble long young
    best green white brown black gray grey wood hill north south east west hall stone rock cash early
    harm win will may june april august march""",
    )
)
# Given names that are also abstract nouns opening sentences as such ("Hope remained…", "Faith
# groups…"): a name only before a verb of speech or report ("Hope said…"), an age or a role.
_ABSTRACT_NAMES = frozenset(
    ["hope", "faith", "grace", "joy", "charity", "trust", "honour", "destiny", "glory"]
)
# Officers' and services' roles naming a person where a relation word would ("Per the OIC, kasia…").
_CASE_ROLES = frozenset(["oic", "sio", "isva", "idva", "chisva", "dsl", "lado", "flo", "vlo", "sois"])
_DETERMINERS = frozenset(
    re.findall(r"[a-z]+", "his her their my our your the a an this that these those its him them me us")
)
_TWO_LETTER_WORDS = frozenset(
    re.findall(
        r"[a-z]+", "am an as at be by do go he hi if in is it me my no of oh ok on or so to up us we ya yo"
    )
)
_AGE_AFTER = re.compile(r" \((?:aged? )?\d{1,2}\)|, (?:aged? )?\d{1,2}\b")
_NAME_SLOT_BEFORE = re.compile(
    r"(?:\bcalled|\bnamed|\bknown as|\bonly as|\b(?:him|her|them|himself|herself|themselves) as)"
    r" (?:(?:big|little|lil|young|old|mad|fat|baby) )?$",
    re.IGNORECASE,
)


def _person_name_opening(token: _Token) -> bool:
    """A capitalised word opening a sentence that could be a given name ("Hope", "Bill", "Florin")."""
    if not (token.sentence_start and token.shape == "cap") or token.cls is _Class.ALLOW:
        return False
    if token.key in _NOT_PERSON_SUBJECTS:
        return False
    return (
        token.key in _name_lists()[0]
        or token.key in allow.AMBIGUOUS_GIVEN_NAMES
        or token.key in _FOREIGN_WORD_NAMES
    )


def _does_what_a_person_does(text: str, tokens: list[_Token], index: int) -> bool:
    """After a possible name: a verb in the past (or a person's present), maybe after an adverb;
    "was/had been", "was the landlord"; an age "(16)" or ", 16,"."""

    def at(i: int) -> _Token | None:
        return tokens[i] if i < len(tokens) else None

    def adjacent(left: _Token, right: _Token | None) -> bool:
        return right is not None and text[left.end : right.start] == " "

    token = tokens[index]
    # "Miles travelled…", "Rows reviewed…": a name that is also a plural noun takes only a verb
    # a person does, never a bare participle.
    plural = token.key.endswith("s") and token.key[:-1] in _dictionaries()[1]
    abstract = token.key in _ABSTRACT_NAMES or plural

    def verb(t: _Token | None) -> bool:
        return (
            t is not None
            and t.shape == "lower"
            and (
                t.key in _PERSON_VERBS
                or t.key in allow.PERSON_VERBS
                or (not abstract and (t.key in _PAST_VERBS or (t.key.endswith("ed") and _inflected(t.key))))
            )
        )

    if _AGE_AFTER.match(text, token.end):
        return True
    nxt = at(index + 1)
    if nxt is None:
        return False
    if text[token.end : nxt.start] == ", ":
        # "Miles, her stepfather, …": an apposition naming the person's part.
        det, role = nxt, at(index + 2)
        return (
            det is not None
            and det.key in ("her", "his", "their", "the", "a", "an", "my", "our")
            and role is not None
            and role.key in _ROLES
            and adjacent(det, role)
        )
    if text[token.end : token.end + 2] == "'s" and nxt.start == token.end + 3:
        return nxt.key in _ATTRIBUTES
    if not adjacent(token, nxt):
        return False
    if nxt.key == "and":
        # "Grace and her partner moved…", "Rocky and his friend…": a name and the person's own.
        own, whose = at(index + 2), at(index + 3)
        return (
            adjacent(nxt, own)
            and own is not None
            and own.key in ("her", "his", "their")
            and whose is not None
            and adjacent(own, whose)
            and (whose.key in _ROLES or whose.key in _ATTRIBUTES)
        )
    if verb(nxt):
        return True
    if nxt.key in _ADVERBS and verb(at(index + 2)) and adjacent(nxt, at(index + 2)):
        return True
    if nxt.key in ("was", "is", "had", "has", "would", "could", "did"):
        after = at(index + 2)
        if after is None or not adjacent(nxt, after):
            return False
        if after.key == "been" or verb(after) and nxt.key in ("had", "has", "would", "could", "did"):
            return True
        role = at(index + 3)
        return (
            after.key in ("the", "a", "an", "her", "his", "their", "my", "our")
            and role is not None
            and role.key in _ROLES
            and adjacent(after, role)
        )
    return False


# "said were", "was told": verbs that are also on a name list ("Said", "Were") never pair into a name.
_COMMON_VERBS = frozenset(
    re.findall(
        r"[a-z]+",
        """said says were was is are am be been being had has have having did does do done will would
    could should shall can may might must went got told saw see made came left took gave asked then
    than when where also not too very more most much many now here there only just even still well
    like""",
    )
)


def _gap(text: str, left: _Token, right: _Token) -> bool:
    """Whether two tokens sit next to each other as parts of one name ("Mary Jane", "J. Smith")."""
    between = text[left.end : right.start]
    return between in (" ", "-") or (between == ". " and len(left.word) == 1 and left.word not in "AI")


def _name_hits(text: str) -> list[tuple[int, int]]:
    tokens = _tokens(text)
    for token in tokens:
        token.name = _decide(token)
    listed = (_Class.GIVEN, _Class.FAMILY, _Class.WEAK, _Class.UNKNOWN)
    for index, token in enumerate(tokens):
        # "the Sexual Harm Prevention Order", "after Early Advice": a capitalised everyday word in a
        # run of capitalised everyday words is a title, not a name ("Harm", "Early" are surnames).
        if (
            token.name
            and not token.sentence_start
            and token.shape == "cap"
            and len(token.word) >= 4
            and token.in_dictionary
            and token.cls in (_Class.WEAK, _Class.FAMILY)
        ):
            neighbours = [tokens[i] for i in (index - 1, index + 1) if 0 <= i < len(tokens)]
            if any(
                other.shape == "cap"
                and not other.sentence_start
                and len(other.word) >= 4
                and other.key not in _FOREIGN_WORD_NAMES
                and other.key not in _places()[0]
                and other.cls in (_Class.WORD, _Class.ALLOW)
                and other.key not in allow.TITLES
                and other.key not in allow.RELATION_WORDS
                and _gap(text, *sorted((token, other), key=lambda t: t.start))
                for other in neighbours
            ):
                token.name = False
    for index, token in enumerate(tokens[:-2]):
        # "Violet and indigo markers…", "Amber or red flags": a given name that is also a word,
        # opening a sentence and joined to an everyday word, is that word.
        joined, after = tokens[index + 1], tokens[index + 2]
        if (
            token.name
            and token.sentence_start
            and token.cls is _Class.GIVEN
            and token.in_dictionary
            and joined.key in ("and", "or")
            and text[token.end : after.start] == f" {joined.word} "
            and after.shape == "lower"
            and after.cls in (_Class.WORD, _Class.WEAK)
            and after.key not in _DETERMINERS
        ):
            token.name = False
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else None
        # "Hope (16) said…", "Summer deleted…", "Bill was the landlord", "Florin was the driver",
        # "Miles, her stepfather,", "Ivy's statement": a word that could be a given name, opening
        # a sentence, then what only a person does or is.
        if _person_name_opening(token) and _does_what_a_person_does(text, tokens, index):
            token.name = True
        # "Mark and Amber were…": two possible given names joined by "and" opening a sentence.
        if (
            _person_name_opening(token)
            and index + 3 <= len(tokens)
            and tokens[index + 1].key == "and"
            and text[token.end : tokens[index + 2].end].count(" ") == 2
        ):
            other = tokens[index + 2]
            follow = tokens[index + 3] if index + 3 < len(tokens) else None
            if (
                other.shape == "cap"
                and (other.cls in listed or other.key in _FOREIGN_WORD_NAMES)
                and other.key not in _NOT_PERSON_SUBJECTS
                and (
                    _does_what_a_person_does(text, tokens, index + 2)
                    or (follow is not None and follow.key in ("were", "both", "had", "have", "are"))
                )
            ):
                token.name = other.name = True
        # "a man called Taras", "known as Florin": the name slot takes any capitalised word that is
        # not everyday vocabulary.
        if (
            token.shape == "cap"
            and token.cls in (_Class.WORD, _Class.WEAK)
            and token.key not in _dictionaries()[0]
            and _NAME_SLOT_BEFORE.search(text[max(0, token.start - 30) : token.start])
        ):
            token.name = True
        # After a title or rank: "DC Smith", "Mrs Green", "PC BEST".
        if (
            previous is not None
            and previous.key in allow.TITLES
            and text[previous.end : token.start] in (" ", ". ")
            and token.cls is not _Class.ALLOW
            and token.key not in allow.TITLES
            and token.key not in _COMMON_VERBS
            and (
                (previous.shape in ("cap", "upper") and token.shape in ("cap", "upper"))
                or token.cls in (_Class.GIVEN, _Class.FAMILY, _Class.UNKNOWN)
            )
        ):
            token.name = True
        # "Rose told the officer…", "Mark said…": an ambiguous name (or a surname that is also a
        # word) opening a sentence as the subject of a verb only a person does.
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            token.sentence_start
            and token.shape == "cap"
            and token.cls in (_Class.WEAK, _Class.FAMILY)
            and following is not None
            and following.key in allow.PERSON_VERBS
            and text[token.end : following.start] == " "
        ):
            token.name = True
        # "her brother, Tom, …", "the victim, aisha, …", "a man called jordan": any listed or
        # unknown word in the name slot.
        if (
            previous is not None
            and (previous.key in allow.RELATION_WORDS or previous.key in _CASE_ROLES)
            and text[previous.end : token.start] == (" " if previous.key in ("named", "called") else ", ")
            and token.cls in listed
            and (
                token.cls is not _Class.WEAK
                or token.shape != "lower"
                or text[token.end : token.end + 1] == ","
            )
        ):
            token.name = True
        # "her friend 'Tash'", "the suspect “Big Dee”": a capitalised word in quotes after a
        # relation or role is what the person is called.
        if (
            previous is not None
            and (previous.key in allow.RELATION_WORDS or previous.key in _CASE_ROLES)
            and text[previous.end : token.start] in (" '", ' "')
            and token.shape in ("cap", "upper")
            and token.cls is not _Class.ALLOW
            and re.match(r"(?:\s[A-Z][\w'-]*)?['\"]", text[token.end : token.end + 30]) is not None
        ):
            token.name = True
        # "Suspect Kyaw Min was…", "the victim Ngozi said": a role, then a capitalised word that
        # is not in Webster's ("kyaw" is only in GCIDE; "Victim Liaison Officers" is a title).
        if (
            previous is not None
            and previous.key in allow.RELATION_WORDS
            and previous.key not in ("named", "called")
            and text[previous.end : token.start] == " "
            and token.shape == "cap"
            and token.cls in (_Class.WORD, _Class.WEAK, _Class.UNKNOWN, _Class.GIVEN, _Class.FAMILY)
            and not _is_word(token.key, _dictionaries()[1])
            and token.key not in allow.LABEL_WORDS
            and token.key not in allow.TITLES
            and not _inflected(token.key)
        ):
            token.name = True
        # "Grace said…", "Mark picked her up…", "Hope was 17…": a name that is also an everyday
        # word, at a sentence start, followed by what only a person does.
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            token.sentence_start
            and token.shape == "cap"
            and (token.cls is _Class.WEAK or (token.cls is _Class.GIVEN and token.in_dictionary))
            and following is not None
            and text[token.end : following.start] == " "
            and (
                following.key in _PERSON_VERBS
                or (
                    following.key in ("was", "is", "who")
                    and re.match(r" (?:aged )?\d|, ", text[following.end : following.end + 6]) is not None
                )
            )
        ):
            token.name = True
    # Neighbours: a listed name next to a name joins it ("Will Smith", "jordan miller", "SEAN MCDONALD").
    changed = True
    while changed:
        changed = False
        for left, right in zip(tokens, tokens[1:], strict=False):
            if not _gap(text, left, right) or left.name == right.name:
                continue
            named, other = (left, right) if left.name else (right, left)
            same_shape = (
                other.shape == named.shape
                or {other.shape, named.shape} <= {"cap", "upper"}
                and (len(other.word) == 1 or len(named.word) == 1)
            )
            if not same_shape:
                continue
            initial = other.shape == "cap" and len(other.word) == 1 and other.word not in "AI"
            # A capitalised word Webster's also holds ("Ling", "Florin", "Paddy") next to a name that
            # is on a list or on none: part of the name, unless it is everyday vocabulary or a rank.
            rare_word = (
                other.cls is _Class.WORD
                and other.shape in ("cap", "upper")
                and named.cls in (_Class.GIVEN, _Class.FAMILY, _Class.UNKNOWN, _Class.WORD)
                and other.key not in _dictionaries()[0]
                and other.key not in allow.TITLES
                and other.key not in allow.RELATION_WORDS
                # "Following Sarah's arrest": an inflected word is not part of a name.
                and not _inflected(other.key)
            )
            # "Li Na", "Wu Jun": a two-letter capitalised word, or a month that is also a given name,
            # beside a name (never beside a number: "Smith 3 May").
            short = (
                len(other.word) == 2
                and other.shape == "cap"
                and other.word[1].islower()
                and other.key not in _TWO_LETTER_WORDS
                and other.cls is not _Class.ALLOW
            )
            month_name = (
                other.key in ("jun", "june", "may", "april", "august")
                and other.shape == "cap"
                and re.search(r"\d\s*$", text[max(0, other.start - 4) : other.start]) is None
                and re.match(r"\s*\d", text[other.end : other.end + 3]) is None
            )
            # "Lance Whitby", "Sarah Barnsley": a place's name beside a name is a surname.
            place = other.shape in ("cap", "upper") and other.key in _places()[0]
            if (
                other.cls in listed
                or rare_word
                or place
                or short
                or month_name
                or (initial and other.cls is not _Class.ALLOW)
            ):
                other.name = True
                changed = True
        if not changed:
            # Two listed names side by side in lower case or capitals ("tom baker", "JORDAN MILLER").
            for left, right in zip(tokens, tokens[1:], strict=False):
                if (
                    not left.name
                    and _gap(text, left, right)
                    and not ({left.key, right.key} & _COMMON_VERBS)
                    and left.cls in (_Class.GIVEN, _Class.WEAK)
                    and right.cls in (_Class.FAMILY, _Class.GIVEN, _Class.WEAK)
                    and left.shape == right.shape
                    and (left.cls is _Class.GIVEN or right.cls is _Class.FAMILY)
                ):
                    left.name = right.name = True
                    changed = True
    spans: list[tuple[int, int]] = []
    for index, token in enumerate(tokens):
        if not token.name:
            continue
        start = token.start
        previous = tokens[index - 1] if index else None
        if (
            previous is not None
            and previous.key in allow.TITLES
            and text[previous.end : start] in (" ", ". ")
        ):
            start = previous.start
        if spans and _joined(text, spans[-1][1], start):
            spans[-1] = (spans[-1][0], token.end)
        else:
            spans.append((start, token.end))
    return spans


_PARTICLES = re.compile(
    r" (?:(?:de|da|di|du|del|della|dos|das|do|van|von|der|den|ter|ten|le|la|bin|bint|ibn|al|el|y"
    r"|ni|nic|ui|ua|ap|ab|mac|mic) )+",
    re.IGNORECASE,
)


def _joined(text: str, end: int, start: int) -> bool:
    """Two name hits are one name: side by side, or joined by particles ("Ana de Souza")."""
    between = text[end:start]
    return between in (" ", "-", ". ", "") or _PARTICLES.fullmatch(between) is not None


# Finding --------------------------------------------------------------------------------------------

_PRIORITY = {kind: rank for rank, kind in enumerate(IdentifierKind)}
_PRIORITY[IdentifierKind.DATE_OF_BIRTH] = -2
_PRIORITY[IdentifierKind.NHS_NUMBER] = -1


def _nhs_number_valid(digits: str) -> bool:
    """The NHS number's modulus-11 check digit."""
    if len(digits) != 10 or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


_URN_CUE = re.compile(r"\b(?:urn|cps|mg3|charging|unique reference)\b", re.IGNORECASE)
# "NHS", or how a GP's or hospital's letter names the number: "the patient's number", "GP".
_NHS_CUE = re.compile(
    r"\b(?:nhs|gp|patient(?:'s)?\s+(?:number|no)|health\s+(?:service\s+)?number)\b", re.IGNORECASE
)
_CANONICAL_NHS = re.compile(r"\d{3}([ .\-]{0,3})\d{3}\1\d{4}|\d{10}")
_OTHER_REFERENCE_CUE = re.compile(
    r"\b(?:crime|occurrence|urn|ref(?:erence)?|log|cad|incident|case|account|sort|tel|phone|mobile)\b",
    re.IGNORECASE,
)


def _nhs_number_plausible(text: str, match: re.Match[str]) -> bool:
    """Ten digits with a valid check digit, written 3-3-4 or as one block, or in any other grouping
    with "NHS" in the 60 characters before it or 30 after. A canonical one right after another
    reference's cue ("crime ref 2300145678") and with no NHS cue is that reference instead."""
    if not _nhs_number_valid(re.sub(r"\D", "", match.group())):
        return False
    before = text[max(0, match.start() - 60) : match.start()]
    after = text[match.end() : match.end() + 30]
    cued = _NHS_CUE.search(before) is not None or _NHS_CUE.search(after) is not None
    if cued:
        return True
    if _CANONICAL_NHS.fullmatch(match.group()) is None:
        return False
    return _OTHER_REFERENCE_CUE.search(text[max(0, match.start() - 25) : match.start()]) is None


def _plate_case_consistent(plate: str) -> bool:
    """ "AB12 CDE" and "ab12cde", not "MG11 was": a plate is written in one case, and a
    lower-case one split off by a space is not an everyday word."""
    letters = "".join(c for c in plate if c.isalpha())
    if not (letters.isupper() or letters.islower()):
        return False
    tail = re.search(r"[ \-]([a-z]{3})$", plate, re.IGNORECASE)
    spaced = re.match(r"[a-z]{2}[ \-]\d", plate, re.IGNORECASE) is not None
    # "ON 12 MAY", "mg11 was": a separated three-letter everyday word is not a plate's letters.
    return not (tail and (letters.islower() or spaced) and tail.group(1).lower() in _dictionaries()[0])


def _raw_hits(text: str, wanted: frozenset[IdentifierKind]) -> list[tuple[IdentifierKind, int, int]]:
    hits: list[tuple[IdentifierKind, int, int]] = []
    for kind, pattern in _PATTERNS.items():
        if kind not in wanted:
            continue
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind is IdentifierKind.VEHICLE_REG and not _plate_case_consistent(match.group()):
                continue
            if kind is IdentifierKind.NHS_NUMBER and not _nhs_number_plausible(text, match):
                continue
            if (
                kind is IdentifierKind.URN
                and match.group("unit").isdigit()
                and _URN_CUE.search(text[max(0, start - 60) : start]) is None
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
        hits.extend((IdentifierKind.SOCIAL_HANDLE, *span) for span in _platform_word_hits(text))
        hits.extend((IdentifierKind.SOCIAL_HANDLE, *span) for span in _handle_cue_hits(text))
    if IdentifierKind.CRIME_NUMBER in wanted:
        hits.extend((IdentifierKind.CRIME_NUMBER, *m.span("id")) for m in _CRIME_CUE.finditer(text))
    if IdentifierKind.PHONE in wanted:
        for match in _SPELT_NUMBER.finditer(text):
            digits = _spelt_digits(match.group())
            spelt_plus = match.group().lower().startswith("plus")
            if (spelt_plus and len(digits) in (11, 12)) or (digits[:1] == "0" and len(digits) in (10, 11)):
                hits.append((IdentifierKind.PHONE, *match.span()))
    for kind, patterns in _CUED.items():
        if kind in wanted:
            for pattern in patterns:
                hits.extend((kind, *m.span("id")) for m in pattern.finditer(text))
    if IdentifierKind.STREET_ADDRESS in wanted:
        mixed_case = text != text.lower() and text != text.upper()
        hits.extend(
            (IdentifierKind.STREET_ADDRESS, *m.span())
            for m in _ADDRESS.finditer(text)
            if _address_words_name_a_street(m.group(), mixed_case) and not _a_courts_street(text, m)
        )
        hits.extend((IdentifierKind.STREET_ADDRESS, *m.span("id")) for m in _ADDRESS_LOWER.finditer(text))
        hits.extend((IdentifierKind.STREET_ADDRESS, *m.span()) for m in _WELSH_STREET.finditer(text))
    if IdentifierKind.SCHOOL in wanted:
        hits.extend((IdentifierKind.SCHOOL, start, end) for start, end in _school_hits(text))
        hits.extend((IdentifierKind.SCHOOL, *m.span()) for m in _CELTIC_SCHOOL.finditer(text))
        hits.extend((IdentifierKind.SCHOOL, *m.span()) for m in _SAINT_SCHOOL.finditer(text))
    if IdentifierKind.NAME in wanted:
        hits.extend((IdentifierKind.NAME, start, end) for start, end in _name_hits(text))
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
