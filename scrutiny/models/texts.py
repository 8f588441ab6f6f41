"""Checked texts (decision points, extracts), identifier overrides and declarations of involvement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from scrutiny.models.cases import Case


class CheckStatus(models.TextChoices):
    CLEAR = "clear", "No identifiers found"
    FLAGGED = "flagged", "Possible identifiers: needs a second person"
    CONFIRMED = "confirmed", "Checked by a second person"


class RedactionReason(models.TextChoices):
    NAME = "name", "Name of a person"
    PLACE = "place", "Place or address"
    CONTACT = "contact", "Contact details"
    DATE = "date", "Identifying date"
    REFERENCE = "reference", "Case or crime reference"
    THIRD_PARTY = "third_party", "Third-party material"


class IdentifierCheck(models.Model):
    """The identifier check of one free-text field: a hit holds the text back from everyone but
    the people who can check it, until a second person (not the author) confirms it (for case
    texts: nobody who edited the current wording either, see CheckedText).
    `checked_field` names the text; `author_field` the person who wrote it."""

    checked_field = "text"
    author_field = "author"
    # Meeting texts (findings, actions) reach the panel only once a second person has checked
    # them, hits or not. Case texts reach it only with the case, whose release is that check.
    needs_second_person = False

    identifier_kinds = models.JSONField(default=list, blank=True, help_text="Kinds found; never the text.")
    check_status = models.CharField(max_length=20, choices=CheckStatus.choices, default=CheckStatus.CLEAR)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_releasable(self) -> bool:
        if self.needs_second_person:
            return self.check_status == CheckStatus.CONFIRMED
        return self.check_status != CheckStatus.FLAGGED

    @property
    def author_id_value(self) -> int | None:
        return getattr(self, f"{self.author_field}_id")


class CheckedText(IdentifierCheck):
    """Free text of case intake: checked for identifiers at save. Every edit voids the last
    check; a second person who neither wrote nor edited the current wording checks it (or
    releases the case on its strength), redacting what must go."""

    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    edited_by = models.JSONField(
        default=list,
        blank=True,
        help_text="Ids of everyone who edited the text since its last check (none may check it).",
    )

    class Meta:
        abstract = True

    @property
    def writer_ids(self) -> frozenset[int]:
        """Who wrote or edited the current wording: its author and its editors since the last check."""
        editors = {int(pk) for pk in self.edited_by or [] if isinstance(pk, int)}
        return frozenset(editors | ({self.author_id} if self.author_id is not None else set()))


class DecisionStage(models.TextChoices):
    REPORT = "report", "Initial report and first response"
    INVESTIGATION = "investigation", "Investigation"
    CHARGING = "charging", "Charging advice"
    POST_CHARGE = "post_charge", "Post-charge case progression"
    VICTIM_COMMUNICATION = "victim_communication", "Communication with the victim"
    TRIAL = "trial", "Trial"


class DecisionPoint(CheckedText):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decision_points")
    order = models.PositiveSmallIntegerField(default=1)
    stage = models.CharField(max_length=30, choices=DecisionStage.choices)

    class Meta:
        ordering = ["case", "order", "pk"]

    def __str__(self) -> str:
        return f"Decision point {self.pk}"


class ExtractKind(models.TextChoices):
    SUMMARY = "summary", "Case summary"
    CHARGING_ADVICE = "charging_advice", "Charging advice"
    ACTION_PLAN = "action_plan", "Action plan"
    VICTIM_LETTER = "victim_letter", "Letter to the victim"


class Extract(CheckedText):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extracts")
    kind = models.CharField(max_length=30, choices=ExtractKind.choices)

    class Meta:
        ordering = ["case", "kind", "pk"]

    def __str__(self) -> str:
        return f"Extract {self.pk}"


class InvolvementDeclaration(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="declarations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    involved = models.BooleanField()
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="scrutiny_declare_once")]

    def __str__(self) -> str:
        return f"Declaration {self.pk}"


class IdentifierOverride(models.Model):
    """A second person's recorded, reasoned decision that one possible identifier in one text is a
    false alarm. Tied to the exact text it was made for (its SHA-256): once the text changes, the
    override no longer applies and the re-check flags the hit again. Never the author's."""

    object_type = models.CharField(max_length=40)  # the model name of the checked text
    object_id = models.PositiveBigIntegerField()
    text_sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    reason = models.TextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["object_type", "object_id", "start", "pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="scrutiny_override_object")]

    def __str__(self) -> str:
        return f"Identifier override {self.pk}"
