"""Invitations: sending, the signed link, revoking and accepting."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from agencies import audit, permissions, tasks
from agencies.models import Agency, Invitation, User
from agencies.services.roles import role_from_value

INVITATION_SALT = "agencies.invitation"


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def email_domain_allowed(*, agency: Agency, email: str) -> bool:
    allowed = {str(domain).strip().lower() for domain in agency.allowed_email_domains or []}
    return email_domain(email) in allowed


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def invitation_token(*, invitation: Invitation, secret: str) -> str:
    return signing.dumps({"i": invitation.pk, "s": secret}, salt=INVITATION_SALT, compress=True)


def _invitation_secret(invitation: Invitation) -> str:
    """The link's secret: a keyed hash (SECRET_KEY) of the invitation's id and creation time, so
    the email task can rebuild the link from the invitation's id alone (no link in the task
    queue). Only a SHA-256 of it is stored: a copy of the database cannot make a link."""
    made = invitation.created_at.astimezone(UTC).isoformat()
    return salted_hmac(f"{INVITATION_SALT}.secret", f"{invitation.pk}:{made}", algorithm="sha256").hexdigest()


def invitation_link(invitation: Invitation) -> str:
    token = invitation_token(invitation=invitation, secret=_invitation_secret(invitation))
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("agencies:invitation-accept", args=[token])


@transaction.atomic
def invitation_send(*, actor: User, agency: Agency, email: str, role: str) -> tuple[Invitation, str]:
    """Create an invitation and email its link (agencies.tasks, on commit). Returns the
    invitation and the link's token (only its secret's hash is stored)."""
    if not permissions.can_manage_agency(actor, agency.pk):
        raise PermissionDenied
    email = User.objects.normalize_email(email).strip().lower()
    role_value = role_from_value(role)
    if not permissions.can_assign_role(actor, role_value.value):
        raise PermissionDenied
    if not agency.is_active:
        raise ValidationError({"email": "This agency is not active, so it cannot invite anyone."})
    if not email_domain_allowed(agency=agency, email=email):
        raise ValidationError({"email": f"Enter an email address at one of {agency.name}'s allowed domains."})
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": "There is already an account with this email address."})
    now = timezone.now()
    invitation = Invitation.objects.create(
        agency=agency,
        email=email,
        role=role_value.value,
        invited_by=actor,
        secret_hash="",
        created_at=now,
        expires_at=now + timedelta(hours=settings.INVITATION_VALID_HOURS),
    )
    invitation.refresh_from_db(fields=["created_at"])  # as stored: the task derives from it
    secret = _invitation_secret(invitation)
    invitation.secret_hash = _secret_hash(secret)
    invitation.save(update_fields=["secret_hash"])
    tasks.invitation_email_on_commit(invitation.pk)
    audit.record(
        instance=agency,
        action=audit.Action.INVITATION_SENT,
        actor=actor,
        agency_id=agency.pk,
        invitation_id=invitation.pk,
        role=role_value.value,
    )
    return invitation, invitation_token(invitation=invitation, secret=secret)


def invitation_rate_limited_record(*, actor: User, agency: Agency, email: str, limit: str) -> None:
    """Audit the first invitation refused by its rate limit in a window (agencies.ratelimits):
    against the agency, by the administrator who asked; the address only as its keyed hash."""
    from agencies.services.sessions import email_keyed_hash

    audit.record(
        instance=agency,
        action=audit.Action.RATE_LIMITED,
        actor=actor,
        agency_id=agency.pk,
        reason=f"invitation_resend:{limit}",
        email_hash=email_keyed_hash(email),
    )


def invitation_from_token(token: str) -> Invitation | None:
    """The pending invitation a link names, or None if the link is forged, expired, revoked or
    already used. One answer for every failure, so a link reveals nothing."""
    max_age = timedelta(hours=settings.INVITATION_VALID_HOURS)
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    invitation = Invitation.objects.select_related("agency").filter(pk=payload.get("i")).first()
    if invitation is None or not secrets.compare_digest(
        invitation.secret_hash, _secret_hash(str(payload.get("s", "")))
    ):
        return None
    if invitation.status != "pending" or not invitation.agency.is_active:
        return None
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    if not permissions.can_manage_agency(actor, invitation.agency_id):
        raise PermissionDenied
    updated = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now(), revoked_by=actor)
    if not updated:
        raise ValidationError("This invitation has already been accepted or revoked.")
    audit.record(
        instance=invitation.agency,
        action=audit.Action.INVITATION_REVOKED,
        actor=actor,
        agency_id=invitation.agency_id,
        invitation_id=invitation.pk,
    )


@transaction.atomic
def invitation_accept(*, token: str, first_name: str, last_name: str, password: str) -> User:
    """Create the account an invitation names, in its agency and role. Single use: the
    invitation row is locked and re-checked, so two tabs cannot both accept it."""
    invitation = invitation_from_token(token)
    if invitation is None:
        raise ValidationError("This invitation link is not valid. Ask your administrator for a new one.")
    invitation = Invitation.objects.select_for_update().select_related("agency").get(pk=invitation.pk)
    if invitation.status != "pending":
        raise ValidationError("This invitation link is not valid. Ask your administrator for a new one.")
    if not email_domain_allowed(agency=invitation.agency, email=invitation.email):
        raise ValidationError("This invitation is for an email domain the agency no longer allows.")
    if User.objects.filter(email=invitation.email).exists():
        raise ValidationError("There is already an account with this email address.")
    user = User(
        email=invitation.email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        agency=invitation.agency,
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=invitation.role))
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now(), accepted_user=user)
    audit.record(
        instance=user,
        action=audit.Action.INVITATION_ACCEPTED,
        actor=user,
        agency_id=invitation.agency_id,
        invitation_id=invitation.pk,
        role=invitation.role,
    )
    return user
