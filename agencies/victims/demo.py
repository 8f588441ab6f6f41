"""Fictional demo VLO directory: the two demo CPS areas' teams and courts, a VLO and an Area lead
in the Dalesford unit. Dalesford's details are current; Harbour Vale's were last confirmed four
months ago, so its page shows the review prompt. Idempotent. Fictional means fictional: every
mailbox is at example.org and every number is in Ofcom's range for drama (01134 96x xxx)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from agencies.demo import DEMO_PASSWORD
from agencies.models import Agency, Area, User
from agencies.roles import Role
from agencies.victims import services
from agencies.victims.models import Court, VloTeam

COURTS = {
    "north-east": ("Dalesford Crown Court (demo)", "Dalesford Magistrates' Court (demo)"),
    "wessex": ("Harbour Vale Crown Court (demo)", "Harbour Vale Magistrates' Court (demo)"),
}
PEOPLE = (
    ("vlo@dalesford-cps.example.org", "Robin", "Ashdown", "Victim Liaison Officer", Role.VLO),
    ("lead@dalesford-cps.example.org", "Morgan", "Ellery", "Area lead, victim liaison", Role.AREA_LEAD),
)
DALESFORD_AGENCY = "Dalesford RASSO Unit (demo)"
POLICE_AGENCY = "Dalesford Constabulary (demo)"
POLICE_OFFICER = (
    "oic@dalesford-police.example.org",
    "Sam",
    "Carver",
    "Detective Constable, officer in the case",
)


@transaction.atomic
def seed(*, stdout: Any = None) -> None:
    areas = {area.code: area for area in Area.objects.filter(code__in=COURTS)}
    agency = Agency.objects.filter(name=DALESFORD_AGENCY).first()
    if len(areas) != len(COURTS) or agency is None:
        return  # agencies.demo has not run
    courts = {
        code: [Court.objects.get_or_create(name=name, defaults={"area": areas[code]})[0] for name in names]
        for code, names in COURTS.items()
    }
    people = {}
    for email, first, last, title, role in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                job_title=title,
                agency=agency,
            )
            if stdout is not None:
                stdout.write(f"  {role.value:<18} {email}")
        user.groups.add(Group.objects.get(name=role.value))
        people[role] = user
    if not VloTeam.objects.filter(area=areas["north-east"]).exists():
        services.vlo_team_save(
            actor=people[Role.AREA_LEAD],
            area_id=areas["north-east"].pk,
            spec=services.TeamSpec(
                team_name="Dalesford Victim Liaison Unit (demo)",
                mailbox="vlo@dalesford-cps.example.org",
                phone="0113 496 0100",
                opening_hours="Monday to Friday, 9am to 5pm. Closed on bank holidays.",
                court_ids=tuple(court.pk for court in courts["north-east"]),
            ),
        )
    if not VloTeam.objects.filter(area=areas["wessex"]).exists():
        # No demo Area lead in Wessex: written directly, four months unconfirmed.
        team = VloTeam.objects.create(
            area=areas["wessex"],
            team_name="Harbour Vale Victim Liaison Unit (demo)",
            mailbox="vlo@harbourvale-cps.example.org",
            phone="01134960200",
            opening_hours="Weekdays 8.30am to 4.30pm; answerphone outside these hours.",
            last_confirmed_on=timezone.localdate() - timedelta(days=120),
        )
        team.courts.set(courts["wessex"])
    _seed_meetings(areas["north-east"], people[Role.VLO], stdout=stdout)


def _seed_meetings(area: Area, vlo: User, *, stdout: Any = None) -> None:
    """Pre-trial meeting requests in Dalesford, one in each state the team works through: a new
    request from the ISVA, one from the officer in the case with a time confirmed, one with a time
    proposed back to the ISVA. Fictional URNs (force code 99, no real force)."""
    from agencies.victims.meetings import services as meetings
    from agencies.victims.meetings.models import MeetingRequest

    police = Agency.objects.filter(name=POLICE_AGENCY).first()
    isva = User.objects.filter(email="isva@lantern-isva.example.org").first()
    if police is None or isva is None:
        return
    email, first, last, title = POLICE_OFFICER
    officer = User.objects.filter(email=email).first()
    if officer is None:
        officer = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            job_title=title,
            agency=police,
        )
        if stdout is not None:
            stdout.write(f"  {Role.POLICE_OFFICER.value:<18} {email}")
    officer.groups.add(Group.objects.get(name=Role.POLICE_OFFICER.value))
    if MeetingRequest.objects.filter(area=area).exists():
        return
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)

    def at(days: int, hour: int) -> Any:
        return (now + timedelta(days=days)).replace(hour=hour)

    meetings.meeting_request_create(
        actor=isva,
        spec=meetings.RequestSpec(
            area_id=area.pk,
            urn="99 DA 10001 26",
            slots=(at(10, 10), at(11, 14)),
            isva_attends=True,
            needs=frozenset({"need_separate_waiting", "need_screens"}),
            notes="Prefers a morning meeting.",
        ),
    )
    confirmed = meetings.meeting_request_create(
        actor=officer,
        spec=meetings.RequestSpec(
            area_id=area.pk,
            urn="99 DA 10002 26",
            slots=(at(14, 11),),
            needs=frozenset({"need_interpreter", "need_step_free"}),
        ),
    )
    meetings.meeting_slot_confirm(actor=vlo, request_id=confirmed.pk, slot_id=confirmed.slots.get().pk)
    proposed = meetings.meeting_request_create(
        actor=isva,
        spec=meetings.RequestSpec(
            area_id=area.pk, urn="99 DA 10003 26", slots=(at(8, 9),), isva_attends=True
        ),
    )
    meetings.meeting_slot_propose(actor=vlo, request_id=proposed.pk, starts_at=at(9, 15))
