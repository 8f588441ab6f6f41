"""Identifier probes written from the intruder's side after issue 13 merged (sentences the
development and holdout corpora do not hold): each failed on the merged detector."""

from __future__ import annotations

import pytest

from agencies.identifiers import find_identifiers


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
def test_an_ambiguous_given_name_opening_a_sentence_as_a_persons_subject_is_a_name(text, name) -> None:  # type: ignore[no-untyped-def]
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
def test_a_word_opening_a_sentence_before_the_same_verbs_is_not_a_name(text) -> None:  # type: ignore[no-untyped-def]
    assert find_identifiers(text) == []
