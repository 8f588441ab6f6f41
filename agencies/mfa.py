"""Two-factor authentication (TOTP with django-otp) and single-use recovery codes.

Who must use it comes from the role table (`RoleSpec.needs_mfa`); superusers always must. The
checks here are pure reads; enrolment and resets are services (agencies.services), so they are
atomic and audited.
"""

from __future__ import annotations

import base64
import secrets
from binascii import unhexlify
from typing import TYPE_CHECKING, Any

import segno
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.roles import ROLE_TABLE

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from agencies.models import User

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read back

MFA_ROLE_NAMES = frozenset(role.value for role, spec in ROLE_TABLE.items() if spec.needs_mfa)
# The capabilities only MFA roles hold. Holding any of them means MFA: checked through Django's
# per-request permission cache, which every page loads anyway (navigation), so the check costs
# no query of its own. A test asserts every MFA role holds at least one of them.
MFA_PERMISSIONS = frozenset().union(
    *(spec.permissions for spec in ROLE_TABLE.values() if spec.needs_mfa)
) - frozenset().union(*(spec.permissions for spec in ROLE_TABLE.values() if not spec.needs_mfa))


def needs_mfa(user: User | AnonymousUser) -> bool:
    """Whether this account must pass a second factor before anything else. Read from the
    database on every request (the user object is rebuilt per request), so a newly granted role
    demands MFA at the next request."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    held = user.get_all_permissions()
    return not MFA_PERMISSIONS.isdisjoint(held)


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device shown on the enrolment page; one per account, created on first view
    so reloading the page keeps the same key (the QR code the person scanned stays valid)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def base32_key(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app: base32, in groups of four."""
    raw = base64.b32encode(unhexlify(device.key.encode())).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def hex_key_from_base32(secret: str) -> str:
    cleaned = secret.replace(" ", "").upper()
    padded = cleaned + "=" * (-len(cleaned) % 8)
    return base64.b32decode(padded).hex()


def qr_code_svg_data_uri(device: TOTPDevice, *, issuer: str) -> str:
    """The otpauth:// URL as an SVG data URI for an <img> (no inline markup, CSP allows data: images)."""
    url = device.config_url
    if "issuer=" not in url:
        url = f"{url}&issuer={issuer.replace(' ', '%20')}"
    return segno.make(url, error="m").svg_data_uri(scale=5, border=4, title="")


def session_is_verified(user: User | AnonymousUser, session: Any) -> bool:
    """For contexts without django-otp's middleware (WebSocket scopes): whether the session was
    verified with one of this user's confirmed devices."""
    if not user.is_authenticated or session is None:
        return False
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return False
    from django_otp.models import Device

    device = Device.from_persistent_id(persistent_id)
    return bool(device is not None and device.user_id == user.pk and device.confirmed)


def new_recovery_codes() -> list[str]:
    codes = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.add(f"{raw[:5]}-{raw[5:]}")
    return sorted(codes)


def normalise_code(value: str) -> str:
    """Accept codes typed with spaces, in capitals or without the hyphen."""
    cleaned = "".join(value.split()).lower()
    if len(cleaned) == 10 and "-" not in cleaned:
        cleaned = f"{cleaned[:5]}-{cleaned[5:]}"
    return cleaned


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()


def recovery_codes_left(user: User) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device is not None else 0
