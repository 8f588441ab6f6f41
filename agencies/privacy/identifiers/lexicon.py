"""The word lists the detector reads names against: given names and surnames (Faker), everyday
English (english-words, Faker's lorem), countries and UK places (agencies.privacy.allowlist),
and the dictionary look-up that knows inflections, compounds and British spellings."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

from agencies.privacy import allowlist as allow
from agencies.privacy.identifiers.normalisation import normalise

TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['-](?=[^\W\d_]))*")


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
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """Given names and surnames from Faker's person providers (MIT licence), every locale,
    folded to plain Latin letters. Two-letter entries are left out (they are mostly words), and so
    is a name from a locale where English is not spoken that is also an English word ("Edit" is a
    Hungarian name, "Made" a Balinese one; in English prose they are words)."""
    import importlib
    import pkgutil

    import faker.providers.person as person

    # Webster's lower-case words only: GCIDE lower-cased also holds names ("Hamid").
    everyday = dictionaries()[1]
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
                if len(key) > 2 and TOKEN.fullmatch(key) and (english or key not in everyday):
                    into.add(key)
                elif len(key) > 2 and TOKEN.fullmatch(key) and into is given:
                    FOREIGN_WORD_NAMES.add(key)
    return frozenset(given), frozenset(family)


# Given names from a locale where English is not spoken that are also English words ("Florin",
# "Edit"): words in prose, but names where only a person can stand (filled by `name_lists`).
FOREIGN_WORD_NAMES: set[str] = set()


@cache
def country_keys() -> tuple[frozenset[str], frozenset[str]]:
    """(one-word countries, multi-word countries), less those that are also given names."""
    return _one_and_many_words(
        country
        for country in allow.countries()
        if re.fullmatch(r"[a-z]+(?:[ -][a-z]+)*", normalise(country).lower()) is not None
    )


@cache
def place_keys() -> tuple[frozenset[str], frozenset[str]]:
    """(one-word UK places, multi-word UK places), less those that are also given names."""
    return _one_and_many_words(allow.uk_places())


def _one_and_many_words(names: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The names' keys (folded, lower case): (one-word keys that are not given names, multi-word keys)."""
    given = name_lists()[0]
    single, multi = set(), set()
    for name in names:
        key = normalise(name).lower()
        if " " in key:
            multi.add(key)
        elif key not in given:
            single.add(key)
    return frozenset(single), frozenset(multi)


@cache
def secondary_dictionary() -> frozenset[str]:
    """GCIDE's headwords (english-words), lower-cased: modern words Webster's 1934 list lacks
    ("edit", "online", "email"). Used only for words on no name list, as it also holds some names."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["gcide"], lower=True))


@cache
def dictionaries() -> tuple[frozenset[str], frozenset[str]]:
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
def is_word(key: str, dictionary: frozenset[str], *, compound: bool = True, british: bool = True) -> bool:
    if key in dictionary:
        return True
    if british:
        for variant in _american(key):
            if is_word(variant, dictionary, compound=False, british=False):
                return True
    if compound and len(key) >= 6:
        # "screenshots", "postcode", "payslip": two everyday words run together (everyday ones
        # only: "Fen" and "wick" are in Webster's, and Fenwick is a surname).
        basic = dictionaries()[0]
        for cut in range(3, len(key) - 2):
            if is_word(key[:cut], basic, compound=False, british=False) and is_word(
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
def allowed_phrases() -> re.Pattern[str]:
    phrases = sorted(
        allow.DOMAIN_PHRASES
        | {term for term in allow.DOMAIN_WORDS if " " in term}
        | country_keys()[1]
        | place_keys()[1],
        key=len,
        reverse=True,
    )
    return re.compile(rf"(?<![\w'-])(?:{trie(phrases)})(?![\w-])", re.IGNORECASE)


def trie(phrases: Iterable[str]) -> str:
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
