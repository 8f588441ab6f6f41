"""Every write to agencies data: keyword-only, typed, atomic; events are published on commit.

Access changes (sign-in events, MFA, invitations, roles and accounts) are atomic and audited
(agencies.audit, Wagtail's audit log). Losing access (a role removed, an account deactivated) also
tells the person's open sockets to re-check at once. The package re-exports every public name, so
`from agencies.services import X` and `services.X` keep working."""

from agencies.services.accounts import (
    account_deactivate,
    account_reactivate,
    role_grant,
    role_remove,
)
from agencies.services.invitations import (
    INVITATION_SALT,
    email_domain,
    email_domain_allowed,
    invitation_accept,
    invitation_from_token,
    invitation_link,
    invitation_rate_limited_record,
    invitation_revoke,
    invitation_send,
    invitation_token,
)
from agencies.services.mfa import (
    mfa_enrol_confirm,
    mfa_reset,
    mfa_verify,
    recovery_codes_regenerate,
)
from agencies.services.notifications import (
    notification_mark_all_read,
    notification_send,
)
from agencies.services.roles import (
    collection_permissions_sync,
    role_from_value,
    roles_sync,
)
from agencies.services.sessions import (
    email_keyed_hash,
    lockout_clear,
    lockout_record,
    rate_limited_record,
    session_timed_out_record,
    sessions_delete_for,
    sign_in_failed_record,
    sign_in_record,
    sign_out_record,
    unknown_sign_in_record,
)

__all__ = [
    "INVITATION_SALT",
    "account_deactivate",
    "account_reactivate",
    "collection_permissions_sync",
    "email_domain",
    "email_domain_allowed",
    "email_keyed_hash",
    "invitation_accept",
    "invitation_from_token",
    "invitation_link",
    "invitation_rate_limited_record",
    "invitation_revoke",
    "invitation_send",
    "invitation_token",
    "lockout_clear",
    "lockout_record",
    "mfa_enrol_confirm",
    "mfa_reset",
    "mfa_verify",
    "notification_mark_all_read",
    "notification_send",
    "rate_limited_record",
    "recovery_codes_regenerate",
    "role_grant",
    "role_from_value",
    "role_remove",
    "roles_sync",
    "session_timed_out_record",
    "sessions_delete_for",
    "sign_in_failed_record",
    "sign_in_record",
    "sign_out_record",
    "unknown_sign_in_record",
]
