"""Account pages: signing in and out, password resets, two-factor authentication, notifications,
invitations and account management. The package re-exports every view, so `agencies.views.X`
(the URLconf, AXES_LOCKOUT_CALLABLE) keeps working."""

from agencies.views.invitations import (
    invitation_accept,
)
from agencies.views.manage import (
    manage_agency_detail,
    manage_agency_list,
    manage_invitation_create,
    manage_invitation_revoke,
    manage_person_deactivate,
    manage_person_detail,
    manage_person_mfa_reset,
    manage_person_reactivate,
    manage_person_role_grant,
    manage_person_role_remove,
    manage_person_unlock,
)
from agencies.views.mfa import (
    mfa_recovery_codes,
    mfa_setup,
    mfa_verify,
)
from agencies.views.notifications import (
    notification_list,
    notification_mark_all_read,
)
from agencies.views.sign_in import (
    ResetCompleteView,
    ResetConfirmView,
    ResetRequestView,
    ResetSentView,
    SignInView,
    SignOutView,
    locked_out,
    session_extend,
)

__all__ = [
    "ResetCompleteView",
    "ResetConfirmView",
    "ResetRequestView",
    "ResetSentView",
    "SignInView",
    "SignOutView",
    "invitation_accept",
    "locked_out",
    "manage_agency_detail",
    "manage_agency_list",
    "manage_invitation_create",
    "manage_invitation_revoke",
    "manage_person_deactivate",
    "manage_person_detail",
    "manage_person_mfa_reset",
    "manage_person_reactivate",
    "manage_person_role_grant",
    "manage_person_role_remove",
    "manage_person_unlock",
    "mfa_recovery_codes",
    "mfa_setup",
    "mfa_verify",
    "notification_list",
    "notification_mark_all_read",
    "session_extend",
]
