"""Person names: tokens that read as names on their own, and the rules that join them to their
neighbours (titles, initials, particles) or clear them (titles of Acts, runs of capitals)."""

from __future__ import annotations

import re

from agencies.privacy import allowlist as allow
from agencies.privacy.identifiers.context import (
    CASE_ROLES,
    COMMON_VERBS,
    DETERMINERS,
    NAME_SLOT_BEFORE,
    NOT_PERSON_SUBJECTS,
    PERSON_VERBS,
    TWO_LETTER_WORDS,
    does_what_a_person_does,
    person_name_opening,
)
from agencies.privacy.identifiers.lexicon import FOREIGN_WORD_NAMES, dictionaries, is_word, place_keys
from agencies.privacy.identifiers.tokens import Token, TokenClass, inflected, tokenise


def _decide(token: Token) -> bool:
    """Whether this token on its own reads as (part of) a person's name."""
    cls, shape = token.cls, token.shape
    if cls in (TokenClass.ALLOW, TokenClass.WORD):
        return False
    if shape == "cap":
        if cls is TokenClass.GIVEN:
            return True
        if token.sentence_start:
            # "Sarah told…", "Okonkwo said…": a listed or unknown name; a surname that is also in
            # Webster's ("Street lighting…") waits for a neighbour.
            return cls is TokenClass.UNKNOWN or (cls is TokenClass.FAMILY and not token.in_dictionary)
        # Mid-sentence capitals: deny by default. Will/May/Green wait for a neighbour or a title.
        return cls in (TokenClass.FAMILY, TokenClass.UNKNOWN, TokenClass.WEAK)
    if shape == "upper" and len(token.word) <= 3:
        # "RUI", "SHPO"-like acronyms: a three-letter word in capitals is a name only beside one.
        return False
    # Capitals or lower case: listed names that are not English words at all ("SARAH", "aisha").
    return cls in (TokenClass.GIVEN, TokenClass.FAMILY) and not token.in_dictionary


def _gap(text: str, left: Token, right: Token) -> bool:
    """Whether two tokens sit next to each other as parts of one name ("Mary Jane", "J. Smith")."""
    between = text[left.end : right.start]
    return between in (" ", "-") or (between == ". " and len(left.word) == 1 and left.word not in "AI")


def name_hits(text: str) -> list[tuple[int, int]]:
    tokens = tokenise(text)
    for token in tokens:
        token.name = _decide(token)
    listed = (TokenClass.GIVEN, TokenClass.FAMILY, TokenClass.WEAK, TokenClass.UNKNOWN)
    for index, token in enumerate(tokens):
        # "the Sexual Harm Prevention Order", "after Early Advice": a capitalised everyday word in a
        # run of capitalised everyday words is a title, not a name ("Harm", "Early" are surnames).
        if (
            token.name
            and not token.sentence_start
            and token.shape == "cap"
            and len(token.word) >= 4
            and token.in_dictionary
            and token.cls in (TokenClass.WEAK, TokenClass.FAMILY)
        ):
            neighbours = [tokens[i] for i in (index - 1, index + 1) if 0 <= i < len(tokens)]
            if any(
                other.shape == "cap"
                and not other.sentence_start
                and len(other.word) >= 4
                and other.key not in FOREIGN_WORD_NAMES
                and other.key not in place_keys()[0]
                and other.cls in (TokenClass.WORD, TokenClass.ALLOW)
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
            and token.cls is TokenClass.GIVEN
            and token.in_dictionary
            and joined.key in ("and", "or")
            and text[token.end : after.start] == f" {joined.word} "
            and after.shape == "lower"
            and after.cls in (TokenClass.WORD, TokenClass.WEAK)
            and after.key not in DETERMINERS
        ):
            token.name = False
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else None
        # "Hope (16) said…", "Summer deleted…", "Bill was the landlord", "Florin was the driver",
        # "Miles, her stepfather,", "Ivy's statement": a word that could be a given name, opening
        # a sentence, then what only a person does or is.
        if person_name_opening(token) and does_what_a_person_does(text, tokens, index):
            token.name = True
        # "Mark and Amber were…": two possible given names joined by "and" opening a sentence.
        if (
            person_name_opening(token)
            and index + 3 <= len(tokens)
            and tokens[index + 1].key == "and"
            and text[token.end : tokens[index + 2].end].count(" ") == 2
        ):
            other = tokens[index + 2]
            follow = tokens[index + 3] if index + 3 < len(tokens) else None
            if (
                other.shape == "cap"
                and (other.cls in listed or other.key in FOREIGN_WORD_NAMES)
                and other.key not in NOT_PERSON_SUBJECTS
                and (
                    does_what_a_person_does(text, tokens, index + 2)
                    or (follow is not None and follow.key in ("were", "both", "had", "have", "are"))
                )
            ):
                token.name = other.name = True
        # "a man called Taras", "known as Florin": the name slot takes any capitalised word that is
        # not everyday vocabulary.
        if (
            token.shape == "cap"
            and token.cls in (TokenClass.WORD, TokenClass.WEAK)
            and token.key not in dictionaries()[0]
            and NAME_SLOT_BEFORE.search(text[max(0, token.start - 30) : token.start])
        ):
            token.name = True
        # After a title or rank: "DC Smith", "Mrs Green", "PC BEST".
        if (
            previous is not None
            and previous.key in allow.TITLES
            and text[previous.end : token.start] in (" ", ". ")
            and token.cls is not TokenClass.ALLOW
            and token.key not in allow.TITLES
            and token.key not in COMMON_VERBS
            and (
                (previous.shape in ("cap", "upper") and token.shape in ("cap", "upper"))
                or token.cls in (TokenClass.GIVEN, TokenClass.FAMILY, TokenClass.UNKNOWN)
            )
        ):
            token.name = True
        # "Rose told the officer…", "Mark said…": an ambiguous name (or a surname that is also a
        # word) opening a sentence as the subject of a verb only a person does.
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            token.sentence_start
            and token.shape == "cap"
            and token.cls in (TokenClass.WEAK, TokenClass.FAMILY)
            and following is not None
            and following.key in allow.PERSON_VERBS
            and text[token.end : following.start] == " "
        ):
            token.name = True
        # "her brother, Tom, …", "the victim, aisha, …", "a man called jordan": any listed or
        # unknown word in the name slot.
        if (
            previous is not None
            and (previous.key in allow.RELATION_WORDS or previous.key in CASE_ROLES)
            and text[previous.end : token.start] == (" " if previous.key in ("named", "called") else ", ")
            and token.cls in listed
            and (
                token.cls is not TokenClass.WEAK
                or token.shape != "lower"
                or text[token.end : token.end + 1] == ","
            )
        ):
            token.name = True
        # "her friend 'Tash'", "the suspect “Big Dee”": a capitalised word in quotes after a
        # relation or role is what the person is called.
        if (
            previous is not None
            and (previous.key in allow.RELATION_WORDS or previous.key in CASE_ROLES)
            and text[previous.end : token.start] in (" '", ' "')
            and token.shape in ("cap", "upper")
            and token.cls is not TokenClass.ALLOW
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
            and token.cls
            in (TokenClass.WORD, TokenClass.WEAK, TokenClass.UNKNOWN, TokenClass.GIVEN, TokenClass.FAMILY)
            and not is_word(token.key, dictionaries()[1])
            and token.key not in allow.LABEL_WORDS
            and token.key not in allow.TITLES
            and not inflected(token.key)
        ):
            token.name = True
        # "Grace said…", "Mark picked her up…", "Hope was 17…": a name that is also an everyday
        # word, at a sentence start, followed by what only a person does.
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            token.sentence_start
            and token.shape == "cap"
            and (token.cls is TokenClass.WEAK or (token.cls is TokenClass.GIVEN and token.in_dictionary))
            and following is not None
            and text[token.end : following.start] == " "
            and (
                following.key in PERSON_VERBS
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
                other.cls is TokenClass.WORD
                and other.shape in ("cap", "upper")
                and named.cls in (TokenClass.GIVEN, TokenClass.FAMILY, TokenClass.UNKNOWN, TokenClass.WORD)
                and other.key not in dictionaries()[0]
                and other.key not in allow.TITLES
                and other.key not in allow.RELATION_WORDS
                # "Following Sarah's arrest": an inflected word is not part of a name.
                and not inflected(other.key)
            )
            # "Li Na", "Wu Jun": a two-letter capitalised word, or a month that is also a given name,
            # beside a name (never beside a number: "Smith 3 May").
            short = (
                len(other.word) == 2
                and other.shape == "cap"
                and other.word[1].islower()
                and other.key not in TWO_LETTER_WORDS
                and other.cls is not TokenClass.ALLOW
            )
            month_name = (
                other.key in ("jun", "june", "may", "april", "august")
                and other.shape == "cap"
                and re.search(r"\d\s*$", text[max(0, other.start - 4) : other.start]) is None
                and re.match(r"\s*\d", text[other.end : other.end + 3]) is None
            )
            # "Lance Whitby", "Sarah Barnsley": a place's name beside a name is a surname.
            place = other.shape in ("cap", "upper") and other.key in place_keys()[0]
            if (
                other.cls in listed
                or rare_word
                or place
                or short
                or month_name
                or (initial and other.cls is not TokenClass.ALLOW)
            ):
                other.name = True
                changed = True
        if not changed:
            # Two listed names side by side in lower case or capitals ("tom baker", "JORDAN MILLER").
            for left, right in zip(tokens, tokens[1:], strict=False):
                if (
                    not left.name
                    and _gap(text, left, right)
                    and not ({left.key, right.key} & COMMON_VERBS)
                    and left.cls in (TokenClass.GIVEN, TokenClass.WEAK)
                    and right.cls in (TokenClass.FAMILY, TokenClass.GIVEN, TokenClass.WEAK)
                    and left.shape == right.shape
                    and (left.cls is TokenClass.GIVEN or right.cls is TokenClass.FAMILY)
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
