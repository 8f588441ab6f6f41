"""Every write to VLO team data: keyword-only, typed, atomic, permission re-checked, audited.

The domain rules live here (forms only check shape): a team mailbox at the area's own CPS domain
and never a free-mail or personal-looking address; a UK landline or non-geographic number and
never a mobile; team name and opening hours free of names and personal numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from agencies import audit
from agencies.errors import NotFound, ServiceError
from agencies.models import Agency, AgencyKind, Area, User
from agencies.privacy.identifiers import ALL_KINDS, IdentifierKind, describe, find_identifiers
from agencies.services import notification_send
from agencies.victims import permissions
from agencies.victims.audit import Action
from agencies.victims.models import CONFIRM_EVERY_DAYS, Court, VloTeam

MAX_TEAM_NAME = 120
MAX_HOURS = 500
MAX_MAILBOX = 254
# How often an area's leads are reminded while its details stay unconfirmed.
REMIND_EVERY_DAYS = 30

FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "outlook.co.uk",
        "live.com",
        "live.co.uk",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "aol.co.uk",
        "btinternet.com",
        "sky.com",
        "talktalk.net",
        "virginmedia.com",
        "protonmail.com",
        "proton.me",
        "gmx.com",
        "gmx.co.uk",
        "mail.com",
    }
)


# Validation -----------------------------------------------------------------------------------------


def area_email_domains(area_id: int) -> set[str]:
    """The email domains of the area's active CPS agencies: a team mailbox must be at one."""
    domains: set[str] = set()
    for listed in Agency.objects.filter(
        area_id=area_id, kind=AgencyKind.CPS_AREA, is_active=True
    ).values_list("allowed_email_domains", flat=True):
        domains.update(str(domain).strip().lower() for domain in listed or [])
    return domains


_LOCAL_WORDS = re.compile(r"[A-Za-z]+")


def clean_mailbox(mailbox: str, *, area_id: int) -> str:
    address = mailbox.strip().lower()
    if not address or len(address) > MAX_MAILBOX or address.count("@") != 1:
        raise ServiceError(
            "Enter the team mailbox as an email address, like vlo@cps.example.org.", field="mailbox"
        )
    local, domain = address.split("@")
    try:
        validate_email(address)
    except ValidationError:
        local = ""  # refused just below, with the same message
    if not local or not domain:
        raise ServiceError(
            "Enter the team mailbox as an email address, like vlo@cps.example.org.", field="mailbox"
        )
    if domain in FREE_MAIL_DOMAINS:
        raise ServiceError(
            "Give the team's work mailbox, not a personal email service like Gmail, Outlook or iCloud.",
            field="mailbox",
        )
    allowed = area_email_domains(area_id)
    if allowed and domain not in allowed:
        raise ServiceError(
            "The team mailbox must be at your CPS area's email domain (" + ", ".join(sorted(allowed)) + ").",
            field="mailbox",
        )
    # "jane.smith@..." is a person's address: the directory lists team mailboxes only.
    words = " ".join(word.capitalize() for word in _LOCAL_WORDS.findall(local))
    if words and find_identifiers(f"Write to {words} today.", kinds={IdentifierKind.NAME}):
        raise ServiceError(
            "This looks like a person's email address. Give the team's shared mailbox instead.",
            field="mailbox",
        )
    return address


_PHONE_PUNCTUATION = re.compile(r"[\s\-.()/]")


def clean_phone(phone: str) -> str:
    """A UK landline (01, 02), UK-wide (03) or freephone (0800, 0808) number, as digits."""
    text = _PHONE_PUNCTUATION.sub("", phone.strip())
    for prefix in ("+440", "00440", "+44", "0044"):  # "+44 (0)113" is "+440113" once unpunctuated
        if text.startswith(prefix):
            text = "0" + text[len(prefix) :]
            break
    if not text or not text.isascii() or not text.isdigit() or not text.startswith("0"):
        raise ServiceError("Enter a UK phone number, like 0300 123 4567.", field="phone")
    if text.startswith("07"):
        raise ServiceError(
            "Give the team's landline or 03 number, never a personal mobile (07).", field="phone"
        )
    valid = (
        (text[:2] == "01" and len(text) in (10, 11))
        or (text[:2] in ("02", "03") and len(text) == 11)
        or (text[:4] == "0800" and len(text) in (10, 11))
        or (text[:4] == "0808" and len(text) == 11)
    )
    if not valid:
        raise ServiceError(
            "Enter a UK landline (01 or 02), UK-wide (03) or freephone (0800, 0808) number, "
            "like 0300 123 4567.",
            field="phone",
        )
    return text


def _screen(text: str, *, field: str, label: str, limit: int) -> str:
    text = text.strip()
    if not text:
        raise ServiceError(f"Enter the {label}.", field=field)
    if len(text) > limit:
        raise ServiceError(f"The {label} must be {limit} characters or fewer.", field=field)
    if "\x00" in text:
        raise ServiceError(f"The {label} contains a character that cannot be saved.", field=field)
    hits = find_identifiers(text, kinds=ALL_KINDS)
    if hits:
        message = describe(hits) + " The directory holds team details only: no names or personal numbers."
        raise ServiceError(message, field=field)
    return text


@dataclass(frozen=True)
class TeamSpec:
    team_name: str
    mailbox: str
    phone: str
    opening_hours: str
    court_ids: tuple[int, ...] = ()


# Writes ---------------------------------------------------------------------------------------------


def _area_for(*, actor: User, area_id: int) -> Area:
    area = Area.objects.filter(pk=area_id).first()
    if area is None or not permissions.can_manage_team(actor, area.pk):
        # Another area's team is "not found", whatever id is guessed (no disclosure).
        raise NotFound
    return area


@transaction.atomic
def vlo_team_save(*, actor: User, area_id: int, spec: TeamSpec) -> VloTeam:
    """Create or change the area's VLO team. Saving counts as confirming the details: the lead
    has just checked every field."""
    area = _area_for(actor=actor, area_id=area_id)
    team_name = _screen(spec.team_name, field="team_name", label="team name", limit=MAX_TEAM_NAME)
    mailbox = clean_mailbox(spec.mailbox, area_id=area.pk)
    phone = clean_phone(spec.phone)
    opening_hours = _screen(spec.opening_hours, field="opening_hours", label="opening hours", limit=MAX_HOURS)
    court_ids = set(spec.court_ids)
    courts = list(Court.objects.filter(area=area, pk__in=court_ids))
    if len(courts) != len(court_ids):
        raise ServiceError("Choose courts in your own area only.", field="courts")
    team = VloTeam.objects.select_for_update().filter(area=area).first()
    created = team is None
    if team is None:
        team = VloTeam(area=area)
    team.team_name, team.mailbox, team.phone, team.opening_hours = team_name, mailbox, phone, opening_hours
    team.updated_at = timezone.now()
    team.last_confirmed_on = timezone.localdate()
    team.reminder_sent_at = None
    try:
        team.full_clean(exclude=["courts"])
    except ValidationError as exc:  # the model's own checks, after ours: refused, never a 500
        field, errors = next(iter(exc.message_dict.items()))
        raise ServiceError(errors[0], field=field) from exc
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError as exc:
        raise ServiceError("Someone else published this area's team just now. Reload and try again.") from exc
    team.courts.set(courts)
    audit.record(
        instance=team,
        # record() writes any registered action; its annotation names agencies' own enum.
        action=Action.VLO_TEAM_CREATED if created else Action.VLO_TEAM_UPDATED,  # type: ignore[arg-type]
        actor=actor,
        agency_id=actor.agency_id,
    )
    return team


@transaction.atomic
def vlo_team_confirm(*, actor: User, area_id: int) -> VloTeam:
    """The lead confirms the published details are still correct, without changing them."""
    area = _area_for(actor=actor, area_id=area_id)
    team = VloTeam.objects.select_for_update().filter(area=area).first()
    if team is None:
        raise ServiceError("Publish your area's VLO team details first.")
    team.last_confirmed_on = timezone.localdate()
    team.reminder_sent_at = None
    team.save(update_fields=["last_confirmed_on", "reminder_sent_at"])
    audit.record(
        instance=team,
        action=Action.VLO_TEAM_CONFIRMED,  # type: ignore[arg-type]
        actor=actor,
        agency_id=actor.agency_id,
    )
    return team


MAX_COURT_NAME = 120


@transaction.atomic
def court_add(*, area_code: str, name: str) -> tuple[Court, bool]:
    """Add a court to an area's reference list (the courts a VLO team may say it covers): run by an
    operator through `manage.py add_court`. Court names are public, so only their shape is checked."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_COURT_NAME or "\x00" in name:
        raise ServiceError(f"Give the court's name, {MAX_COURT_NAME} characters or fewer.", field="name")
    area = Area.objects.filter(code=area_code.strip()).first()
    if area is None:
        raise ServiceError(f"There is no CPS area with the code {area_code[:40]!r}.", field="area")
    court = Court.objects.filter(name__iexact=name).first()
    if court is not None:
        if court.area_id != area.pk:
            raise ServiceError(f"{court.name} is already listed in {court.area.name}.", field="name")
        return court, False
    return Court.objects.create(area=area, name=name), True


def stale_before(today: date) -> date:
    return today - timedelta(days=CONFIRM_EVERY_DAYS)


def area_leads(area_id: int) -> list[User]:
    """The active Area leads of the area's CPS agencies (whom a reminder goes to)."""
    from agencies.roles import Role

    return list(
        User.objects.filter(
            is_active=True,
            agency__area_id=area_id,
            agency__kind=AgencyKind.CPS_AREA,
            agency__is_active=True,
            groups__name=Role.AREA_LEAD.value,
        )
        .distinct()
        .order_by("pk")
    )


@dataclass(frozen=True)
class Reminder:
    team: VloTeam
    leads: list[User]


def reminders_due(*, now: datetime | None = None) -> list[Reminder]:
    """Teams unconfirmed for more than a quarter whose leads were not reminded in the last
    REMIND_EVERY_DAYS, with the leads to remind."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    from django.db.models import Q

    teams = VloTeam.objects.select_related("area").filter(
        Q(last_confirmed_on__isnull=True) | Q(last_confirmed_on__lt=stale_before(today)),
        Q(reminder_sent_at__isnull=True) | Q(reminder_sent_at__lt=now - timedelta(days=REMIND_EVERY_DAYS)),
    )
    return [Reminder(team=team, leads=area_leads(team.area_id)) for team in teams.order_by("area__name")]


@transaction.atomic
def vlo_reminders_send(*, now: datetime | None = None) -> list[Reminder]:
    """Send each due reminder as an in-app notification to the area's leads; a team is claimed by a
    conditional UPDATE first, so overlapping runs remind once."""
    now = now or timezone.now()
    sent = []
    for reminder in reminders_due(now=now):
        if not reminder.leads:
            continue
        claimed = VloTeam.objects.filter(
            pk=reminder.team.pk, reminder_sent_at=reminder.team.reminder_sent_at
        ).update(reminder_sent_at=now)
        if not claimed:
            continue
        url = reverse("victims:team-detail", args=[reminder.team.area_id])
        for lead in reminder.leads:
            notification_send(
                recipient=lead,
                title=f"Please confirm the VLO team details for {reminder.team.area.name}",
                url=url,
            )
        audit.record(
            instance=reminder.team,
            action=Action.VLO_TEAM_REMINDED,  # type: ignore[arg-type]
            actor=None,
            agency_id=None,
        )
        sent.append(reminder)
    return sent
