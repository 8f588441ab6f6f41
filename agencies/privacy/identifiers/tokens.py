"""The text as tokens for the name rules: each word classified (domain language, given name,
surname, ambiguous, unknown, everyday word), its shape, and whether it opens a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from agencies.privacy import allowlist as allow
from agencies.privacy.identifiers.lexicon import (
    TOKEN,
    allowed_phrases,
    country_keys,
    dictionaries,
    is_word,
    name_lists,
    place_keys,
    secondary_dictionary,
    trie,
)

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


class TokenClass(StrEnum):
    ALLOW = "allow"  # domain language
    GIVEN = "given"  # a given name that is not an everyday word
    FAMILY = "family"  # a surname that is not an everyday word
    WEAK = "weak"  # on a name list, but also an everyday word (Will, May, Green, Young)
    UNKNOWN = "unknown"  # neither a word nor on a list: a proper noun nobody declared
    WORD = "word"  # ordinary English


@dataclass
class Token:
    start: int
    end: int
    word: str
    key: str
    cls: TokenClass
    shape: str  # "cap", "upper", "lower", "other"
    sentence_start: bool
    in_dictionary: bool
    name: bool = False


@lru_cache(maxsize=65536)
def _classify(key: str, word: str) -> tuple[TokenClass, bool]:
    given, family = name_lists()
    basic, dictionary = dictionaries()
    if key in allow.DOMAIN_WORDS or key in country_keys()[0]:
        return TokenClass.ALLOW, True
    if key in allow.SHORT_GIVEN_NAMES:
        return TokenClass.WEAK, True
    if key in place_keys()[0]:
        # "taken to Swindon", "Kent and Medway": a place reads as a word, so a title or a name
        # beside it still makes it a name ("Mr Swindon", "Sarah Barnsley").
        return TokenClass.WORD, True
    parts = [part for part in key.split("-") if part]
    if len(parts) > 1:
        classified = [_classify(part, part) for part in parts]
        classes = [c for c, _ in classified]
        pairs = list(zip(classes, parts, strict=True))
        if all(c in (TokenClass.WORD, TokenClass.ALLOW) or p in _PREFIXES for c, p in pairs):
            return TokenClass.WORD, True
        if all(c in (TokenClass.WORD, TokenClass.ALLOW, TokenClass.WEAK) or p in _PREFIXES for c, p in pairs):
            return TokenClass.WEAK, True
        in_dictionary = all(d or p in _PREFIXES for (_, d), p in zip(classified, parts, strict=True))
        for wanted in (TokenClass.GIVEN, TokenClass.FAMILY, TokenClass.UNKNOWN):
            if wanted in classes:
                return wanted, in_dictionary
    in_dictionary = is_word(key, dictionary)
    bare = key[2:] if key.startswith("o'") and len(key) > 4 else key
    if re.fullmatch(r"(?:mc|mac|fitz)[A-Z][a-z]+|O'[A-Z][a-z]+", word) or bare != key:
        return TokenClass.FAMILY, False
    if key in basic:
        return (TokenClass.WEAK if key in given or key in family else TokenClass.WORD), True
    if key in given:
        return TokenClass.GIVEN, in_dictionary
    if key in family:
        return TokenClass.FAMILY, in_dictionary
    if in_dictionary or is_word(key, secondary_dictionary(), compound=False):
        return TokenClass.WORD, True
    return TokenClass.UNKNOWN, False


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
    rf"(?<![\w'-])(?i:{trie(allow.LABEL_WORDS)})"
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


def tokenise(text: str) -> list[Token]:
    allowed_spans = sorted(
        [(m.start(), m.end()) for m in allowed_phrases().finditer(text)]
        + [(m.start(), m.end()) for m in _STATUTE.finditer(text) if not _titled_bill(m.group())]
        + [(m.start(), m.end()) for m in _INSTITUTION.finditer(text)]
        + [(m.start(), m.end()) for m in _LABELLED.finditer(text)]
        + [(m.start(), m.end()) for m in _COURT_SITE.finditer(text)]
        + [(m.start(), m.end()) for m in _WEEKDAY_RUN.finditer(text)]
    )
    tokens = []
    span_index = 0
    for match in TOKEN.finditer(text):
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
            cls, in_dictionary = TokenClass.ALLOW, True
        else:
            cls, in_dictionary = _classify(key, word)
        tokens.append(
            Token(start, end, word, key, cls, _shape(word), _at_sentence_start(text, start), in_dictionary)
        )
    return tokens


def inflected(key: str) -> bool:
    """ "following", "arrested", "reportedly": an everyday word with an -ing, -ed or -ly ending."""
    dictionary = dictionaries()[1]
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
