"""Security events, recorded through Wagtail's audit log (visible in the admin's site history).

Each event is a registered action (agencies/wagtail_hooks.py registers them all from ACTIONS).
Entries name the account and, where there is one, the person who acted; their data holds ids and
the agency only: never passwords, tokens, codes, keys or case content.

Tamper evidence: every entry is also handed, in the same transaction, to each registered sink
(`add_sink`) as a SecurityEvent (ids and kinds only). The scrutiny app registers the platform's
hash-chained, append-only access audit as one (scrutiny/audit/security.py), so security events
are covered by `manage.py verify_audit` and shown in the data protection officer's audit view.
The sinks keep the dependency one way: this app never imports scrutiny. A sink that fails makes
the entry fail with it (no half-recorded event).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import LazyObject, empty
from wagtail.log_actions import log

if TYPE_CHECKING:
    from django.db.models import Model

    from agencies.models import User


class Action(StrEnum):
    SIGN_IN = "agencies.sign_in"
    SIGN_IN_FAILED = "agencies.sign_in_failed"
    SIGN_IN_FAILED_UNKNOWN = "agencies.sign_in_failed_unknown"
    SIGN_OUT = "agencies.sign_out"
    LOCKED_OUT = "agencies.locked_out"
    UNLOCKED = "agencies.unlocked"
    MFA_ENROLLED = "agencies.mfa_enrolled"
    MFA_VERIFIED = "agencies.mfa_verified"
    MFA_FAILED = "agencies.mfa_failed"
    MFA_RESET = "agencies.mfa_reset"
    RECOVERY_CODE_USED = "agencies.recovery_code_used"
    RECOVERY_CODES_REGENERATED = "agencies.recovery_codes_regenerated"
    INVITATION_SENT = "agencies.invitation_sent"
    INVITATION_ACCEPTED = "agencies.invitation_accepted"
    INVITATION_REVOKED = "agencies.invitation_revoked"
    ROLE_GRANTED = "agencies.role_granted"
    ROLE_REMOVED = "agencies.role_removed"
    ACCOUNT_DEACTIVATED = "agencies.account_deactivated"
    ACCOUNT_REACTIVATED = "agencies.account_reactivated"
    SESSION_TIMED_OUT = "agencies.session_timed_out"
    RATE_LIMITED = "agencies.rate_limited"


# action -> (label in the report's filter, message in the report's rows)
ACTIONS: dict[Action, tuple[str, str]] = {
    Action.SIGN_IN: ("Security: sign-in", "Signed in"),
    Action.SIGN_IN_FAILED: ("Security: failed sign-in", "Failed sign-in (wrong password)"),
    Action.SIGN_IN_FAILED_UNKNOWN: (
        "Security: failed sign-in, no such account",
        "Failed sign-in for an address with no account",
    ),
    Action.SIGN_OUT: ("Security: sign-out", "Signed out"),
    Action.LOCKED_OUT: ("Security: lockout", "Locked out after repeated failed sign-ins"),
    Action.UNLOCKED: ("Security: unlock", "Sign-in lockout cleared by an administrator"),
    Action.MFA_ENROLLED: ("Security: MFA enrolment", "Set up two-factor authentication"),
    Action.MFA_VERIFIED: ("Security: MFA verified", "Passed the two-factor check"),
    Action.MFA_FAILED: ("Security: MFA failure", "Failed the two-factor check"),
    Action.MFA_RESET: ("Security: MFA reset", "Two-factor authentication reset"),
    Action.RECOVERY_CODE_USED: ("Security: recovery code used", "Signed in with a recovery code"),
    Action.RECOVERY_CODES_REGENERATED: ("Security: recovery codes", "New recovery codes issued"),
    Action.INVITATION_SENT: ("Security: invitation sent", "Invitation sent"),
    Action.INVITATION_ACCEPTED: ("Security: invitation accepted", "Invitation accepted"),
    Action.INVITATION_REVOKED: ("Security: invitation revoked", "Invitation revoked"),
    Action.ROLE_GRANTED: ("Security: role granted", "Role granted"),
    Action.ROLE_REMOVED: ("Security: role removed", "Role removed"),
    Action.ACCOUNT_DEACTIVATED: ("Security: account deactivated", "Account deactivated"),
    Action.ACCOUNT_REACTIVATED: ("Security: account reactivated", "Account reactivated"),
    Action.SESSION_TIMED_OUT: ("Security: idle timeout", "Signed out after inactivity"),
    Action.RATE_LIMITED: ("Security: rate limit", "Too many emails requested: refused for now"),
}

# Keys an entry's data may carry. Anything else is refused, so a secret cannot ride along.
ALLOWED_DATA_KEYS = frozenset(
    {"agency_id", "role", "invitation_id", "user_id", "codes_left", "reason", "email_domain", "email_hash"}
)


@dataclass(frozen=True)
class SecurityEvent:
    """What a sink is handed: the action, the subject (model name and id: the account, or for an
    address with no account the agency or site the entry hangs off, or an invitation), who acted,
    and the agency. Never the entry's other data."""

    action: Action
    subject_type: str
    subject_id: int | None
    actor_id: int | None
    agency_id: int | None


Sink = Callable[[SecurityEvent], None]
_SINKS: list[Sink] = []


def add_sink(sink: Sink) -> None:
    """Register a sink (idempotent): called with every security event, inside its transaction."""
    if sink not in _SINKS:
        _SINKS.append(sink)


def sinks() -> tuple[Sink, ...]:
    return tuple(_SINKS)


def _event(instance: Any, action: Action, actor: Any, agency_id: int | None) -> SecurityEvent:
    pk = getattr(instance, "pk", None)
    return SecurityEvent(
        action=action,
        subject_type=instance._meta.model_name,
        subject_id=pk if isinstance(pk, int) else None,
        actor_id=getattr(actor, "pk", None),
        agency_id=agency_id,
    )


def record(
    *, instance: Model, action: Action, actor: User | None = None, agency_id: int | None, **data: Any
) -> None:
    """Write one audit entry. `agency_id` is the agency the event belongs to (the subject
    account's), so the site history can be filtered by agency."""
    unknown = set(data) - ALLOWED_DATA_KEYS
    if unknown:
        raise ValueError(f"Audit entries may not carry {sorted(unknown)}")
    for value in data.values():
        if not isinstance(value, int | str | None):
            raise TypeError("Audit data values are ids, role names or short reasons only.")
    kwargs = {
        "instance": _concrete(instance),
        "action": action.value,
        "user": _concrete(actor),
        "data": {"agency_id": agency_id, **data},
    }
    event = _event(kwargs["instance"], action, kwargs["user"], agency_id)
    with transaction.atomic():
        try:
            with transaction.atomic():
                log(**kwargs)
        except ValidationError:
            # A long-running process can hold a stale content-type id (ContentType's in-memory
            # cache) after the content types were recreated (a deploy's migrations; test database
            # flushes). Refresh it once rather than lose the entry or fail the request.
            ContentType.objects.clear_cache()
            log(**kwargs)
        for sink in _SINKS:
            sink(event)


def _concrete(obj: Any) -> Any:
    """request.user is a lazy object (twice over, with django-otp's middleware); Wagtail picks
    the log model by the instance's type, so hand it the real model instance."""
    while isinstance(obj, LazyObject):
        if obj._wrapped is empty:
            obj._setup()
        obj = obj._wrapped
    return obj


# The access audit for agencies' own records ------------------------------------------------------------
# Who saw or changed which restricted record (a pre-trial meeting request), when, as which audience
# and through which channel. Like security events, each is handed to the registered access sinks:
# the scrutiny app registers the platform's hash-chained access audit (scrutiny/audit/security.py),
# so these rows sit beside case access in the data protection officer's view and `verify_audit`.
# Ids and kinds only, never content.


class AccessVerb(StrEnum):
    """A subset of the access audit's verbs (scrutiny.models.AccessVerb), same values."""

    VIEW = "view"
    EDIT = "edit"
    DELETE = "delete"
    REFUSED = "refused"


class AccessChannel(StrEnum):
    """A subset of the access audit's channels (scrutiny.models.AccessChannel), same values."""

    PAGE = "page"
    API = "api"
    EMAIL = "email"
    COMMAND = "command"


@dataclass(frozen=True)
class AccessRecord:
    verb: AccessVerb
    object_type: str
    object_id: int | None
    actor_id: int | None
    audience: str
    channel: AccessChannel


AccessSink = Callable[[AccessRecord], None]
_ACCESS_SINKS: list[AccessSink] = []


def add_access_sink(sink: AccessSink) -> None:
    """Register an access sink (idempotent): called with every access record, in its transaction."""
    if sink not in _ACCESS_SINKS:
        _ACCESS_SINKS.append(sink)


def access_sinks() -> tuple[AccessSink, ...]:
    return tuple(_ACCESS_SINKS)


def access(
    *,
    actor: User | None,
    verb: AccessVerb,
    object_type: str,
    object_id: int | None,
    audience: str,
    channel: AccessChannel,
) -> AccessRecord:
    """Write one access record to every sink, in one transaction: a sink that fails fails the
    caller's transaction with it (no change without its audit row)."""
    actor = _concrete(actor)
    record = AccessRecord(
        verb=verb,
        object_type=object_type[:40],
        object_id=object_id,
        actor_id=actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None,
        audience=audience[:30],
        channel=channel,
    )
    with transaction.atomic():
        for sink in _ACCESS_SINKS:
            sink(record)
    return record
