"""Confidentiality agreements, panels and panel memberships."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils import timezone

from agencies.models import Agency, Area

# Confirmed redactions are stored in the text as this token and render as a visible block.
REDACTION_TOKEN = re.compile(r"\[\[redacted:([a-z_]+)\]\]")


class PanelRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    CPS = "cps", "CPS member"
    POLICE = "police", "Police member"
    ISVA = "isva", "ISVA member"
    INDEPENDENT = "independent", "Independent member"
    OBSERVER = "observer", "Observer"


class ConfidentialityAgreement(models.Model):
    """A version of the confidentiality agreement. Members accept the newest before any case."""

    version = models.PositiveIntegerField(unique=True)
    text = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Confidentiality agreement v{self.version}"


class Panel(models.Model):
    name = models.CharField(max_length=150, unique=True)
    code = models.SlugField(max_length=20, unique=True, help_text="Prefix of the pseudonymous case ids.")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="scrutiny_panels")
    police_forces = models.ManyToManyField(Agency, related_name="scrutiny_panels", blank=True)
    terms_of_reference = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("evaluate_scrutiny", "Can see aggregate scrutiny figures (evaluators)"),
        ]

    def __str__(self) -> str:
        return self.name


class PanelMembership(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=PanelRole.choices)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["panel", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "user"],
                condition=models.Q(ended_at__isnull=True),
                name="scrutiny_one_active_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of panel {self.panel_id}"


class AgreementAcceptance(models.Model):
    agreement = models.ForeignKey(ConfidentialityAgreement, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "user"], name="scrutiny_accept_once"),
        ]

    def __str__(self) -> str:
        return f"Acceptance of v{self.agreement_id}"
