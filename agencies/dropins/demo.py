"""Fictional demo drop-ins: a month of sessions from the demo CPS unit, with some bookings and a
waitlist. Idempotent: schedules are found by title and host, bookings by person and session."""

from __future__ import annotations

from datetime import time, timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from agencies.demo import DEMO_PASSWORD
from agencies.dropins import services
from agencies.dropins.models import Booking, DropInSchedule, DropInSession, Mode, SessionStatus, Topic
from agencies.models import Agency, Area, User
from agencies.roles import Role

HOST_EMAIL = "host@dalesford-cps.example.org"
EXTRA_ISVAS = (
    ("isva2@lantern-isva.example.org", "Ash", "Rowan", "Lantern ISVA Service (demo)"),
    ("isva@beacon-advocacy.example.org", "Bay", "Laurel", "Beacon Advocacy (demo)"),
)


def _isvas() -> list[User]:
    people = list(User.objects.filter(email="isva@lantern-isva.example.org"))
    group = Group.objects.get(name=Role.ISVA.value)
    for email, first, last, agency_name in EXTRA_ISVAS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                job_title="ISVA",
                agency=Agency.objects.get(name=agency_name),
            )
        user.groups.add(group)
        people.append(user)
    return people


@transaction.atomic
def seed(*, stdout: object = None) -> None:
    host = User.objects.filter(email=HOST_EMAIL).first()
    if host is None:
        return
    areas = list(Area.objects.filter(code__in=["north-east", "wessex"]).values_list("pk", flat=True))
    today = timezone.localdate()
    specs = [
        services.ScheduleSpec(
            title="Dalesford RASSO drop-in (demo)",
            mode=Mode.HYBRID,
            address="Dalesford CPS office, meeting room 2 (fictional)",
            meeting_link="https://meet.example.org/dalesford-dropin",
            weekdays=[1, 3],
            start_time=time(10, 0),
            end_time=time(11, 0),
            starts_on=today,
            until=today + timedelta(days=31),
            seats=2,
            allowed_area_ids=areas,
        ),
        services.ScheduleSpec(
            title="Case progression one-to-ones (demo)",
            mode=Mode.ONLINE,
            meeting_link="https://meet.example.org/dalesford-121",
            frequency="fortnightly",
            weekdays=[2],
            start_time=time(14, 0),
            end_time=time(15, 0),
            starts_on=today,
            occurrences=3,
            slot_minutes=20,
            allowed_area_ids=areas,
        ),
    ]
    created = 0
    for spec in specs:
        if not DropInSchedule.objects.filter(title=spec.title, host_agency=host.agency).exists():
            services.schedule_create(actor=host, spec=spec)
            created += 1
    # Some bookings on the first open sessions (emails go nowhere while seeding).
    isvas = _isvas()
    schedule = DropInSchedule.objects.get(title=specs[0].title, host_agency=host.agency)
    now = timezone.now()
    sessions = list(
        DropInSession.objects.filter(
            schedule=schedule,
            status=SessionStatus.SCHEDULED,
            starts_at__gt=now + timedelta(hours=schedule.min_notice_hours),
            starts_at__lt=now + timedelta(days=schedule.booking_window_days),
        ).order_by("starts_at")[:2]
    )
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for session in sessions:
            for index, isva in enumerate(isvas):
                if Booking.objects.filter(session=session, isva=isva).exists():
                    continue
                services.booking_create(
                    actor=isva, session_id=session.pk, topic=list(Topic.values)[index % 5]
                )
    if created and stdout is not None:
        stdout.write(f"Drop-in demo schedules created: {created}")
