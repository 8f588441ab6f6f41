"""The patterns for contact details and reference numbers (postcodes, phones, e-mail, NI, NHS,
vehicle registrations, URNs, crime numbers, dates, social handles), on normalised text, and the
checks a match must pass after matching."""

from __future__ import annotations

import re

from agencies.privacy import allowlist as allow
from agencies.privacy.identifiers.kinds import IdentifierKind
from agencies.privacy.identifiers.lexicon import dictionaries, is_word, secondary_dictionary

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

PATTERNS: dict[IdentifierKind, re.Pattern[str]] = {
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

CRIME_CUE = re.compile(
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
SPELT_NUMBER = re.compile(
    # "zero seven seven double oh nine…": a phone number written out in words.
    r"\b(?:plus\s+four\s+four[\s,\-]+)?(?:(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine"
    r"|double|treble|triple)[\s,\-]+){6,}(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine)\b",
    re.IGNORECASE,
)


def spelt_digits(words: str) -> str:
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
CUED: dict[IdentifierKind, tuple[re.Pattern[str], ...]] = {
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


def handle_cue_hits(text: str) -> list[tuple[int, int]]:
    return [
        match.span()
        for match in _HANDLE_SHAPED.finditer(text)
        if _HANDLE_CUE_BEFORE.search(text[max(0, match.start() - 40) : match.start()])
    ]


def platform_word_hits(text: str) -> list[tuple[int, int]]:
    secondary = secondary_dictionary()
    dictionary = dictionaries()[1]
    hits = []
    for match in _PLATFORM_WORD.finditer(text):
        key = match.group("id")
        if re.search(r"[\d_.]", key) or not (
            is_word(key, dictionary) or key in secondary or key in allow.DOMAIN_WORDS
        ):
            hits.append(match.span("id"))
    return hits


def _nhs_number_valid(digits: str) -> bool:
    """The NHS number's modulus-11 check digit."""
    if len(digits) != 10 or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


URN_CUE = re.compile(r"\b(?:urn|cps|mg3|charging|unique reference)\b", re.IGNORECASE)
# "NHS", or how a GP's or hospital's letter names the number: "the patient's number", "GP".
_NHS_CUE = re.compile(
    r"\b(?:nhs|gp|patient(?:'s)?\s+(?:number|no)|health\s+(?:service\s+)?number)\b", re.IGNORECASE
)
_CANONICAL_NHS = re.compile(r"\d{3}([ .\-]{0,3})\d{3}\1\d{4}|\d{10}")
_OTHER_REFERENCE_CUE = re.compile(
    r"\b(?:crime|occurrence|urn|ref(?:erence)?|log|cad|incident|case|account|sort|tel|phone|mobile)\b",
    re.IGNORECASE,
)


def nhs_number_plausible(text: str, match: re.Match[str]) -> bool:
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


def plate_case_consistent(plate: str) -> bool:
    """ "AB12 CDE" and "ab12cde", not "MG11 was": a plate is written in one case, and a
    lower-case one split off by a space is not an everyday word."""
    letters = "".join(c for c in plate if c.isalpha())
    if not (letters.isupper() or letters.islower()):
        return False
    tail = re.search(r"[ \-]([a-z]{3})$", plate, re.IGNORECASE)
    spaced = re.match(r"[a-z]{2}[ \-]\d", plate, re.IGNORECASE) is not None
    # "ON 12 MAY", "mg11 was": a separated three-letter everyday word is not a plate's letters.
    return not (tail and (letters.islower() or spaced) and tail.group(1).lower() in dictionaries()[0])
