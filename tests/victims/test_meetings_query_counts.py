"""The pre-trial meeting pages' query counts are the same with 10 and with 1,000 requests in the
area (list for the VLO team and the requester; detail of a request): nothing is fetched per row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.victims.meetings.models import MeetingRequest, MeetingSlot
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def _grow(isva, area, total: int) -> MeetingRequest:
    have = MeetingRequest.objects.count()
    now = timezone.now()
    requests = MeetingRequest.objects.bulk_create(
        MeetingRequest(
            area=area,
            requester=isva,
            agency_id=isva.agency_id,
            requester_kind="isva",
            urn=f"47KD{i:05d}24",
            created_at=now - timedelta(minutes=i),
        )
        for i in range(have, total)
    )
    slots = MeetingSlot.objects.bulk_create(
        MeetingSlot(request=request, starts_at=now + timedelta(days=3), source="requester")
        for request in requests
    )
    for request, slot in zip(requests[::2], slots[::2], strict=True):
        request.status, request.confirmed_slot = "confirmed", slot
    MeetingRequest.objects.bulk_update(requests[::2], ["status", "confirmed_slot"])
    return MeetingRequest.objects.order_by("pk").first()  # type: ignore[return-value]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["vlo", "isva"])
def test_list_and_detail_are_flat_at_10_and_1000(request, who, isva, area) -> None:
    client = signed_in_client(request.getfixturevalue(who))
    first = _grow(isva, area, 10)
    pages = (reverse("pretrial:list"), reverse("pretrial:detail", args=[first.pk]))
    for url in pages:  # the first request of a session also loads the session and content types
        client.get(url)
    small = [_queries(client, url) for url in pages]
    _grow(isva, area, 1000)
    large = [_queries(client, url) for url in pages]
    assert small == large, (small, large)
