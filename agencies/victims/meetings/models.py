"""Pre-trial meeting requests and their slots. Every change goes through
agencies.victims.meetings.services; the models hold fields and constraints only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from agencies.models import Agency, Area

MAX_NOTES = 1000
MAX_REASON = 500
MAX_PREFERRED_SLOTS = 3


class MeetingStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    PROPOSED = "proposed", "Another time proposed"
    CONFIRMED = "confirmed", "Confirmed"
    NOT_NEEDED = "not_needed", "Not needed"
    CLOSED = "closed", "Outcome recorded"


class MeetingOutcome(models.TextChoices):
    HELD = "held", "Held"
    DECLINED = "declined", "Declined by the victim"
    RESCHEDULED = "rescheduled", "Rescheduled"
    NOT_OFFERED = "not_offered", "Not offered"


class RequesterKind(models.TextChoices):
    ISVA = "isva", "ISVA"
    POLICE = "police", "Police officer in the case"


class SlotSource(models.TextChoices):
    REQUESTER = "requester", "Preferred by the requester"
    VLO = "vlo", "Proposed by the VLO team"


class MeetingRequest(models.Model):
    """One request for a pre-trial meeting. No field describes the victim."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="pretrial_requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pretrial_requests"
    )
    # The requester's agency when they asked: its administrators may see the request.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="pretrial_requests")
    requester_kind = models.CharField(max_length=10, choices=RequesterKind.choices)
    # Canonical form, eleven characters ("62LV1234523"); blank once retention deleted it.
    urn = models.CharField(max_length=11, blank=True)
    urn_deleted_at = models.DateTimeField(null=True, blank=True)
    isva_attends = models.BooleanField(default=False)
    need_interpreter = models.BooleanField(default=False)
    need_step_free = models.BooleanField(default=False)
    need_separate_waiting = models.BooleanField(default=False)
    need_screens = models.BooleanField(default=False)
    notes = models.TextField(max_length=MAX_NOTES, blank=True)
    status = models.CharField(max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.REQUESTED)
    confirmed_slot = models.ForeignKey(
        "victims.MeetingSlot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=MeetingOutcome.choices, blank=True)
    outcome_reason = models.TextField(max_length=MAX_REASON, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    # Set when the request ends (outcome held, declined or not offered; or not needed): the
    # retention period for the URN runs from here.
    closed_at = models.DateTimeField(null=True, blank=True)
    legal_hold = models.BooleanField(default=False)
    legal_hold_reason = models.CharField(max_length=MAX_REASON, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "pre-trial meeting request"
        permissions = [
            ("request_pretrial_meetings", "Can request pre-trial meetings for the people they support"),
            ("handle_pretrial_meetings", "Can handle their own CPS area's pre-trial meeting requests"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="confirmed") | models.Q(confirmed_slot__isnull=False),
                name="victims_pretrial_confirmed_has_slot",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(outcome=""),
                name="victims_pretrial_closed_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["area", "status"], name="victims_ptm_area_status")]

    def __str__(self) -> str:
        return f"Pre-trial meeting request {self.pk}"

    @property
    def reference(self) -> str:
        """The request's own reference (not the URN): safe for emails and lists."""
        return f"PTM-{self.pk:05d}"

    @property
    def urn_display(self) -> str:
        return format_urn(self.urn)

    @property
    def needs_labels(self) -> list[str]:
        return [label for key, label in NEEDS if getattr(self, key)]


NEEDS: tuple[tuple[str, str], ...] = (
    ("need_interpreter", "An interpreter"),
    ("need_step_free", "Step-free access"),
    ("need_separate_waiting", "A separate waiting area"),
    ("need_screens", "Screens"),
)


class MeetingSlot(models.Model):
    """A date and time offered for the meeting: preferred by the requester or proposed by the
    VLO team."""

    request = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=SlotSource.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "starts_at"], name="victims_pretrial_slot_once"),
        ]

    def __str__(self) -> str:
        return f"Slot {self.pk}"


def format_urn(urn: str) -> str:
    """'62LV1234523' -> '62 LV 12345 23'."""
    if len(urn) != 11:
        return urn
    return f"{urn[:2]} {urn[2:4]} {urn[4:9]} {urn[9:]}"
