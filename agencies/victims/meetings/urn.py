"""The CPS case reference (URN): police force code (2 digits), unit (2 letters or digits), serial
(5 digits), year (2 digits), as in "62 LV 12345 23". Partners write it with spaces, slashes, dots
or dashes between the parts ("62/LV/12345/23"); it is kept in one canonical form, eleven
characters in capitals with no separators. The identifier detector's URN pattern
(agencies.privacy.identifiers) finds URNs in free text; this module checks a URN given as one."""

from __future__ import annotations

import re

from agencies.errors import ServiceError

_URN = re.compile(r"(?P<force>\d{2})(?P<unit>[A-Z0-9]{2})(?P<serial>\d{5})(?P<year>\d{2})")
_SEPARATORS = re.compile(r"[ ./\-]")
MAX_INPUT = 30
MESSAGE = (
    "Enter the URN in the CPS format: 2-digit force code, 2-character unit, 5-digit number and "
    "2-digit year, like 62 LV 12345 23."
)


def clean_urn(value: str) -> str:
    """The canonical URN, or a ServiceError on the "urn" field."""
    text = (value or "").strip().upper()
    if not text or len(text) > MAX_INPUT or not text.isascii():
        raise ServiceError(MESSAGE, field="urn")
    if text.startswith("URN"):
        text = text[3:].lstrip(" :")
    # One separator between the parts at most: "62//LV" is a typing slip we do not guess at.
    if re.search(r"[ ./\-]{2,}", text):
        raise ServiceError(MESSAGE, field="urn")
    compact = _SEPARATORS.sub("", text)
    match = _URN.fullmatch(compact)
    if match is None or match["force"] == "00":
        raise ServiceError(MESSAGE, field="urn")
    return compact
