"""No pre-trial meeting email carries the case reference (URN, restricted data) or the free text,
whatever its kind: an email leaves the platform and may be forwarded."""

from __future__ import annotations

import re

import pytest

from agencies.victims.meetings.emails import EmailKind, render_meeting_email
from tests.victims.meetings_helpers import make_request

pytestmark = pytest.mark.django_db

NOTES = "Quiet room please, zqxnotecanary."
KINDS = [v for k, v in vars(EmailKind).items() if k.isupper()]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.mark.parametrize("kind", KINDS)
def test_no_meeting_email_carries_the_urn_or_the_free_text(isva, area, kind) -> None:
    request = make_request(isva, area, notes=NOTES)
    assert request.urn  # the stored reference the email must not show
    message = render_meeting_email(request, kind)
    text = f"{message.subject}\n{message.body}"
    assert request.reference in message.body
    # In any spacing or punctuation: the URN's digits never appear as a run.
    assert _digits(request.urn) not in _digits(text.replace(request.reference, ""))
    assert request.urn.replace(" ", "") not in text.replace(" ", "")
    assert "zqxnotecanary" not in text


def test_every_email_kind_is_covered() -> None:
    assert sorted(KINDS) == ["confirmed", "not_needed", "outcome", "proposed", "received"]
