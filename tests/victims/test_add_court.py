"""`manage.py add_court`: the reference list of courts per area, idempotent, refusing bad input."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from agencies.victims.models import Court

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("add_court", *args, stdout=out)
    return out.getvalue()


def test_adds_courts_once(area) -> None:
    assert "Added: North Crown Court" in _run("test-north", "North  Crown Court", "North Youth Court")
    assert "Already listed: North Crown Court" in _run("test-north", "north crown court")
    assert sorted(Court.objects.filter(area=area).values_list("name", flat=True)) == [
        "North Crown Court",
        "North Youth Court",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("no-such-area", "A Court"), "no CPS area"),
        (("test-north", "x" * 121), "120 characters"),
        (("test-north", "   "), "Give the court's name"),
        (("test-south", "North Crown Court"), "already listed in CPS Test North"),
    ],
)
def test_refuses_bad_input_and_writes_nothing(area, other_area, court, args, message) -> None:
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert list(Court.objects.values_list("name", flat=True)) == ["North Crown Court"]
