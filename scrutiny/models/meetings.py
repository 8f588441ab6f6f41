"""Meetings, attendance, agenda items and acting chairs."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from scrutiny.models.cases import Case
from scrutiny.models.panels import Panel, PanelMembership


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_SESSION = "in_session", "In session"
    CLOSED = "closed", "Closed"


class Meeting(models.Model):
    MIN_CASES = 3
    MAX_CASES = 10

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    created_at = models.DateTimeField(default=timezone.now)
    # Kept in step with the meeting's active LegalHold row by scrutiny.services.legal_hold_set/_clear.
    legal_hold = models.BooleanField(default=False)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Meeting {self.pk}"


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(PanelMembership, on_delete=models.CASCADE, related_name="+")
    arrived_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="scrutiny_attend_once"),
        ]

    def __str__(self) -> str:
        return f"Attendance {self.pk}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(default=1)
    agreed_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    carried_over = models.BooleanField(default=False)

    class Meta:
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="scrutiny_case_once_per_meeting")
        ]

    def __str__(self) -> str:
        return f"Agenda item {self.pk}"


class ActingChair(models.Model):
    """The member who chairs one case of one meeting (scores it, records its findings and actions)
    because the chair declared prior involvement in it. Appointed by that chair or the panel's
    coordinator; a new appointment replaces the old one. Audited like every edit."""

    agenda_item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="acting_chair")
    membership = models.ForeignKey(PanelMembership, on_delete=models.CASCADE, related_name="+")
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    appointed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Acting chair {self.pk}"
