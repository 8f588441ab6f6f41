"""Street addresses (English, Welsh, lower-case) and the names of schools."""

from __future__ import annotations

import re

from agencies.privacy import allowlist as allow
from agencies.privacy.identifiers.context import CASE_ROLES, ROLES

_STREET_TYPES = (
    "street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|court|ct|place|pl|"
    "gardens|gdns|terrace|ter|grove|gr|hill|park|row|square|sq|mews|view|walk|rise|parade|green|"
    "boulevard|vale|wharf|yard|approach|croft|fields|gate|meadow|meadows|end|chase|hollow|brow"
)
_STRONG_STREET_TYPES = "street|road|avenue|lane|crescent|terrace|grove|mews|gardens|drive|close|boulevard"
ADDRESS = re.compile(
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


def address_words_name_a_street(matched: str, mixed_case: bool) -> bool:
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


def a_courts_street(text: str, match: re.Match[str]) -> bool:
    """ "Manchester Crown Court (Crown Square)", "Minshull Street Crown Court": a street that names a
    court or a public building (no house number) is that building's public address, not a person's."""
    if re.match(r"\d", match.group()):
        return False
    return (
        _COURT_BEFORE.search(text[max(0, match.start() - 30) : match.start()]) is not None
        or _COURT_AFTER.match(text, match.end()) is not None
    )


ADDRESS_LOWER = re.compile(
    # "lives on acacia avenue": lower case, after a preposition.
    rf"\b(?:at|on|in|near|off|to|from|of)\s+(?!(?:the|a|an|this|that|her|his|their|main|high|same|"
    rf"next|busy|quiet|local|dual|slip|ring|side|back|country|private|public|any|every|one|each)\b)"
    rf"(?P<id>[a-z][a-z'-]+\s+(?:{_STRONG_STREET_TYPES}))\b",
)
# Welsh street names put the type first: "Heol y Felin", "48a Ffordd Las", "Lon Isaf".
WELSH_STREET = re.compile(
    r"\b\d{1,4}[a-z]?,?\s+(?i:heol|ffordd|stryd|lon|rhodfa|cilgant|teras|maes|clos)\s+(?:(?i:y|yr)\s+)?"
    r"[A-Za-z][\w'-]+"
    r"|\b(?:Heol|Ffordd|Stryd|Lon|Rhodfa|Cilgant|Teras|Maes|Clos)\s+(?:(?:y|yr)\s+)?[A-Z][\w'-]+",
)
# Schools named after the word for school, in Welsh, Scottish Gaelic and Irish: "Ysgol Gyfun
# Gymraeg Glantaf", "Sgoil Ghaidhlig Ghlaschu", "Scoil Mhuire", "Gaelscoil na Mara".
CELTIC_SCHOOL = re.compile(
    r"\b(?:Ysgol|Sgoil|Scoil|Gaelscoil|Gaelcholaiste|Colaiste)(?:\s+(?:y|yr|na|an|na h)?\s*[A-Z][\w'-]*){1,4}"
)
# "st joseph's rc high school": a saint's school in lower case inside mixed-case prose.
SAINT_SCHOOL = re.compile(
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


def school_hits(text: str) -> list[tuple[int, int]]:
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
                key[:-2] in allow.RELATION_WORDS or key[:-2] in ROLES or key[:-2] in CASE_ROLES
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
