"""Fictional demo agencies and one account per role. Fictional means fictional: no real people,
no place below CPS-area level. The password is for the demo only and is printed in the README."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from agencies.models import Agency, AgencyKind, Area, User
from agencies.roles import Role
from agencies.services import roles_sync

DEMO_PASSWORD = "demo-password-not-for-real-use"  # noqa: S105 - published demo credential

AREAS = (("CPS North East", "north-east"), ("CPS Wessex", "wessex"))


@dataclass(frozen=True)
class DemoAgency:
    name: str
    kind: AgencyKind
    area_code: str | None
    domain: str


AGENCIES = (
    DemoAgency("Dalesford RASSO Unit (demo)", AgencyKind.CPS_AREA, "north-east", "dalesford-cps.example.org"),
    DemoAgency(
        "Harbour Vale RASSO Unit (demo)", AgencyKind.CPS_AREA, "wessex", "harbourvale-cps.example.org"
    ),
    DemoAgency(
        "Dalesford Constabulary (demo)", AgencyKind.POLICE_FORCE, "north-east", "dalesford-police.example.org"
    ),
    DemoAgency(
        "Lantern ISVA Service (demo)", AgencyKind.ISVA_SERVICE, "north-east", "lantern-isva.example.org"
    ),
    DemoAgency("Beacon Advocacy (demo)", AgencyKind.ISVA_SERVICE, "wessex", "beacon-advocacy.example.org"),
    DemoAgency("Joint Governance Board (demo)", AgencyKind.NATIONAL, None, "governance.example.org"),
    DemoAgency(
        "Independent Panel Members (demo)", AgencyKind.INDEPENDENT, "north-east", "independent.example.org"
    ),
    DemoAgency(
        "Scrutiny Hub Operations (demo)", AgencyKind.PLATFORM_OPERATOR, None, "operations.example.org"
    ),
)


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    job_title: str
    agency: str
    role: Role


USERS = (
    DemoUser("isva@lantern-isva.example.org", "Robin", "Ash", "ISVA", AGENCIES[3].name, Role.ISVA),
    DemoUser(
        "host@dalesford-cps.example.org",
        "Sam",
        "Birch",
        "RASSO unit head",
        AGENCIES[0].name,
        Role.DROPIN_HOST,
    ),
    DemoUser(
        "coordinator@dalesford-cps.example.org",
        "Alex",
        "Cedar",
        "Panel coordinator",
        AGENCIES[0].name,
        Role.CASE_COORDINATOR,
    ),
    DemoUser(
        "panel@dalesford-police.example.org",
        "Jo",
        "Dogwood",
        "Detective inspector",
        AGENCIES[2].name,
        Role.PANEL_MEMBER,
    ),
    DemoUser(
        "governance@governance.example.org",
        "Kit",
        "Elm",
        "Board member",
        AGENCIES[5].name,
        Role.GOVERNANCE_MEMBER,
    ),
    DemoUser(
        "editor@governance.example.org", "Lee", "Fir", "Content editor", AGENCIES[5].name, Role.CONTENT_EDITOR
    ),
    # A second content editor: guidance needs a content check (2i) by someone other than its author.
    DemoUser(
        "checker@governance.example.org",
        "Ash",
        "Rowan",
        "Content editor",
        AGENCIES[5].name,
        Role.CONTENT_EDITOR,
    ),
    DemoUser(
        "admin@operations.example.org",
        "Max",
        "Hazel",
        "Platform administrator",
        AGENCIES[7].name,
        Role.PLATFORM_ADMIN,
    ),
    DemoUser(
        "admin@lantern-isva.example.org",
        "Nat",
        "Juniper",
        "Service manager (agency admin)",
        AGENCIES[3].name,
        Role.AGENCY_ADMIN,
    ),
)


# Authenticator keys (base32) of the demo accounts whose roles need two-factor authentication:
# published in the README so anyone can add them to an authenticator app. Demo only.
DEMO_TOTP_SECRETS: dict[str, str] = {
    "coordinator@dalesford-cps.example.org": "TPDUU2BPDRZ3ZC4EZ4QTE5AWNZ36GDQL",
    "panel@dalesford-police.example.org": "62OAI4YNBNYRTRA6C3M63CBBXNVADCQC",
    "governance@governance.example.org": "JIVQHURRSPVIQZL32CQSBQXHB7PW5XRT",
    "admin@operations.example.org": "ZOQSPQ5MCEE4EUNP6R5ID2NXZIPPRV33",
    "admin@lantern-isva.example.org": "RVI2TZZZRX6BDVE57ARN7VHEIHEOPZIT",
}


def demo_code(email: str) -> str:
    """The current 6-digit code of a demo account's published authenticator key."""
    import time
    from binascii import unhexlify

    from django_otp.oath import TOTP

    from agencies import mfa

    totp = TOTP(unhexlify(mfa.hex_key_from_base32(DEMO_TOTP_SECRETS[email]).encode()))
    totp.time = time.time()
    return f"{totp.token():06d}"


def _demo_mfa(user: User, stdout: object) -> None:
    """Give an MFA demo account its published authenticator key and ten recovery codes (printed
    once, when first made). Idempotent: an account that already has an authenticator keeps it."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from agencies import mfa

    secret = DEMO_TOTP_SECRETS.get(user.email)
    if secret is None or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(
        user=user, name=mfa.TOTP_DEVICE_NAME, confirmed=True, key=mfa.hex_key_from_base32(secret)
    )
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=mfa.RECOVERY_DEVICE_NAME, confirmed=True)
    codes = mfa.new_recovery_codes()
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    if stdout is not None:
        stdout.write(f"  Recovery codes for {user.email}: {' '.join(codes)}")


@transaction.atomic
def seed(*, stdout: object = None) -> None:
    roles_sync()
    areas = {code: Area.objects.get_or_create(code=code, defaults={"name": name})[0] for name, code in AREAS}
    agencies = {}
    for spec in AGENCIES:
        agency, _ = Agency.objects.update_or_create(
            name=spec.name,
            defaults={
                "kind": spec.kind,
                "area": areas[spec.area_code] if spec.area_code else None,
                "allowed_email_domains": [spec.domain],
            },
        )
        agencies[spec.name] = agency
    created = []
    for spec in USERS:
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            user = User.objects.create_user(
                email=spec.email,
                password=DEMO_PASSWORD,
                first_name=spec.first_name,
                last_name=spec.last_name,
                job_title=spec.job_title,
                agency=agencies[spec.agency],
            )
            created.append(spec)
        user.groups.add(Group.objects.get(name=spec.role.value))
        _demo_mfa(user, stdout)
    if created and stdout is not None:
        # The accounts themselves are listed once, in seed_demo's closing summary.
        stdout.write(f"Demo accounts created: {len(created)}.")
