"""Organisations, the people in them, and the small pieces of shared plumbing (notifications,
realtime sequence numbers) that every other app builds on."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import BaseUserManager as DjangoBaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Area(models.Model):
    """A CPS area: the geography every agency, panel and drop-in belongs to."""

    name = models.CharField(max_length=100, unique=True)
    code = models.SlugField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    CPS_AREA = "cps_area", "CPS area"
    POLICE_FORCE = "police_force", "Police force"
    ISVA_SERVICE = "isva_service", "ISVA service"
    NATIONAL = "national", "NPCC or national body"
    INDEPENDENT = "independent", "Independent organisation"
    PLATFORM_OPERATOR = "platform_operator", "Platform operator"


class Agency(models.Model):
    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="agencies",
        null=True,
        blank=True,
        help_text="The CPS area the agency belongs to. Empty only for national bodies and the operator.",
    )
    allowed_email_domains = models.JSONField(
        default=list,
        blank=True,
        help_text="Invitations are only accepted for email addresses at these domains.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        # Capabilities granted to roles (Django groups) by agencies.roles.
        permissions = [
            ("book_dropins", "Can book ISVA drop-in sessions"),
            ("host_dropins", "Can host ISVA drop-in sessions"),
            ("coordinate_cases", "Can coordinate scrutiny cases"),
            ("sit_on_panels", "Can sit on scrutiny panels"),
            ("view_governance", "Can view governance dashboards"),
            ("manage_accounts", "Can manage agencies and accounts"),
            ("manage_own_agency", "Can manage the accounts of their own agency"),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(DjangoBaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # Email addresses are case-insensitive; they are stored lower-cased.
        return self.get(email=(username or "").strip().lower())

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An account: a person signing in with their work email, in exactly one agency."""

    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="members")
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Goes up whenever the account's privileges change (agencies.access_state): a session whose
    # stored version differs is given a new key at its next request.
    access_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name", "agency"]

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


class NotificationKind(models.TextChoices):
    GENERAL = "general", "General"
    BOOKING_PROMOTED = "booking_promoted", "Booking promoted from the waitlist"
    FINDING_RECORDED = "finding_recorded", "New finding in my area"
    ACTION_ASSIGNED = "action_assigned", "Action assigned to my agency"
    ACTION_OVERDUE = "action_overdue", "Action overdue"
    GUIDANCE_AWAITING_APPROVAL = "guidance_awaiting_approval", "Guidance awaiting my approval"


class Notification(models.Model):
    """An in-app message to one person. Titles never carry case content: they name what happened
    and link to the page where the reader's own permissions apply."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40, choices=NotificationKind.choices, default=NotificationKind.GENERAL)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


class EventSequence(models.Model):
    """The last sequence number issued for a realtime group. Incremented inside the transaction
    that raises the event, so numbers follow commit order and a client can see a gap."""

    group = models.CharField(max_length=100, unique=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.group}#{self.value}"


class Invitation(models.Model):
    """An invitation for one email address to join one agency in one role.

    The link carries a signed (SECRET_KEY, salted) token naming the invitation and a random
    secret; only a SHA-256 of that secret is stored, so a copy of the database cannot accept an
    invitation. Single use (accepted_at), expiring (expires_at) and revocable (revoked_at)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=40)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_sent"
    )
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="accepted_invitation"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_revoked"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["agency", "accepted_at", "revoked_at"], name="invitation_open_idx")]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
