"""Sign-in, sign-out, failed sign-in, lockout and timeout records; ending a person's sessions."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from axes.utils import reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from wagtail.models import Site

from agencies import audit, permissions
from agencies.models import Agency, AgencyKind, User
from agencies.services.invitations import email_domain


def sign_in_record(*, user: User) -> None:
    audit.record(instance=user, action=audit.Action.SIGN_IN, actor=user, agency_id=user.agency_id)


def sign_out_record(*, user: User) -> None:
    audit.record(instance=user, action=audit.Action.SIGN_OUT, actor=user, agency_id=user.agency_id)


def sign_in_failed_record(*, email: str) -> None:
    """Audit a failed sign-in. For an existing account: against that account. For an address with
    no account: `unknown_sign_in_record` (no user is created, the address is not stored)."""
    address = (email or "").strip().lower()
    user = User.objects.filter(email=address).first()
    if user is not None:
        audit.record(instance=user, action=audit.Action.SIGN_IN_FAILED, agency_id=user.agency_id)
    else:
        unknown_sign_in_record(email=address)


def email_keyed_hash(email: str) -> str:
    """HMAC-SHA256 of a normalised address under a key derived from SECRET_KEY (shortened): the
    same address always gives the same value, and without the key no list of guesses can be
    checked against the log."""
    value = (email or "").strip().lower()
    return salted_hmac("agencies.audit.unknown_sign_in", value, algorithm="sha256").hexdigest()[:32]


def unknown_sign_in_record(
    *, email: str, action: audit.Action = audit.Action.SIGN_IN_FAILED_UNKNOWN, reason: str | None = None
) -> None:
    """Record a failed sign-in (or a lockout: action=LOCKED_OUT) for an address with no account.

    Stored: the address's domain and a keyed hash of it (email_keyed_hash), never the address or
    the password. The entry hangs off the agency that allows the domain (and is filtered under it),
    else off the platform operator's agency with no agency recorded (so platform administrators see
    it in the site history), else off the default Wagtail site."""
    domain = email_domain(email)[:100]
    agency = None
    if domain:
        agency = next(
            (
                a
                for a in Agency.objects.all()
                if domain in {str(d).strip().lower() for d in a.allowed_email_domains or []}
            ),
            None,
        )
    instance = (
        agency
        or Agency.objects.filter(kind=AgencyKind.PLATFORM_OPERATOR).order_by("pk").first()
        or Site.objects.filter(is_default_site=True).first()
        or Site.objects.first()
    )
    if instance is None:
        return
    extra: dict[str, Any] = {"reason": reason} if reason else {}
    audit.record(
        instance=instance,
        action=action,
        agency_id=agency.pk if agency is not None else None,
        email_domain=domain,
        email_hash=email_keyed_hash(email),
        **extra,
    )


def lockout_record(*, email: str) -> None:
    """Audit a refused (locked-out) sign-in: against the account, or for an address with no
    account as unknown_sign_in_record does (domain and keyed hash only)."""
    address = (email or "").strip().lower()
    user = User.objects.filter(email=address).first()
    if user is not None:
        audit.record(instance=user, action=audit.Action.LOCKED_OUT, agency_id=user.agency_id)
    else:
        unknown_sign_in_record(email=address, action=audit.Action.LOCKED_OUT)


def rate_limited_record(*, email: str, reason: str, limit: str) -> None:
    """Audit the first request refused by a rate limit in its window (agencies.ratelimits):
    against the account the email address names, or for an address with no account as
    unknown_sign_in_record does (domain and keyed hash only). `reason` names the limit's scope
    and which of its counts was over ("password_reset:address")."""
    address = (email or "").strip().lower()
    user = User.objects.filter(email=address).first()
    reason = f"{reason}:{limit}"
    if user is not None:
        audit.record(instance=user, action=audit.Action.RATE_LIMITED, agency_id=user.agency_id, reason=reason)
    else:
        unknown_sign_in_record(email=address, action=audit.Action.RATE_LIMITED, reason=reason)


def session_timed_out_record(*, user: User) -> None:
    audit.record(instance=user, action=audit.Action.SESSION_TIMED_OUT, actor=user, agency_id=user.agency_id)


@transaction.atomic
def lockout_clear(*, actor: User, user: User) -> None:
    """An administrator lifts a sign-in lockout for an account (django-axes attempts)."""
    if not permissions.can_manage_person(actor, user):
        raise PermissionDenied
    reset(username=user.email)
    audit.record(instance=user, action=audit.Action.UNLOCKED, actor=actor, agency_id=user.agency_id)


def sessions_delete_for(*, user: User, session_model: type) -> int:
    """End the sessions that belong to `user`. Sessions are signed blobs, so this decodes the
    unexpired ones; it runs only on deactivation. Each is deleted through the session store, so
    its cached copy goes with its row (agencies.sessions): a queryset delete would leave the
    cached copy signed in."""
    doomed = [
        session.pk
        for session in session_model.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk)
    ]
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    for session_key in doomed:
        store.delete(session_key)
    return len(doomed)
