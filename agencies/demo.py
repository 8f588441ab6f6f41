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
    DemoUser(
        "admin@operations.example.org",
        "Max",
        "Hazel",
        "Platform administrator",
        AGENCIES[7].name,
        Role.PLATFORM_ADMIN,
    ),
)


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
    if created and stdout is not None:
        stdout.write(f"Demo accounts created (password for all: {DEMO_PASSWORD}):")
        for spec in created:
            stdout.write(f"  {spec.role.value:<18} {spec.email}")
