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

The package, by concern; each module imports only modules before it in this list
(tests/test_architecture.py, IDENTIFIER_LAYERS; docs/architecture.md, "The identifier detector"):
kinds (IdentifierKind, IdentifierHit), normalisation (normalise), lexicon (name lists,
dictionaries), tokens, context (the words around a name), names, patterns (contact details,
references, dates, handles), places (addresses, schools), detector (find_identifiers, describe).
"""

from agencies.privacy.identifiers.detector import describe, find_identifiers
from agencies.privacy.identifiers.kinds import (
    ALL_KINDS,
    CONTACT_AND_DATES,
    LABELS,
    IdentifierHit,
    IdentifierKind,
    hit_text,
)
from agencies.privacy.identifiers.normalisation import Normalised, normalise, normalise_with_map

__all__ = [
    "ALL_KINDS",
    "CONTACT_AND_DATES",
    "LABELS",
    "IdentifierHit",
    "IdentifierKind",
    "Normalised",
    "describe",
    "find_identifiers",
    "hit_text",
    "normalise",
    "normalise_with_map",
]
