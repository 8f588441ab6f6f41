"""Reviews, assessments, findings, actions and their updates."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from agencies.models import Agency
from content.models import Theme
from scrutiny.models.cases import Case
from scrutiny.models.meetings import Meeting
from scrutiny.models.panels import PanelRole
from scrutiny.models.texts import DecisionPoint, IdentifierCheck


class Score(models.IntegerChoices):
    CONSISTENT = 1, "1 – Consistent with policy and the Code for Crown Prosecutors"
    OBSERVATIONS = 2, "2 – Appropriate, with observations"
    INAPPROPRIATE = 3, "3 – Inappropriate"
    MORE_INFORMATION = 4, "4 – No conclusion: more information needed (carries over)"


class Review(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    panel_role = models.CharField(max_length=20, choices=PanelRole.choices)
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "meeting", "reviewer"], name="scrutiny_review_once"),
        ]

    def __str__(self) -> str:
        return f"Review {self.pk}"


class Assessment(models.TextChoices):
    MET = "met", "Consistent with policy"
    PARTLY = "partly", "Partly consistent"
    NOT_MET = "not_met", "Not consistent with policy"
    UNCLEAR = "unclear", "Cannot tell from the material"


class DecisionAssessment(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assessments")
    decision_point = models.ForeignKey(DecisionPoint, on_delete=models.CASCADE, related_name="+")
    assessment = models.CharField(max_length=20, choices=Assessment.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["review", "decision_point__order", "pk"]

    def __str__(self) -> str:
        return f"Assessment {self.pk}"


class FindingKind(models.TextChoices):
    GOOD_PRACTICE = "good_practice", "Good practice"
    LEARNING = "learning", "Learning"
    CONCERN = "concern", "Concern"


class Finding(IdentifierCheck):
    """An agreed finding. Its text goes through the identifier check: a hit holds it back from the
    panel and governance until a second person who can chair (not the recorder) checks it."""

    author_field = "recorded_by"
    needs_second_person = True

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="findings")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="findings")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="scrutiny_findings")
    kind = models.CharField(max_length=20, choices=FindingKind.choices)
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    guidance_page_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"Finding {self.pk}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class Action(IdentifierCheck):
    """An agreed action. Its description goes through the identifier check like a finding's text."""

    checked_field = "description"
    author_field = "created_by"
    needs_second_person = True

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="scrutiny_actions")
    owner_role = models.CharField(max_length=100)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"Action {self.pk}"

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status != ActionStatus.DONE and self.due_on < (today or timezone.localdate())


class ActionUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Action update {self.pk}"
