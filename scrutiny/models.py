"""Scrutiny panels, anonymised cases, reviews, findings, actions and the access audit.

No model here has a field for the name, address, date of birth or contact details of a victim,
suspect or witness. Dates are months (stored as the first of the month) or intervals in months,
ages are bands, places are CPS areas. Every field of every model is classified per audience in
scrutiny/redaction.py; nothing leaves the process without going through `redact`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from agencies.models import Agency, Area
from content.models import Theme

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
    the people who can check it, until a second person (not the author) edits or confirms it.
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
    """Free text of case intake: checked for identifiers at save; a hit blocks release until a
    second person (not the author) edits it or confirms it, redacting what must go."""

    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        abstract = True


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


class LegalHold(models.Model):
    """A legal hold on one case or one meeting, and its history. While a hold is active (not
    cleared), retention deletes neither the record nor anything tied to it (scrutiny/retention.py).
    Set and cleared by the panel's coordinator or a platform administrator, each with a reason;
    `Case.legal_hold` / `Meeting.legal_hold` mirror whether an active row exists."""

    REASON_MAX = 500

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="legal_holds"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="legal_holds"
    )
    reason = models.TextField(max_length=REASON_MAX)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_reason = models.TextField(max_length=REASON_MAX, blank=True)

    class Meta:
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(case__isnull=False, meeting__isnull=True)
                    | models.Q(case__isnull=True, meeting__isnull=False)
                ),
                name="scrutiny_hold_one_target",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(cleared_at__isnull=True),
                name="scrutiny_one_active_case_hold",
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(cleared_at__isnull=True),
                name="scrutiny_one_active_meeting_hold",
            ),
        ]

    def __str__(self) -> str:
        return f"Legal hold {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None


class RetentionBatch(models.Model):
    """One batch of records deleted by retention: the record type, how many, and their ids, never
    their content (for sessions only the count: session keys are credentials). The batch's
    AccessEvent (verb delete, object type "retention_batch") is its audit entry."""

    record_type = models.CharField(max_length=40)
    ran_at = models.DateTimeField(default=timezone.now)
    count = models.PositiveIntegerField()
    object_ids = models.JSONField(default=list, blank=True)
    panel_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-ran_at", "-pk"]

    def __str__(self) -> str:
        return f"Retention batch {self.pk}"


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


class AccessVerb(models.TextChoices):
    VIEW = "view", "Viewed"
    EDIT = "edit", "Created or edited"
    EXPORT = "export", "Exported"
    DELETE = "delete", "Deleted"
    DECLARE = "declare", "Declared involvement"
    REFUSED = "refused", "Refused access"


class AccessChannel(models.TextChoices):
    PAGE = "page", "Web page"
    API = "api", "API"
    EXPORT = "export", "Export file"
    WEBSOCKET = "websocket", "Live update"
    EMAIL = "email", "Email"
    COMMAND = "command", "Management command"


class AppendOnlyError(Exception):
    pass


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("Access events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Access events are append-only.")

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise AppendOnlyError("Access events are append-only.")

    def bulk_create(self, objs: Any, *args: object, **kwargs: object) -> list[AccessEvent]:
        """One by one, so every row joins the hash chain (bulk_create would skip save())."""
        objs = list(objs)
        for obj in objs:
            obj.save(using=self.db)
        return objs


class AccessEvent(models.Model):
    """Append-only: who did what to which record, as which audience, through which channel, and
    under which meeting (the justification). Never carries case content. Rows cannot be changed or
    deleted through the ORM, database triggers refuse it too on SQLite and PostgreSQL, and every
    row is hash-chained to the one before (scrutiny/audit.py, migration 0006)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    verb = models.CharField(max_length=20, choices=AccessVerb.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField(null=True)
    audience = models.CharField(max_length=30)
    channel = models.CharField(max_length=20, choices=AccessChannel.choices)
    panel_id = models.PositiveBigIntegerField(null=True, db_index=True)
    meeting_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The hash chain (scrutiny/audit.py): SHA-256 of this row's canonical content and the previous
    # row's hash. Unique predecessor: two rows can never extend the same head (no fork).
    prev_hash = models.CharField(max_length=64, unique=True, editable=False)
    row_hash = models.CharField(max_length=64, editable=False)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        permissions = [
            (
                "review_audit",
                "Can review and export the platform-wide access audit (data protection officer)",
            ),
        ]

    def __str__(self) -> str:
        return f"Access event {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Access events are append-only.")
        from scrutiny.audit import chain_append

        # One INSERT that reads the chain head and hashes the row (scrutiny/audit.py).
        chain_append(self, using=kwargs.get("using"))

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Access events are append-only.")


class AuditCheckpoint(models.Model):
    """One pruning of the access audit (scrutiny/audit.py prune_audit): the rows up to and
    including `through_id` were deleted, all older than `before`. `through_hash` is the last
    pruned row's hash, where verify_audit resumes the chain; `first_prev_hash` is the first pruned
    row's predecessor, which must be the previous checkpoint's `through_hash`. Append-only (triggers
    on both databases); the database lets an access event be deleted only when a checkpoint covers
    it, and on PostgreSQL only the owner may write checkpoints."""

    created_at = models.DateTimeField(default=timezone.now)
    before = models.DateTimeField()
    retention_days = models.PositiveIntegerField()
    through_id = models.PositiveBigIntegerField(unique=True)
    through_hash = models.CharField(max_length=64)
    first_prev_hash = models.CharField(max_length=64)
    pruned = models.PositiveIntegerField()

    class Meta:
        ordering = ["through_id"]

    def __str__(self) -> str:
        return f"Audit checkpoint through {self.through_id}"
