"""Account security events in the access audit: the sink that agencies/audit.py hands every
security event to (registered in ScrutinyConfig.ready), so sign-ins, failed sign-ins, lockouts,
MFA changes, role changes, invitations and session time-outs are hash-chained, append-only (the
access audit's triggers), checked by `manage.py verify_audit` and listed in the data protection
officer's audit view and export.

A row: verb "security", object_type the action ("agencies.sign_in"), object_id the subject's id,
audience "security:<subject model>" ("security:user", or "security:agency" / "security:site" for an
address with no account, "security:invitation"), channel "account", the actor who acted (none for
a failed sign-in). Ids and kinds only, as every access event: the Wagtail entry keeps the rest of
its data (agency, reason, the address's keyed hash)."""

from __future__ import annotations

from agencies.audit import ACTIONS, AccessRecord, Action, SecurityEvent

SECURITY_AUDIENCE = "security"


def subject_audience(subject_type: str) -> str:
    return f"{SECURITY_AUDIENCE}:{subject_type}"[:30]


def chain_security_event(event: SecurityEvent) -> None:
    from scrutiny.models import AccessChannel, AccessEvent, AccessVerb

    AccessEvent(
        actor_id=event.actor_id,
        verb=AccessVerb.SECURITY,
        object_type=str(event.action.value)[:40],
        object_id=event.subject_id,
        audience=subject_audience(event.subject_type),
        channel=AccessChannel.ACCOUNT,
    ).save()


def chain_access_record(record: AccessRecord) -> None:
    """An access record of agencies' own restricted records (agencies.audit.access: pre-trial
    meeting requests) as an ordinary access event: its verb, object, audience and channel."""
    from scrutiny.models import AccessEvent

    AccessEvent(
        actor_id=record.actor_id,
        verb=str(record.verb.value),
        object_type=record.object_type,
        object_id=record.object_id,
        audience=record.audience,
        channel=str(record.channel.value),
    ).save()


def security_label(object_type: str) -> str:
    """The security event's description ("Signed in"), or "" for another kind of row."""
    try:
        return ACTIONS[Action(object_type)][1]
    except (ValueError, KeyError):
        return ""
