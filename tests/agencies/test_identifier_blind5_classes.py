"""Classes of identifier the fifth blind corpus (tests/agencies/identifier_blind5.jsonl) showed the
detector missing, and classes of prose it mistook for identifiers. Every example is new text, not
a corpus sentence, so each tests the general rule, never one sentence."""

import pytest

from agencies.privacy.evaluation import DEFAULT_CORPUS, evaluate, load_corpus
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


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # A title before a given name that is also a statute word: one hit over the whole name.
        ("Defence counsel Mrs Bill Adeyemi asked for more time.", "Mrs Bill Adeyemi"),
        ("DS Bill Hart took the first account.", "DS Bill Hart"),
        # A single lower-case name after a case role and a comma.
        ("According to the ISVA, marek had moved twice.", "marek"),
        ("Per the SIO, dorota was not told about the bail.", "dorota"),
        # A name in quotes (curly or straight) after a relation word.
        ("Her cousin \u2018Kez\u2019 shared the video.", "Kez"),
        ('His mate "Bazza" drove them home.', "Bazza"),
        # A name spelt out in lower-case letters.
        ("She could only say that m a r k o was there.", "m a r k o"),
    ],
)
def test_names_in_titles_roles_quotes_and_spelt_out(text: str, name: str) -> None:
    assert name in hits_of(text, K.NAME), all_hits(text)


def _nhs(nine: str) -> str:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    assert check != 10
    return nine + str(check)


def test_an_nhs_number_in_a_gp_letter_grouping() -> None:
    number = _nhs("401023213")
    text = f"The GP summary lists {number[:4]} {number[4:]} as her number."
    assert hits_of(text, K.NHS_NUMBER) == [f"{number[:4]} {number[4:]}"], all_hits(text)
    assert hits_of(f"His works phone is {number[:4]} {number[4:]}.", K.NHS_NUMBER) == []


@pytest.mark.parametrize(
    "text",
    [
        "The Online Safety Bill and the Victims Bill were both cited.",
        "The OIC, however, was on leave that week.",
        "the victim's sixth form was not told about the case.",
        "The suspect's academy place was withdrawn.",
        "The victim 'felt' unsafe at home.",
    ],
)
def test_statutes_roles_and_possessive_schools_stay_clean(text: str) -> None:
    assert find_identifiers(text, ALL_KINDS) == [], all_hits(text)


def test_a_weekday_abbreviation_alone_can_still_be_a_name() -> None:
    assert hits_of("Witness Kyaw Thu gave a statement.", K.NAME) == ["Kyaw Thu"]


def test_targets_hold_on_blind5() -> None:
    """Regression guard: blind5 was scored first as written (94.1% / 5.2%, docs/SECURITY.md) and
    tuned against since, so this is no longer an estimate of unseen text."""
    report = evaluate(load_corpus(DEFAULT_CORPUS.with_name("identifier_blind5.jsonl")))
    assert report.recall() >= 0.97, report.misses
    for kind in IdentifierKind:
        assert report.recall(kind) >= 0.95, (kind, [m for m in report.misses if m[1] == kind])
    assert report.false_alarm_rate <= 0.10, report.false_alarms
