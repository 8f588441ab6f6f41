"""Factories for drop-ins. Sessions are normally made by schedule_create; these build rows directly
for tests that need exact times and counts."""

from datetime import time, timedelta

import factory
from django.utils import timezone

from agencies.dropins.models import Booking, BookingStatus, DropInSchedule, DropInSession, Mode, Topic
from agencies.dropins.services import ScheduleSpec
from tests.factories.agencies import AgencyFactory
from tests.factories.base import ModelFactory


class DropInScheduleFactory(ModelFactory[DropInSchedule]):
    class Meta:
        model = DropInSchedule
        skip_postgeneration_save = True

    host_agency = factory.SubFactory(AgencyFactory)
    title = factory.Sequence(lambda n: f"Test drop-in {n}")
    mode = Mode.HYBRID
    address = "Test CPS office, room 1"
    meeting_link = "https://meet.example.org/test"
    weekdays = factory.LazyFunction(lambda: [1])
    start_time = time(10, 0)
    end_time = time(11, 0)
    starts_on = factory.LazyFunction(timezone.localdate)
    occurrences = 4
    seats = 10
    booking_window_days = 28
    min_notice_hours = 2
    cancellation_cutoff_hours = 2

    @factory.post_generation
    def allowed_areas(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.allowed_areas.set(extracted)


class DropInSessionFactory(ModelFactory[DropInSession]):
    class Meta:
        model = DropInSession

    schedule = factory.SubFactory(DropInScheduleFactory)
    occurrence_key = factory.Sequence(lambda n: f"test-{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    capacity = 10


class BookingFactory(ModelFactory[Booking]):
    """A booking row with matching counters: use services.booking_create where the rules matter."""

    class Meta:
        model = Booking

    session = factory.SubFactory(DropInSessionFactory)
    isva = factory.SubFactory("tests.factories.agencies.UserFactory")
    status = BookingStatus.CONFIRMED
    topic = Topic.PROCESS


def schedule_spec(area, **overrides) -> ScheduleSpec:
    """What a host fills in for a weekly online drop-in open to `area`, starting tomorrow, for
    schedule_create / schedule_update; `overrides` change single answers."""
    values = {
        "title": "Weekly drop-in",
        "mode": "online",
        "meeting_link": "https://meet.example.org/x",
        "weekdays": [1],
        "start_time": time(10, 0),
        "end_time": time(11, 0),
        "starts_on": timezone.localdate() + timedelta(days=1),
        "occurrences": 4,
        "seats": 5,
        "allowed_area_ids": [area.pk],
    }
    values.update(overrides)
    return ScheduleSpec(**values)
