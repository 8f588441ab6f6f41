"""Identifier probes written from the intruder's side after issue 13 merged (sentences the
development and holdout corpora do not hold): each failed on the merged detector."""

from __future__ import annotations

import pytest

from agencies.privacy.identifiers import find_identifiers


@pytest.mark.parametrize(
    "text, name",
    [
        ("Rose told the officer she had been drinking.", "Rose"),
        ("Mark said he left the party at midnight.", "Mark"),
        ("Will told her to keep quiet.", "Will"),
        ("Grace reported it the next morning.", "Grace"),
        ("Holly disclosed the assault to a teacher.", "Holly"),
        ("Dean denied knowing her.", "Dean"),
        ("Hunter texted her twice that night.", "Hunter"),
        ("The interview ended. Ruby said she was scared.", "Ruby"),
    ],
)
def test_an_ambiguous_given_name_opening_a_sentence_as_a_persons_subject_is_a_name(text, name) -> None:
    hits = find_identifiers(text)
    assert [(hit.kind.value, text[hit.start : hit.end]) for hit in hits] == [("name", name)]


@pytest.mark.parametrize(
    "text",
    [
        "Police told the victim nothing about the delay.",
        "Officers said the file was lost.",
        "Staff reported delays in the disclosure schedule.",
        "Witnesses said he left before midnight.",
        "Family said she was upset.",
        "Neighbours rang the police.",
        "Records stated the time of the call.",
        "Guidance says the ISVA should be told.",
    ],
)
def test_a_word_opening_a_sentence_before_the_same_verbs_is_not_a_name(text) -> None:
    assert find_identifiers(text) == []


@pytest.mark.parametrize(
    "text, kind, found",
    [
        # An NHS number glued to its label (the old look-behind wanted no letter before it).
        ("Her record NHS9434765919 was shared.", "nhs_number", "9434765919"),
        ("nhs#9434765919 on the referral.", "nhs_number", "9434765919"),
        # A force's digit-led crime reference with no "crime ref" cue in front of it.
        ("Crime 13/123456/24 was closed.", "crime_number", "13/123456/24"),
        # Also a CPS URN written without the separator after its unit ("44/00 12345/23"), a shape
        # the blind corpus added to the URN rule: found whole, as a URN after "CPS" or "URN"; with
        # no such cue the same shape is a force's crime reference (identifier_blind3.jsonl).
        ("The CPS filed it under 44/0012345/23 in May.", "urn", "44/0012345/23"),
        ("Filed under 44/0012345/23 in May.", "crime_number", "44/0012345/23"),
    ],
)
def test_glued_nhs_numbers_and_digit_led_crime_references_are_found(text, kind, found) -> None:
    hits = find_identifiers(text)
    assert [(hit.kind.value, text[hit.start : hit.end]) for hit in hits] == [(kind, found)]


@pytest.mark.parametrize(
    "text",
    [
        "The hearing was on 12/03/2024 at 10am.",
        "Phone 07700900123 was seized.",  # a phone number, not an NHS number inside it
        "Of 1,234 cases, 3/4 were finalised.",
    ],
)
def test_dates_and_phone_numbers_are_not_read_as_those(text) -> None:
    assert {hit.kind.value for hit in find_identifiers(text)} <= {"phone", "full_date"}


@pytest.mark.parametrize(
    "text, name",
    [
        ("Li told the officer she was frightened.", "Li"),
        ("Her friend Jo drove her home.", "Jo"),
        ("Ed said he saw them leave.", "Ed"),
        ("The victim, jo, said no.", "jo"),
        ("Jo Smith gave evidence.", "Jo Smith"),
    ],
)
def test_two_letter_given_names_are_names_where_a_capital_cannot_be_a_word(text, name) -> None:
    hits = find_identifiers(text)
    assert [(hit.kind.value, text[hit.start : hit.end]) for hit in hits] == [("name", name)]


@pytest.mark.parametrize(
    "text", ["She was taken to ED at 2am.", "AL and ED were consulted.", "He said no.", "It said so."]
)
def test_capitals_and_pronouns_are_not_two_letter_names(text) -> None:
    assert find_identifiers(text) == []
