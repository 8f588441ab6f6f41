"""The viewer facts the selectors load with cases (agreement accepted, involvement declared) and the
per-request membership facts: they answer only for the person they were read for, and a
declaration made after loading is seen at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scrutiny import permissions, selectors, services
from scrutiny.models import CaseStatus, ConfidentialityAgreement
from scrutiny.permissions import CaseAccess
from scrutiny.redaction import Audience
from tests.scrutiny.test_query_counts import _add_cases


@pytest.mark.django_db
def test_case_facts_answer_only_for_the_viewer_they_were_loaded_for(world) -> None:
    independent, involved = world.users["independent"], world.users["involved"]
    not_accepted = world.users["not_accepted"]
    case = selectors.case_get(viewer=independent, case_id=world.case.pk)
    assert permissions.case_access(independent, case) == CaseAccess.ALLOWED
    # The same object asked about other people: their own facts, from the database.
    assert permissions.case_access(involved, case) == CaseAccess.INVOLVED
    assert permissions.case_access(not_accepted, case) == CaseAccess.NEEDS_AGREEMENT

    # Walled off: the involved member's own list does not even name the cases (issue 13 point 4).
    assert selectors.case_list(viewer=involved, panel=world.panel) == []
    cases = selectors.case_list(viewer=independent, panel=world.panel)
    assert {permissions.case_access_map(involved, cases)[c.pk] for c in cases} == {CaseAccess.INVOLVED}
    assert {permissions.case_access_map(independent, cases)[c.pk] for c in cases} == {CaseAccess.ALLOWED}
    assert {permissions.case_access_map(not_accepted, cases)[c.pk] for c in cases} == {
        CaseAccess.NEEDS_AGREEMENT
    }

    agenda = selectors.meeting_agenda(meeting=world.meeting, viewer=independent)
    agenda_cases = [item.case for item in agenda]
    assert set(permissions.case_access_map(independent, agenda_cases).values()) == {CaseAccess.ALLOWED}
    assert set(permissions.case_access_map(involved, agenda_cases).values()) == {CaseAccess.INVOLVED}


@pytest.mark.django_db
def test_facts_follow_declarations_and_new_agreement_versions(world) -> None:
    presenting = world.users["presenting"]
    _add_cases(world, 5)  # one more released case (3 + a draft before), declared on by two others only
    [new_case] = [
        c
        for c in selectors.case_list(viewer=presenting, panel=world.panel)
        if c.pseudonym.startswith("BULK-")
    ]
    assert new_case.status == CaseStatus.RELEASED
    case = selectors.case_get(viewer=presenting, case_id=new_case.pk)
    assert permissions.case_access(presenting, case) == CaseAccess.NEEDS_DECLARATION
    services.involvement_declare(actor=presenting, case=case, involved=False)
    assert permissions.case_access(presenting, case) == CaseAccess.ALLOWED

    # A new agreement version: the next load (the next request) asks for it again.
    services.agreement_publish(text="Version two.")
    assert ConfidentialityAgreement.objects.count() >= 2
    again = selectors.case_get(viewer=presenting, case_id=new_case.pk)
    assert permissions.case_access(presenting, again) == CaseAccess.NEEDS_AGREEMENT
    assert set(
        permissions.case_access_map(
            presenting, selectors.case_list(viewer=presenting, panel=world.panel)
        ).values()
    ) == {CaseAccess.NEEDS_AGREEMENT}


@pytest.mark.django_db
def test_one_query_reads_memberships_and_agency_area(world) -> None:
    chair, coordinator = world.users["chair"], world.users["coordinator"]
    fresh = type(chair).objects.get(pk=chair.pk)
    with CaptureQueriesContext(connection) as captured:
        assert permissions.panel_audience(fresh, world.panel.pk) == Audience.CHAIR
        assert permissions.panel_audience(fresh, world.other_panel.pk) is None
        assert permissions.panel_audience(fresh, world.panel) == Audience.CHAIR
    # Django's own permission cache aside, one query: memberships UNION the agency's area.
    facts = [q["sql"] for q in captured.captured_queries if "auth_permission" not in q["sql"]]
    assert len(facts) == 1 and "UNION" in facts[0], facts
    fresh = type(coordinator).objects.get(pk=coordinator.pk)
    assert permissions.panel_audience(fresh, world.panel) == Audience.COORDINATOR
    assert permissions.panel_audience(fresh, world.other_panel.pk) is None  # another area's panel
