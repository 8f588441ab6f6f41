"""API reads are audited like page reads (issue 13 point 6): every JSON read of case data, a list
or the figures writes an AccessEvent with channel api and the fields a page read has."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scrutiny.models import AccessEvent, AccessVerb
from tests.conftest import signed_in_client


def _new_events(before: int):
    return list(AccessEvent.objects.filter(pk__gt=before).order_by("pk"))


def _head() -> int:
    return AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.django_db
def test_the_panel_and_meeting_lists_are_audited(world) -> None:
    """Reproduction: GET /api/v1/scrutiny/panels and /panels/<id>/meetings wrote no access event."""
    member = world.users["cps_member"]
    client = signed_in_client(member)
    for name, args, object_type in (
        ("api-v1:scrutiny_panels", [], "panel"),
        ("api-v1:scrutiny_meetings", [world.panel.pk], "panel"),
    ):
        before = _head()
        assert client.get(reverse(name, args=args)).status_code == 200
        events = _new_events(before)
        assert events, name
        event = events[-1]
        assert (event.actor_id, event.verb, event.channel, event.object_type) == (
            member.pk,
            AccessVerb.VIEW,
            "api",
            object_type,
        )
        assert event.panel_id == world.panel.pk
        assert event.audience not in {"", "none"}


@pytest.mark.django_db
def test_the_figures_read_is_audited_and_so_is_its_refusal(world, evaluator, isva) -> None:
    """Reproduction: GET /api/v1/scrutiny/figures wrote no access event."""
    before = _head()
    assert signed_in_client(evaluator).get(reverse("api-v1:scrutiny_figures")).status_code == 200
    (event,) = _new_events(before)
    assert (event.actor_id, event.verb, event.channel, event.object_type, event.audience) == (
        evaluator.pk,
        AccessVerb.VIEW,
        "api",
        "aggregate",
        "aggregate",
    )
    before = _head()
    assert signed_in_client(isva).get(reverse("api-v1:scrutiny_figures")).status_code == 403
    (refused,) = _new_events(before)
    assert (refused.actor_id, refused.verb, refused.channel) == (isva.pk, AccessVerb.REFUSED, "api")


@pytest.mark.django_db
def test_every_api_read_of_case_data_writes_an_api_event(world) -> None:
    chair = world.users["chair"]
    client = signed_in_client(chair)
    urls = [
        reverse("api-v1:scrutiny_panel", args=[world.panel.pk]),
        reverse("api-v1:scrutiny_cases", args=[world.panel.pk]),
        reverse("api-v1:scrutiny_case", args=[world.case.pk]),
        reverse("api-v1:scrutiny_reviews", args=[world.case.pk]),
        reverse("api-v1:scrutiny_meeting", args=[world.meeting.pk]),
        reverse("api-v1:scrutiny_findings", args=[world.panel.pk]),
        reverse("api-v1:scrutiny_actions", args=[world.panel.pk]),
    ]
    for url in urls:
        before = _head()
        assert client.get(url).status_code == 200, url
        events = _new_events(before)
        assert [e.channel for e in events] and {e.channel for e in events} == {"api"}, url
        assert all(e.actor_id == chair.pk and e.verb == AccessVerb.VIEW for e in events), url


@pytest.mark.django_db
def test_governance_dashboard_and_figures_reads_are_audited(world, governance_member) -> None:
    client = signed_in_client(governance_member)
    for name in ("governance:national", "governance:national-figures"):
        before = _head()
        assert client.get(reverse(name)).status_code == 200
        (event,) = _new_events(before)
        assert (event.actor_id, event.verb, event.object_type, event.channel) == (
            governance_member.pk,
            AccessVerb.VIEW,
            "aggregate",
            "page",
        )
