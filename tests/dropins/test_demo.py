import pytest

from agencies.demo import seed as seed_agencies
from agencies.dropins.demo import seed
from agencies.dropins.models import Booking, DropInSchedule, DropInSession
from content.demo import seed as seed_content

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_fills_a_month() -> None:
    seed_content()
    seed_agencies()
    seed()
    counts = (DropInSchedule.objects.count(), DropInSession.objects.count(), Booking.objects.count())
    seed()
    assert (DropInSchedule.objects.count(), DropInSession.objects.count(), Booking.objects.count()) == counts
    assert counts[0] == 2 and counts[1] >= 8 and counts[2] >= 3
    for session in DropInSession.objects.all():
        assert session.confirmed_count <= session.capacity
        assert session.confirmed_count == session.bookings.filter(status="confirmed").count()
