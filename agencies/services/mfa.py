"""Two-factor authentication: enrolment, checks, recovery codes and resets."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies import access_state, audit, mfa, permissions
from agencies.models import User
from agencies.realtime import events


@transaction.atomic
def mfa_enrol_confirm(*, user: User, token: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it. On success the device is the
    account's only TOTP device, ten new recovery codes replace any old ones, and the codes are
    returned (to show once). Returns None when the code is wrong."""
    device = mfa.pending_totp_device(user)
    if not device.verify_token("".join(token.split())):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user=user)
    access_state.bump([user.pk])
    audit.record(instance=user, action=audit.Action.MFA_ENROLLED, actor=user, agency_id=user.agency_id)
    return codes


def _recovery_codes_replace(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=mfa.RECOVERY_DEVICE_NAME, confirmed=True)
    codes = mfa.new_recovery_codes()
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    if not mfa.has_confirmed_device(user):
        raise PermissionDenied("Set up an authenticator app first.")
    codes = _recovery_codes_replace(user=user)
    audit.record(
        instance=user, action=audit.Action.RECOVERY_CODES_REGENERATED, actor=user, agency_id=user.agency_id
    )
    return codes


@transaction.atomic
def mfa_verify(*, user: User, token: str) -> object | None:
    """Check a code from the authenticator app or a recovery code. Returns the device that
    accepted it (a recovery code is used up), or None."""
    compact = "".join(token.split())
    if compact.isdigit():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update():
            if device.verify_token(compact):
                audit.record(
                    instance=user, action=audit.Action.MFA_VERIFIED, actor=user, agency_id=user.agency_id
                )
                return device
    else:
        device = mfa.recovery_device(user)
        if (
            device is not None
            and mfa.has_confirmed_device(user)
            and device.verify_token(mfa.normalise_code(token))
        ):
            audit.record(
                instance=user,
                action=audit.Action.RECOVERY_CODE_USED,
                actor=user,
                agency_id=user.agency_id,
                codes_left=device.token_set.count(),
            )
            return device
    audit.record(instance=user, action=audit.Action.MFA_FAILED, actor=user, agency_id=user.agency_id)
    return None


@transaction.atomic
def mfa_reset(*, actor: User, user: User) -> None:
    """Remove a person's authenticator and recovery codes (lost phone). They must enrol again at
    their next request; their open sessions lose their verification with the devices."""
    if not permissions.can_manage_person(actor, user):
        raise PermissionDenied
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    access_state.bump([user.pk])
    audit.record(instance=user, action=audit.Action.MFA_RESET, actor=actor, agency_id=user.agency_id)
    events.access_changed(user.pk)
