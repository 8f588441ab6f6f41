"""Platform roles: the declarative role -> permission table.

Roles are Django groups. `manage.py sync_roles` makes the groups in the database match this table
exactly (adding and removing permissions), so the table is the only place a role's rights change.
Per-object rights (this panel, this schedule) are not here: they are django-guardian grants made
through each app's permissions.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ISVA = "ISVA"
    DROPIN_HOST = "Drop-in host"
    CASE_COORDINATOR = "Case coordinator"
    PANEL_MEMBER = "Panel member"
    GOVERNANCE_MEMBER = "Governance member"
    CONTENT_EDITOR = "Content editor"
    PLATFORM_ADMIN = "Platform admin"
    AGENCY_ADMIN = "Agency admin"
    EVALUATOR = "Evaluator"
    DATA_PROTECTION_OFFICER = "Data protection officer"
    VLO = "VLO"
    AREA_LEAD = "Area lead"
    POLICE_OFFICER = "Police officer"


@dataclass(frozen=True)
class RoleSpec:
    description: str
    permissions: frozenset[str]
    # Wagtail page permissions on the site root ("add", "change", "publish", ...). Wagtail keeps
    # its own page permission model; we only declare which role gets which.
    page_permissions: frozenset[str] = frozenset()
    # Wagtail collection permissions on the root collection (inherited by every collection below
    # it): documents and images are permitted per collection, not by the model permission alone.
    collection_permissions: frozenset[str] = frozenset()
    # Whether the role can see case content or administer, so must use MFA (issue: access).
    needs_mfa: bool = False


# Upload, edit and choose documents and images (in every collection, from the root down).
MEDIA_UPLOADER = frozenset(
    {"add_document", "change_document", "choose_document", "add_image", "change_image", "choose_image"}
)

ROLE_TABLE: dict[Role, RoleSpec] = {
    Role.ISVA: RoleSpec(
        description=(
            "Independent Sexual Violence Advisor: books drop-in sessions; requests pre-trial meetings "
            "for the people they support and sees their own requests."
        ),
        permissions=frozenset({"agencies.book_dropins", "victims.request_pretrial_meetings"}),
    ),
    Role.DROPIN_HOST: RoleSpec(
        description="CPS host of drop-in sessions: runs schedules and records attendance.",
        permissions=frozenset({"agencies.host_dropins"}),
    ),
    Role.CASE_COORDINATOR: RoleSpec(
        description="Prepares anonymised cases and runs scrutiny panel meetings.",
        permissions=frozenset({"agencies.coordinate_cases", "agencies.sit_on_panels"}),
        needs_mfa=True,
    ),
    Role.PANEL_MEMBER: RoleSpec(
        description="Reviews anonymised cases on the panels they are a member of.",
        permissions=frozenset({"agencies.sit_on_panels"}),
        needs_mfa=True,
    ),
    Role.GOVERNANCE_MEMBER: RoleSpec(
        description="Joint CPS-NPCC governance: dashboards, approves guidance.",
        permissions=frozenset({"agencies.view_governance", "wagtailadmin.access_admin"}),
        page_permissions=frozenset({"add", "change", "publish"}),
        # Minutes and reports are published with their documents.
        collection_permissions=MEDIA_UPLOADER,
        needs_mfa=True,
    ),
    Role.CONTENT_EDITOR: RoleSpec(
        description="Drafts good-practice guidance in the CMS; publishing needs board approval.",
        permissions=frozenset(
            {"wagtailadmin.access_admin", "wagtailimages.add_image", "wagtaildocs.add_document"}
        ),
        page_permissions=frozenset({"add", "change"}),
        collection_permissions=MEDIA_UPLOADER,
    ),
    Role.PLATFORM_ADMIN: RoleSpec(
        description="Manages agencies and accounts. Does not read case content.",
        permissions=frozenset(
            {
                "agencies.manage_accounts",
                "agencies.view_agency",
                "agencies.add_agency",
                "agencies.change_agency",
                "agencies.view_user",
                "agencies.add_user",
                "agencies.change_user",
                "wagtailadmin.access_admin",
                "wagtailusers.add_userprofile",
                "auth.view_group",
                # The CMS's Site settings: service name, phase banner, contact addresses.
                "content.change_sitesettings",
            }
        ),
        needs_mfa=True,
    ),
    Role.EVALUATOR: RoleSpec(
        description=(
            "Independent evaluation of the scrutiny programme: aggregate figures and exports only "
            "(small counts suppressed), never case content or panel records."
        ),
        permissions=frozenset({"scrutiny.evaluate_scrutiny"}),
        needs_mfa=True,
    ),
    Role.DATA_PROTECTION_OFFICER: RoleSpec(
        description=(
            "Reviews and exports the platform-wide access audit (who saw or changed what, when, "
            "through which channel). The audit holds ids, never case content."
        ),
        permissions=frozenset({"scrutiny.review_audit"}),
        needs_mfa=True,
    ),
    Role.AGENCY_ADMIN: RoleSpec(
        description=(
            "Manages the accounts of their own agency only: invitations, roles below administrator, "
            "deactivation. Does not read case content."
        ),
        permissions=frozenset({"agencies.manage_own_agency"}),
        needs_mfa=True,
    ),
    # The VLO directory (agencies/victims): each CPS area's Victim Liaison Officer team, the single
    # point of contact partners use. Organisational details only; victims are never users or named.
    # It is read by VLO and Area lead (below, victims.view_vlo_directory) and by the partner roles
    # that work with victims' cases, through the capability they already hold (ISVA, Drop-in host,
    # Case coordinator, Panel member: ISVAs, CPS, police and independent panel members; the list is
    # agencies/victims/permissions.py DIRECTORY_READER_PERMS). Governance, content, evaluation,
    # audit and administration roles do not need it and do not see it.
    Role.VLO: RoleSpec(
        description=(
            "Victim Liaison Officer in a CPS area's VLO team: views the VLO directory; handles their "
            "own area's pre-trial meeting requests (confirms or proposes a time, records not needed "
            "and the outcome). Changes no team details (the Area lead keeps them current)."
        ),
        permissions=frozenset({"victims.view_vlo_directory", "victims.handle_pretrial_meetings"}),
        # Sees the CPS case references (URNs, restricted data) of every request in the area.
        needs_mfa=True,
    ),
    Role.AREA_LEAD: RoleSpec(
        description=(
            "Keeps their own CPS area's VLO team details current (team name, mailbox, phone, "
            "opening hours, courts) and confirms them every quarter; views the VLO directory; "
            "handles their own area's pre-trial meeting requests like a VLO. No other area's team."
        ),
        permissions=frozenset(
            {
                "victims.view_vlo_directory",
                "victims.manage_area_vlo_team",
                "victims.handle_pretrial_meetings",
            }
        ),
        # Partners dial and write to what this role publishes: a hijacked account could redirect
        # them, so it signs in with a second factor.
        needs_mfa=True,
    ),
    # The officer in the case, in a police force: asks the area's VLO team for a pre-trial meeting
    # for the victim and sees their own requests (agencies/victims/meetings/).
    Role.POLICE_OFFICER: RoleSpec(
        description=(
            "Police officer in the case: requests pre-trial meetings for the victim and sees their "
            "own requests. Nothing else."
        ),
        permissions=frozenset({"victims.request_pretrial_meetings"}),
    ),
}

# Roles only a platform administrator may grant, remove or invite to: an agency admin cannot make
# another administrator (of any kind), so no agency admin can widen anyone's administrative reach.
ADMINISTRATOR_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.AGENCY_ADMIN})
