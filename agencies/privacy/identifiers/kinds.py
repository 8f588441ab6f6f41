"""The kinds of identifier the detector finds, and a hit: where one is in the original text."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class IdentifierKind(StrEnum):
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"
    NI_NUMBER = "ni_number"
    NHS_NUMBER = "nhs_number"
    VEHICLE_REG = "vehicle_registration"
    URN = "urn"
    CRIME_NUMBER = "crime_number"
    FULL_DATE = "full_date"
    DATE_OF_BIRTH = "date_of_birth"
    SOCIAL_HANDLE = "social_handle"
    STREET_ADDRESS = "street_address"
    SCHOOL = "school"
    NAME = "name"


LABELS = {
    IdentifierKind.POSTCODE: "a postcode",
    IdentifierKind.PHONE: "a phone number",
    IdentifierKind.EMAIL: "an email address",
    IdentifierKind.NI_NUMBER: "a National Insurance number",
    IdentifierKind.NHS_NUMBER: "an NHS number",
    IdentifierKind.VEHICLE_REG: "a vehicle registration",
    IdentifierKind.URN: "a CPS case reference (URN)",
    IdentifierKind.CRIME_NUMBER: "a crime reference number",
    IdentifierKind.FULL_DATE: "a full date",
    IdentifierKind.DATE_OF_BIRTH: "a date of birth",
    IdentifierKind.SOCIAL_HANDLE: "a social media handle",
    IdentifierKind.STREET_ADDRESS: "a street address",
    IdentifierKind.SCHOOL: "the name of a school",
    IdentifierKind.NAME: "what looks like a person's name",
}

CONTACT_AND_DATES = frozenset(
    {
        IdentifierKind.POSTCODE,
        IdentifierKind.PHONE,
        IdentifierKind.EMAIL,
        IdentifierKind.FULL_DATE,
        IdentifierKind.DATE_OF_BIRTH,
        IdentifierKind.SOCIAL_HANDLE,
        IdentifierKind.STREET_ADDRESS,
        IdentifierKind.NHS_NUMBER,
    }
)
ALL_KINDS = frozenset(IdentifierKind)


@dataclass(frozen=True)
class IdentifierHit:
    """Where a possible identifier is, in the original text. Hits carry positions, never the
    matched text, so logging a hit cannot leak the identifier (use `hit_text` to read it)."""

    kind: IdentifierKind
    start: int
    end: int

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def hit_text(text: str, hit: IdentifierHit) -> str:
    return text[hit.start : hit.end]
