"""Each CPS area's Victim Liaison Officer (VLO) team: the single point of contact partners use.

Organisational records only. A team has a team mailbox and a team phone line (never a person's
address or mobile), opening hours screened for identifiers, and the courts it covers. No retention
rule is registered: nothing here is personal or case data (agencies/retention.py).
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone

from agencies.models import Area

# A prompt to re-confirm the details once they are older than a quarter.
CONFIRM_EVERY_DAYS = 90


class Court(models.Model):
    """A court in a CPS area: the reference list a VLO team picks the courts it covers from."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="courts")
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VloTeam(models.Model):
    """One area's VLO team. Every change goes through agencies.victims.services."""

    area = models.OneToOneField(Area, on_delete=models.PROTECT, related_name="vlo_team")
    team_name = models.CharField(max_length=120)
    mailbox = models.EmailField(max_length=254, help_text="A team mailbox, never a person's address.")
    phone = models.CharField(
        max_length=11, help_text="UK landline or non-geographic number, digits only (never a mobile)."
    )
    opening_hours = models.CharField(max_length=500)
    courts = models.ManyToManyField(Court, blank=True, related_name="vlo_teams")
    last_confirmed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["area__name"]
        verbose_name = "VLO team"
        # Capabilities granted to roles by agencies.roles.
        permissions = [
            ("view_vlo_directory", "Can view the VLO directory"),
            ("manage_area_vlo_team", "Can keep their own CPS area's VLO team details current"),
        ]

    def __str__(self) -> str:
        return self.team_name

    def is_stale(self, today: date | None = None) -> bool:
        """Never confirmed, or confirmed more than a quarter ago."""
        if self.last_confirmed_on is None:
            return True
        today = today or timezone.localdate()
        return (today - self.last_confirmed_on).days > CONFIRM_EVERY_DAYS

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    @property
    def phone_international(self) -> str:
        return "+44" + self.phone[1:] if self.phone.startswith("0") else self.phone


def format_phone(digits: str) -> str:
    """'02079460000' -> '020 7946 0000'; '03001234567' -> '0300 123 4567'."""
    if len(digits) == 11 and digits.startswith("02"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if len(digits) == 11:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    if len(digits) == 10:
        return f"{digits[:4]} {digits[4:]}"
    return digits


# Pre-trial meetings (agencies/victims/meetings/): imported here so the app registry loads them.
from agencies.victims.meetings.models import MeetingRequest, MeetingSlot  # noqa: E402, F401
