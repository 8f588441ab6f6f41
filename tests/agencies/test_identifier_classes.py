"""Classes of identifier the third blind corpus (tests/agencies/identifier_blind3.jsonl) showed the
detector missing, and classes of domain prose it mistook for identifiers. Every example here is
new text, not a corpus sentence: each tests the general rule, so the blind corpus stays an honest
measurement of text the detector has not seen."""

import pytest

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
