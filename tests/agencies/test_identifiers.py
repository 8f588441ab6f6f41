import pytest
from hypothesis import given
from hypothesis import strategies as st

from agencies.privacy.identifiers import CONTACT_AND_DATES, IdentifierKind, describe, find_identifiers


def kinds(text: str, **kwargs) -> list[str]:
    return [hit.kind.value for hit in find_identifiers(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("She lives near SW1A 1AA now.", IdentifierKind.POSTCODE),
        ("postcode m1 1ae", IdentifierKind.POSTCODE),
        ("Call 07700 900123 after six.", IdentifierKind.PHONE),
        ("Landline (0161) 496 0000.", IdentifierKind.PHONE),
        ("Use +44 7700 900123 instead.", IdentifierKind.PHONE),
        ("Email jo.bloggs+x@example.co.uk please", IdentifierKind.EMAIL),
        ("NI number QQ 12 34 56 C on file", IdentifierKind.NI_NUMBER),
        ("Car was AB12 CDE at the scene", IdentifierKind.VEHICLE_REG),
        ("File 01YZ1234524 was reviewed", IdentifierKind.URN),
        ("URN 01 YZ 12345 24", IdentifierKind.URN),
        ("crime reference CR/12345/24 noted", IdentifierKind.CRIME_NUMBER),
        ("The incident was on 12/03/2024 late.", IdentifierKind.FULL_DATE),
        ("Interviewed 3rd of March 2024 at home", IdentifierKind.FULL_DATE),
        ("Statement dated March 3, 2024 was", IdentifierKind.FULL_DATE),
        ("Statement dated 2024-03-12 was", IdentifierKind.FULL_DATE),
        ("The complainant told Mrs Patel about it.", IdentifierKind.NAME),
        ("The complainant told Jordan Whitfield about it.", IdentifierKind.NAME),
    ],
)
def test_detects_each_kind(text: str, kind: IdentifierKind) -> None:
    assert kind.value in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "The officer in the case referred the file to the CPS in March 2024.",
        "Victim support was offered by the ISVA service within two weeks.",
        "The case was discussed at the Crown Court after the Special Measures application.",
        "Age band 25-34; relationship: acquaintance.",
        "Charging advice was given 3 weeks after referral.",
        "Home Office counting rules were applied.",
    ],
)
def test_ordinary_case_language_is_not_flagged(text: str) -> None:
    assert kinds(text) == []


def test_kinds_can_be_limited() -> None:
    text = "Jordan Whitfield, 07700 900123"
    assert kinds(text, kinds=CONTACT_AND_DATES) == ["phone"]


def test_hits_carry_positions_not_text_and_do_not_overlap() -> None:
    text = "Seen 12/03/2024; email a@b.example"
    hits = find_identifiers(text)
    assert [text[h.start : h.end] for h in hits] == ["12/03/2024", "a@b.example"]
    assert all(not hasattr(h, "text") for h in hits)


def test_describe_names_kinds_without_repeating_the_text() -> None:
    message = describe(find_identifiers("Call 07700 900123 or a@b.example"))
    assert message.startswith("This looks like it contains a phone number and an email address.")
    assert "07700" not in message


@given(st.text(max_size=2000))
def test_never_crashes_and_positions_are_in_range(text: str) -> None:
    for hit in find_identifiers(text):
        assert 0 <= hit.start < hit.end <= len(text)
