"""Classes of identifier the third blind corpus (tests/agencies/identifier_blind3.jsonl) showed the
detector missing, and classes of domain prose it mistook for identifiers. Every example here is
new text, not a corpus sentence: each tests the general rule, so the blind corpus stays an honest
measurement of text the detector has not seen."""

import pytest

from agencies.privacy.evaluation import DEFAULT_CORPUS, evaluate, load_corpus
from agencies.privacy.identifiers import ALL_KINDS, IdentifierKind, find_identifiers

K = IdentifierKind


def hits_of(text: str, kind: IdentifierKind) -> list[str]:
    return [text[h.start : h.end] for h in find_identifiers(text, ALL_KINDS) if h.kind == kind]


def _nhs(nine: str) -> str:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    assert check != 10
    return nine + str(check)


NHS = _nhs("401023213")  # a valid NHS number made up for the test


@pytest.mark.parametrize(
    ("text", "kind", "matched"),
    [
        # NHS numbers in groupings other than 3-3-4, with "NHS" near them.
        (
            f"NHS no. {NHS[:4]} {NHS[4:7]} {NHS[7:]} on the GP letter.",
            K.NHS_NUMBER,
            f"{NHS[:4]} {NHS[4:7]} {NHS[7:]}",
        ),
        (f"NHS number {NHS[:5]}-{NHS[5:]}.", K.NHS_NUMBER, f"{NHS[:5]}-{NHS[5:]}"),
        (f"Her NHS number is {' '.join(NHS)}.", K.NHS_NUMBER, " ".join(NHS)),
        (
            f"The NHS ref. {NHS[:2]}.{NHS[2:5]}.{NHS[5:]} was quoted.",
            K.NHS_NUMBER,
            f"{NHS[:2]}.{NHS[2:5]}.{NHS[5:]}",
        ),
        # Force-prefixed crime references with two or three digit blocks.
        ("Logged as NYP/25/778812 by the control room.", K.CRIME_NUMBER, "NYP/25/778812"),
        ("Logged as CRM-2025-0044556 on the system.", K.CRIME_NUMBER, "CRM-2025-0044556"),
        ("Logged as LAN-24-9988776 on the system.", K.CRIME_NUMBER, "LAN-24-9988776"),
        ("Logged as GWENT/24/8812 on the system.", K.CRIME_NUMBER, "GWENT/24/8812"),
        # A digit-led reference with slashes is not a phone number.
        ("Reference 03/4455667/25 was reopened.", K.CRIME_NUMBER, "03/4455667/25"),
        # URNs whose serial and year are grouped differently.
        ("URN 52-KT-7711-425 on the MG3.", K.URN, "52-KT-7711-425"),
        ("URN 52 KT 0077114 25 on the MG3.", K.URN, "52 KT 0077114 25"),
        # Full dates with a weekday.
        ("Interviewed on Thursday 9 January 2025 at the suite.", K.FULL_DATE, "Thursday 9 January 2025"),
        ("Interviewed on Wed, 2nd Oct 2024 at the suite.", K.FULL_DATE, "Wed, 2nd Oct 2024"),
        ("Listed for Friday the 7th of March 2025.", K.FULL_DATE, "Friday the 7th of March 2025"),
        # A date of birth with a two-digit year after a written month.
        ("d.o.b. 17 Aug 03 on the PNC.", K.DATE_OF_BIRTH, "17 Aug 03"),
        # Phone numbers with an extension.
        ("Ring 0113 496 0555 ext. 318 for the unit.", K.PHONE, "0113 496 0555 ext. 318"),
        ("Ring 0113 496 0555 extension 4 for the unit.", K.PHONE, "0113 496 0555 extension 4"),
        ("Ring 0113 496 0555 x77 for the unit.", K.PHONE, "0113 496 0555 x77"),
        # Handles: an underscore inside a word, or a handle-like word after an account cue.
        ("The group was run by big_dawg_04 and two others.", K.SOCIAL_HANDLE, "big_dawg_04"),
        ("He uses the gamer tag Vortex_99 online.", K.SOCIAL_HANDLE, "Vortex_99"),
        ("His Xbox gamertag is DarkRider42 and he plays nightly.", K.SOCIAL_HANDLE, "DarkRider42"),
        ("On Roblox he goes by b0ss.man and asks for photos.", K.SOCIAL_HANDLE, "b0ss.man"),
        ("She was known online as kitty.k.2010 at the time.", K.SOCIAL_HANDLE, "kitty.k.2010"),
        ("Her TikTok, mia.rose.08, had thousands of followers.", K.SOCIAL_HANDLE, "mia.rose.08"),
        ("The alias tdog7 appears in the download.", K.SOCIAL_HANDLE, "tdog7"),
    ],
)
def test_identifier_classes_are_found_whole(text: str, kind: IdentifierKind, matched: str) -> None:
    assert matched in hits_of(text, kind), [(h.kind, text[h.start : h.end]) for h in find_identifiers(text)]


@pytest.mark.parametrize(
    "text",
    [
        # "crime references" is the phrase, not a reference.
        "The panel sampled nine crime references from each force.",
        "Crime references were missing from four files.",
        # A ten-digit number with a wrong check digit, grouped oddly, near "NHS".
        f"NHS trust invoice 12 345 {int(NHS[5:]) + 1 if NHS[9] != '9' else int(NHS[5:]) - 1}.",
        # An NHS-like grouping with no NHS cue and a valid check digit is not reported.
        f"Invoice {NHS[:4]} {NHS[4:7]} {NHS[7:]} was paid.",
        # A count of digits in a force-like shape with too few digits.
        "See GMP/24/1 and para 3-4-5.",
    ],
)
def test_reference_like_prose_is_not_an_identifier(text: str) -> None:
    assert find_identifiers(text, ALL_KINDS) == [], [
        (h.kind, text[h.start : h.end]) for h in find_identifiers(text)
    ]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # A word that could be a given name, opening a sentence, before an age in brackets.
        ("Joy (15) was at the bus station alone.", ["Joy"]),
        ("Dawn, 17, was staying with a friend.", ["Dawn"]),
        # ... before a verb in the past, an adverb and a verb, "had been", "was the <role>".
        ("Grace phoned her sister from the toilets.", ["Grace"]),
        ("Rose initially refused to give a statement.", ["Rose"]),
        ("Frank had been living at the address for a month.", ["Frank"]),
        ("Sandy was the babysitter that night.", ["Sandy"]),
        ("Mason was the OIC until the file went to the CPS.", ["Mason"]),
        ("Holly blocked him after the second message.", ["Holly"]),
        # ... in apposition with a role, or with "'s" and what a person has.
        ("Dean, his cousin, drove them there.", ["Dean"]),
        ("Amber's phone was never downloaded.", ["Amber"]),
        # Two such words joined by "and".
        ("Hope and Ivy were both spoken to at school.", ["Hope", "Ivy"]),
        # A foreign given name that is also an English word, where only a person stands.
        ("Florin was the man who collected the rent.", ["Florin"]),
        ("The girls knew him as Florin.", ["Florin"]),
        ("Everyone called him Little Nicu.", ["Nicu"]),
        # Two-letter given names and month-like names beside a name.
        ("Witness Zhou Li gave a statement.", ["Zhou Li"]),
        ("Her friend Park Jun was not interviewed.", ["Park Jun"]),
        # A name spelt out letter by letter.
        ("The voice note says K y l e twice.", ["K y l e"]),
        ("He wrote M A R C U S on the card.", ["M A R C U S"]),
    ],
)
def test_names_in_positions_a_word_could_hold_are_found(text: str, names: list[str]) -> None:
    found = hits_of(text, K.NAME)
    for name in names:
        assert any(name in hit for hit in found), (name, found)


@pytest.mark.parametrize(
    ("text", "kind", "matched"),
    [
        ("A spelt-out postcode, m 14 5 t p, was on the note.", K.POSTCODE, "m 14 5 t p"),
        ("She had just started at Oasis Academy Hadley in Year 8.", K.SCHOOL, "Oasis Academy Hadley"),
    ],
)
def test_spelt_out_postcodes_and_academy_chain_names_are_found_whole(
    text: str, kind: IdentifierKind, matched: str
) -> None:
    assert matched in hits_of(text, kind)


@pytest.mark.parametrize(
    "text",
    [
        # Countries and words formed from them.
        "The family arrived from Moldova and claimed asylum.",
        "Two Albania-based suspects were never traced.",
        # Acronyms in capitals, acronyms used as verbs.
        "The suspect was RUI for ten months and then NFA'd.",
        "He was RUI'd twice before charge.",
        # Public bodies, platforms, police systems.
        "Ofsted and Cafcass had both raised concerns.",
        "He contacted her through Xbox Live and Roblox.",
        "The report was on Athena but not linked on Niche.",
        # Capitalised titles of orders, notices and advice stages.
        "A Domestic Abuse Protection Notice was served.",
        "The Sexual Risk Order lapsed in the summer.",
        "The file was sent for Early Advice twice.",
        # A place before a court, force or council; a court's site in brackets.
        "Burnley Crown Court had no available courtroom.",
        "Preston Magistrates remanded him in custody.",
        "Manchester Crown Court (Crown Square) listed the trial.",
        "Minshull Street Crown Court took the transfer.",
        # Anonymised labels.
        "Case D and Case F both had late disclosure.",
        "Officer C and Witness 4 gave different times.",
        "In Case 12 the victim withdrew.",
        # Verbs on a name list never pair into a name.
        "The officers said were the file complete they would charge.",
        "The panel said were it not for the ISVA she would have withdrawn.",
        # Words that could be names, opening sentences as ordinary words.
        "Summer is the busiest period for the lab.",
        "Will the force publish its response?",
        "Hope of a trial date faded in March.",
        "Justice delayed was the theme of the meeting.",
    ],
)
def test_domain_prose_is_not_an_identifier(text: str) -> None:
    assert find_identifiers(text, ALL_KINDS) == [], [
        (h.kind, text[h.start : h.end]) for h in find_identifiers(text)
    ]


# Classes a second blind corpus (tests/agencies/identifier_blind4.jsonl) found after the first fixes.
@pytest.mark.parametrize(
    ("text", "names"),
    [
        # Given names that are also nouns, before an age or "and" another name.
        ("Clay (19) lent him the car.", ["Clay"]),
        ("Harmony (14) was at the party.", ["Harmony"]),
        ("Ruby and Blessing were staying at the hostel.", ["Ruby", "Blessing"]),
        # An abstract-noun name is still a name before a verb of speech or report.
        ("Hope told her tutor the next day.", ["Hope"]),
        # A role word, then a capitalised word Webster's does not hold (GCIDE may).
        ("Witness Kyaw Thu gave a statement.", ["Kyaw Thu"]),
    ],
)
def test_more_names_in_positions_a_word_could_hold(text: str, names: list[str]) -> None:
    found = hits_of(text, K.NAME)
    for name in names:
        assert any(name in hit for hit in found), (name, found)


def test_a_handle_after_calling_himself() -> None:
    text = "A profile calling himself dj2fresh sent the first message."
    assert hits_of(text, K.SOCIAL_HANDLE) == ["dj2fresh"]


@pytest.mark.parametrize(
    "text",
    [
        "Hope remained that the trial would go ahead.",
        "Faith leaders were invited to the panel.",
        "The Crown Court at Crown Square sat late.",
        "She was trafficked from Syria through Kosovo.",
        "Victim Liaison Officers attended the training.",
    ],
)
def test_more_domain_prose_is_not_an_identifier(text: str) -> None:
    assert find_identifiers(text, ALL_KINDS) == [], [
        (h.kind, text[h.start : h.end]) for h in find_identifiers(text)
    ]


@pytest.mark.parametrize("name", ["identifier_blind3.jsonl", "identifier_blind4.jsonl"])
def test_targets_hold_on_the_later_corpora(name: str) -> None:
    """Regression guard: both were scored first as written (docs/SECURITY.md §5) and have been
    tuned against since, so these are no longer estimates of unseen text."""
    report = evaluate(load_corpus(DEFAULT_CORPUS.with_name(name)))
    assert report.recall() >= 0.97, report.misses
    for kind in IdentifierKind:
        assert report.recall(kind) >= 0.95, (kind, [m for m in report.misses if m[1] == kind])
    assert report.false_alarm_rate <= 0.10, report.false_alarms
