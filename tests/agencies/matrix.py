"""Permission matrix for the agencies app's URLs and the project-level (config) URLs: every URL
× every role × (where there is an object) one of the user's own agency and one of another agency
→ the expected status. tests/agencies/test_permission_matrix.py runs it; tests/test_url_coverage.py
fails if a named URL of the project is in no app's COVERED_URL_NAMES.

Roles: anonymous, isva, host, coordinator, panel_this (panel member of this panel), panel_other
(panel member of another panel, in another agency), governance, editor, admin (platform admin),
agency_admin (administrator of the ISVA's agency only). The agencies URLs have no panel objects,
so panel_this and panel_other differ only by agency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = (
    "anonymous",
    "isva",
    "host",
    "coordinator",
    "panel_this",
    "panel_other",
    "governance",
    "editor",
    "admin",
    "agency_admin",
)
SIGNED_IN = ROLES[1:]
MFA_ROLES = ("coordinator", "panel_this", "panel_other", "governance", "admin", "agency_admin")
NON_MFA_ROLES = ("isva", "host", "editor")

OK, FOUND, BAD_REQUEST, UNAUTHORISED, FORBIDDEN, NOT_FOUND, CONFLICT = 200, 302, 400, 401, 403, 404, 409


def expect(default: int, **per_role: int) -> dict[str, int]:
    """An expected status for every role: `default` unless named."""
    unknown = set(per_role) - set(ROLES)
    assert not unknown, unknown
    return {role: per_role.get(role, default) for role in ROLES}


# Signed-out visitors are sent to sign in; everyone signed in gets `default`.
def signed_in(default: int, **per_role: int) -> dict[str, int]:
    return expect(default, anonymous=FOUND, **per_role)


# Only platform administrators; everyone else signed in is refused.
ADMIN_ONLY_GET = expect(FORBIDDEN, anonymous=FOUND, admin=OK)
ADMIN_ONLY_POST = expect(FORBIDDEN, anonymous=FOUND, admin=FOUND)
# Account management: platform administrators for any agency; agency administrators for their
# own agency's objects, and a 404 for another agency's (whatever id is guessed).
MANAGERS_GET = expect(FORBIDDEN, anonymous=FOUND, admin=OK, agency_admin=OK)
MANAGERS_POST = expect(FORBIDDEN, anonymous=FOUND, admin=FOUND, agency_admin=FOUND)
MANAGERS_GET_OTHER = expect(FORBIDDEN, anonymous=FOUND, admin=OK, agency_admin=NOT_FOUND)
MANAGERS_POST_OTHER = expect(FORBIDDEN, anonymous=FOUND, admin=FOUND, agency_admin=NOT_FOUND)
# A forged form naming a role an agency administrator may not assign: refused as an invalid choice.
MANAGERS_POST_ADMIN_ROLE = expect(FORBIDDEN, anonymous=FOUND, admin=FOUND, agency_admin=BAD_REQUEST)
# Wagtail admin pages for agencies: Wagtail sends people without CMS access, and CMS users
# without the agency permission, back to a page they may see (a redirect, never the content).
WAGTAIL_ADMIN_ONLY = expect(FOUND, admin=OK)


@dataclass(frozen=True)
class Row:
    """One URL. `kwargs(world, user, scope)` builds reverse() kwargs for a scope ("own": an object
    in the requesting user's agency, "other": one in another agency, "-": no object)."""

    name: str
    statuses: dict[str, int]
    method: str = "get"
    scopes: tuple[str, ...] = ("-",)
    kwargs: Callable[[Any, Any, str], dict[str, Any]] | None = None
    data: Callable[[Any, Any, str], dict[str, Any]] | None = None
    other_statuses: dict[str, int] | None = None  # when "other" differs from "own"
    transactional: bool = False  # the view closes the database connection (health check)
    note: str = field(default="", compare=False)

    def expected(self, role: str, scope: str) -> int:
        if scope == "other" and self.other_statuses is not None:
            return self.other_statuses[role]
        return self.statuses[role]


def _agency(world: Any, user: Any, scope: str) -> Any:
    return world.agency_for(user) if scope == "own" else world.far_agency


def _person(world: Any, user: Any, scope: str) -> dict[str, Any]:
    return {"person_id": world.new_person(_agency(world, user, scope)).pk}


def _invitation(world: Any, user: Any, scope: str) -> dict[str, Any]:
    return {"invitation_id": world.new_invitation(_agency(world, user, scope)).pk}


def _invite_data(world: Any, user: Any, scope: str) -> dict[str, Any]:
    agency = _agency(world, user, scope)
    return {"email": world.fresh_email(agency), "role": "ISVA"}


def _manager_post(name: str, kwargs: Any = _person, **options: Any) -> Row:
    """An account manager's POST on a person (or agency) of their own agency and of another: platform
    administrators may, an agency administrator only in their own (elsewhere it does not exist)."""
    return Row(
        name,
        MANAGERS_POST,
        other_statuses=MANAGERS_POST_OTHER,
        method="post",
        scopes=("own", "other"),
        kwargs=kwargs,
        **options,
    )


ROWS: tuple[Row, ...] = (
    # --- agencies: sign-in and password reset (public) ---
    Row("agencies:sign-in", expect(FOUND, anonymous=OK), note="signed-in people are sent on"),
    Row("agencies:sign-out", expect(FOUND), method="post"),
    Row("agencies:password-reset", expect(OK)),
    Row("agencies:password-reset-sent", expect(OK)),
    Row(
        "agencies:password-reset-confirm",
        expect(OK),
        kwargs=lambda w, u, s: {"uidb64": "MQ", "token": "not-a-token"},
        note="a forged link shows the 'expired' page",
    ),
    Row("agencies:password-reset-complete", expect(OK)),
    # --- agencies: own notifications ---
    Row("agencies:notifications", signed_in(OK)),
    Row("agencies:notifications-read", signed_in(FOUND), method="post"),
    Row("api-v1:list_notifications", expect(OK, anonymous=UNAUTHORISED)),
    Row("api-v1:mark_notifications_read", expect(OK, anonymous=UNAUTHORISED), method="post"),
    # --- agencies: two-factor authentication (MFA roles only) and the idle timeout ---
    Row("agencies:mfa-setup", signed_in(OK, isva=FORBIDDEN, host=FORBIDDEN, editor=FORBIDDEN)),
    Row(
        "agencies:mfa-verify",
        signed_in(FOUND, isva=FORBIDDEN, host=FORBIDDEN, editor=FORBIDDEN),
        note="already verified: sent on",
    ),
    Row("agencies:mfa-security", signed_in(OK, isva=FORBIDDEN, host=FORBIDDEN, editor=FORBIDDEN)),
    Row("agencies:session-extend", signed_in(FOUND), method="post"),
    # --- agencies: invitations ---
    Row(
        "agencies:invitation-accept",
        expect(CONFLICT, anonymous=OK),
        scopes=("own", "other"),
        kwargs=lambda w, u, s: {"token": w.new_invitation_token(_agency(w, u, s))},
        note="a valid link: signed-in people must sign out first",
    ),
    Row(
        "agencies:invitation-accept",
        expect(NOT_FOUND),
        kwargs=lambda w, u, s: {"token": "forged-token"},
        note="a forged link",
    ),
    # --- agencies: account management (platform administrators: any agency; agency administrators: own) ---
    Row("agencies:manage-agencies", MANAGERS_GET),
    Row(
        "agencies:manage-agency",
        MANAGERS_GET,
        other_statuses=MANAGERS_GET_OTHER,
        scopes=("own", "other"),
        kwargs=lambda w, u, s: {"agency_id": _agency(w, u, s).pk},
    ),
    _manager_post(
        "agencies:manage-invite", kwargs=lambda w, u, s: {"agency_id": _agency(w, u, s).pk}, data=_invite_data
    ),
    _manager_post("agencies:manage-invitation-revoke", kwargs=_invitation),
    Row(
        "agencies:manage-person",
        MANAGERS_GET,
        other_statuses=MANAGERS_GET_OTHER,
        scopes=("own", "other"),
        kwargs=_person,
    ),
    _manager_post("agencies:manage-role-grant", data=lambda w, u, s: {"role": "Drop-in host"}),
    _manager_post("agencies:manage-role-remove", data=lambda w, u, s: {"role": "ISVA"}),
    _manager_post("agencies:manage-deactivate"),
    _manager_post("agencies:manage-reactivate"),
    _manager_post("agencies:manage-mfa-reset"),
    _manager_post("agencies:manage-unlock"),
    Row(
        "agencies:manage-invite",
        MANAGERS_POST_ADMIN_ROLE,
        method="post",
        scopes=("own",),
        kwargs=lambda w, u, s: {"agency_id": _agency(w, u, s).pk},
        data=lambda w, u, s: {"email": w.fresh_email(_agency(w, u, s)), "role": "Platform admin"},
        note="inviting to an administrator role",
    ),
    Row(
        "agencies:manage-invite",
        expect(FORBIDDEN, anonymous=FOUND, admin=BAD_REQUEST, agency_admin=BAD_REQUEST),
        method="post",
        scopes=("own",),
        kwargs=lambda w, u, s: {"agency_id": _agency(w, u, s).pk},
        data=lambda w, u, s: {"email": w.fresh_email(w.far_agency), "role": "ISVA"},
        note="an address at another agency's domain",
    ),
    Row(
        "agencies:manage-role-grant",
        MANAGERS_POST_ADMIN_ROLE,
        method="post",
        scopes=("own",),
        kwargs=_person,
        data=lambda w, u, s: {"role": "Agency admin"},
        note="granting an administrator role",
    ),
    Row(
        "agencies:manage-person",
        expect(FORBIDDEN, anonymous=FOUND, admin=OK, agency_admin=NOT_FOUND),
        scopes=("own",),
        kwargs=lambda w, u, s: {"person_id": w.new_person(_agency(w, u, s), role="Platform admin").pk},
        note="an administrator in the viewer's own agency",
    ),
    # --- agencies: the Wagtail admin's Agency viewset ---
    Row("agency_admin:index", WAGTAIL_ADMIN_ONLY),
    Row("agency_admin:index_results", WAGTAIL_ADMIN_ONLY),
    Row("agency_admin:add", WAGTAIL_ADMIN_ONLY),
    Row(
        "agency_admin:edit",
        WAGTAIL_ADMIN_ONLY,
        scopes=("own", "other"),
        kwargs=lambda w, u, s: {"pk": _agency(w, u, s).pk},
    ),
    Row(
        "agency_admin:inspect",
        WAGTAIL_ADMIN_ONLY,
        scopes=("own", "other"),
        kwargs=lambda w, u, s: {"pk": _agency(w, u, s).pk},
    ),
    Row(
        "agency_admin:history",
        WAGTAIL_ADMIN_ONLY,
        scopes=("own", "other"),
        kwargs=lambda w, u, s: {"pk": _agency(w, u, s).pk},
    ),
    Row(
        "agency_admin:history_results",
        WAGTAIL_ADMIN_ONLY,
        scopes=("own", "other"),
        kwargs=lambda w, u, s: {"pk": _agency(w, u, s).pk},
    ),
    Row(
        "agency_admin:usage",
        WAGTAIL_ADMIN_ONLY,
        scopes=("own", "other"),
        kwargs=lambda w, u, s: {"pk": _agency(w, u, s).pk},
    ),
    Row(
        "agency_admin:delete",
        expect(FOUND),
        scopes=("own", "other"),
        kwargs=lambda w, u, s: {"pk": _agency(w, u, s).pk},
        note="nobody deletes an agency, administrators included",
    ),
    # --- config: project-level URLs ---
    Row("healthz", expect(OK), transactional=True),
    Row("healthz-live", expect(OK)),
    Row("healthz-ready", expect(OK), transactional=True),
    Row("metrics", expect(NOT_FOUND), note="only with METRICS_TOKEN as a bearer token (tests/config)"),
    Row("accessibility-statement", expect(OK)),
    Row("wagtail_serve", expect(OK), kwargs=lambda w, u, s: {"args": [""]}),
    Row("api-v1:openapi-json", expect(OK), note="the schema is public: endpoints, no data"),
    Row("api-v1:api-root", expect(NOT_FOUND), note="no docs page: the schema is at openapi.json"),
)

COVERED_URL_NAMES: set[str] = {row.name for row in ROWS}
