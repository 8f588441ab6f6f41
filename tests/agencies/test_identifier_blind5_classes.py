"""Classes of identifier the fifth blind corpus (tests/agencies/identifier_blind5.jsonl) showed the
detector missing, and classes of prose it mistook for identifiers. Every example is new text, not
a corpus sentence, so each tests the general rule, never one sentence."""

import pytest

from agencies.privacy.identifiers import ALL_KINDS, IdentifierKind, find_identifiers

K = IdentifierKind


def hits_of(text: str, kind: IdentifierKind) -> list[str]:
    return [text[h.start : h.end] for h in find_identifiers(text, ALL_KINDS) if h.kind == kind]


def all_hits(text: str) -> list[tuple[str, str]]:
    return [(h.kind.value, text[h.start : h.end]) for h in find_identifiers(text, ALL_KINDS)]


@pytest.mark.parametrize(
    "text",
    [
        # UK towns, districts and counties are places, not people.
        "She was driven to Stevenage and then on to Huntingdon.",
        "Wigan, Salford and Tameside referrals went to one SARC.",
        "Surrey and Crawley services share a waiting list.",
        "The complainant had moved from Scunthorpe to Grimsby.",
        "Cases from Rotherham were heard in Sheffield.",
        "Hambleton and Ryedale were merged in the review.",
        # A given name that is also a word, opening a sentence, then ordinary words.
        "Amber and green ratings were given to each force.",
        "Olive or grey folders hold the closed cases.",
        "Miles driven by the ISVA are claimed monthly.",
        # Weekday abbreviations on service hours.
        "The helpline is open Mon\u2013Fri, and Sat mornings.",
        "Drop-in sessions run Tue-Thurs and Sun.",
        "Opening hours: Mon - Fri.",
    ],
)
def test_places_words_and_weekdays_are_not_names(text: str) -> None:
    assert find_identifiers(text, ALL_KINDS) == [], all_hits(text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Mr Stevenage was the landlord.", "Mr Stevenage"),
        ("DC Barnsley took the statement.", "DC Barnsley"),
        ("Police arrested Carl Huntingdon at home.", "Carl Huntingdon"),
        ("Officers spoke to Priya Wigan on Tuesday.", "Priya Wigan"),
        ("Ruby and her mum gave statements.", "Ruby"),
        ("Amber texted the officer twice.", "Amber"),
        ("Miles said he was at home all night.", "Miles"),
    ],
)
def test_places_and_word_names_are_still_names_beside_a_person(text: str, name: str) -> None:
    assert name in hits_of(text, K.NAME), all_hits(text)


@pytest.mark.parametrize(
    ("text", "kind", "matched"),
    [
        ("Contact was from j.okoro at gmail dot com in May.", K.EMAIL, "j.okoro at gmail dot com"),
        ("She used m.khan at hotmail.co.uk for the forms.", K.EMAIL, "m.khan at hotmail.co.uk"),
        ("The screenshots came from dan.west88 @ gmail.com.", K.EMAIL, "dan.west88 @ gmail.com"),
        ("His crime ref, 5518302946, was passed on.", K.CRIME_NUMBER, "5518302946"),
        ("The crime number was 7710043321 on the letter.", K.CRIME_NUMBER, "7710043321"),
        ("CRN 6600129384 relates to the earlier report.", K.CRIME_NUMBER, "6600129384"),
        (
            "See Athena ref 0200\u2014654321\u201424 for the first account.",
            K.CRIME_NUMBER,
            "0200\u2014654321\u201424",
        ),
        ("Athena number 3300-778812-22 was linked.", K.CRIME_NUMBER, "3300-778812-22"),
        ("Snapchat handle @ mo.r_92 was given to officers.", K.SOCIAL_HANDLE, "@ mo.r_92"),
        ("Her TikTok is @ jaz.x_ and it is public.", K.SOCIAL_HANDLE, "@ jaz.x_"),
        ("The suspect, b. 4/7/1988, lives locally.", K.DATE_OF_BIRTH, "4/7/1988"),
        ("b. 9/11/2003 per the PNC print.", K.DATE_OF_BIRTH, "9/11/2003"),
        ("Her sister goes to Parkside High and was told.", K.SCHOOL, "Parkside High"),
        ("She left Moorland High last year.", K.SCHOOL, "Moorland High"),
    ],
)
def test_more_identifier_forms_are_found(text: str, kind: IdentifierKind, matched: str) -> None:
    found = hits_of(text, kind)
    assert any(matched in hit for hit in found), all_hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "Her handle @ the club was known to staff.",
        "Meet @ 5pm at the station.",
        "The High Court sat late and High Wycombe was next.",
    ],
)
def test_near_misses_stay_clean(text: str) -> None:
    assert find_identifiers(text, ALL_KINDS) == [], all_hits(text)
