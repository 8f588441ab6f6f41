"""Anonymised cases and their keys (the only link to the source records)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from agencies.models import Agency, Area
from scrutiny.models.panels import Panel


class OffenceCategory(models.TextChoices):
    RAPE_ADULT = "rape_adult", "Rape of an adult"
    RAPE_CHILD = "rape_child", "Rape of a child under 16"
    ASSAULT_PENETRATION = "assault_penetration", "Assault by penetration"
    SEXUAL_ASSAULT = "sexual_assault", "Serious sexual assault"


class Outcome(models.TextChoices):
    NFA_POLICE = "nfa_police", "No further action (police)"
    NFA_CPS = "nfa_cps", "No further action (CPS charging decision)"
    DISCONTINUED = "discontinued", "Discontinued after charge"
    ACQUITTED = "acquitted", "Acquitted at trial"
    CONVICTED = "convicted", "Convicted"
    VICTIM_WITHDREW = "victim_withdrew", "Victim withdrew support"


class SelectionReason(models.TextChoices):
    RANDOM = "random", "Random dip sample"
    THEMED = "themed", "Themed review"
    FAILED_PROSECUTION = "failed_prosecution", "Failed prosecution"
    RETRACTION = "retraction", "Victim retraction"
    GOOD_PRACTICE = "good_practice", "Case that went well"


class AgeBand(models.TextChoices):
    UNDER_16 = "under_16", "Under 16"
    AGE_16_17 = "16_17", "16 to 17"
    AGE_18_24 = "18_24", "18 to 24"
    AGE_25_34 = "25_34", "25 to 34"
    AGE_35_54 = "35_54", "35 to 54"
    AGE_55_PLUS = "55_plus", "55 and over"
    UNKNOWN = "unknown", "Not recorded"


class Relationship(models.TextChoices):
    STRANGER = "stranger", "Stranger"
    ACQUAINTANCE = "acquaintance", "Acquaintance"
    PARTNER = "partner", "Partner or former partner"
    FAMILY = "family", "Family member"
    POSITION_OF_TRUST = "position_of_trust", "Person in a position of trust"
    UNKNOWN = "unknown", "Not recorded"


class Vulnerability(models.TextChoices):
    MENTAL_HEALTH = "mental_health", "Mental health"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    SUBSTANCES = "substances", "Alcohol or drugs at the time"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse context"
    LANGUAGE = "language", "Needed an interpreter"


class CaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RELEASED = "released", "Released to the panel"


class Case(models.Model):
    """A finalised case prepared for a panel. Pseudonymous: the source references are in CaseKey."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="cases")
    pseudonym = models.CharField(max_length=30, unique=True)
    presenting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="scrutiny_cases")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="scrutiny_cases")
    offence_category = models.CharField(max_length=30, choices=OffenceCategory.choices)
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    selection_reason = models.CharField(max_length=30, choices=SelectionReason.choices)
    offence_month = models.DateField(help_text="First day of the month the offence was reported.")
    finalised_month = models.DateField(help_text="First day of the month the case was finalised.")
    months_to_charge_decision = models.PositiveSmallIntegerField(null=True, blank=True)
    victim_age_band = models.CharField(max_length=20, choices=AgeBand.choices)
    suspect_age_band = models.CharField(max_length=20, choices=AgeBand.choices)
    relationship = models.CharField(max_length=30, choices=Relationship.choices)
    vulnerability_flags = models.JSONField(default=list, blank=True)
    isva_involved = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    kanon_flagged = models.BooleanField(
        default=False, help_text="Quasi-identifiers match fewer than k cases: generalise before release."
    )
    generalised = models.JSONField(
        default=list,
        blank=True,
        help_text="Fields shown to the panel at their coarser level (scrutiny.redaction.COARSER).",
    )
    legal_hold = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The second person who checked the case and released it (never its author).",
    )

    class Meta:
        ordering = ["pseudonym"]
        indexes = [models.Index(fields=["panel", "status"], name="scrutiny_case_panel_status")]

    def __str__(self) -> str:
        return self.pseudonym

    def clean(self) -> None:
        super().clean()
        for name in ("offence_month", "finalised_month"):
            value = getattr(self, name)
            if value is not None and value.day != 1:
                setattr(self, name, value.replace(day=1))
        if self.finalised_month and self.finalised_month > timezone.localdate():
            raise ValidationError({"finalised_month": "Only finalised cases can be reviewed."})
        if self.offence_month and self.finalised_month and self.offence_month > self.finalised_month:
            raise ValidationError({"offence_month": "The report cannot be after the case was finalised."})
        unknown = set(self.vulnerability_flags or []) - set(Vulnerability.values)
        if unknown:
            raise ValidationError({"vulnerability_flags": "Choose vulnerabilities from the list."})


class CaseKey(models.Model):
    """The source references. Readable only by the coordinator and the presenting agency."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="key")
    cps_urn = models.CharField(max_length=30, blank=True)
    crime_number = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"Key of case {self.case_id}"
