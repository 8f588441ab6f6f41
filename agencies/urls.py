from django.urls import path

from agencies import views

app_name = "agencies"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("password-reset/", views.ResetRequestView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.ResetSentView.as_view(), name="password-reset-sent"),
    path("password-reset/<uidb64>/<token>/", views.ResetConfirmView.as_view(), name="password-reset-confirm"),
    path("password-reset/complete/", views.ResetCompleteView.as_view(), name="password-reset-complete"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_mark_all_read, name="notifications-read"),
    # Two-factor authentication and the idle timeout
    path("two-factor/set-up/", views.mfa_setup, name="mfa-setup"),
    path("two-factor/check/", views.mfa_verify, name="mfa-verify"),
    path("two-factor/", views.mfa_recovery_codes, name="mfa-security"),
    path("session/extend/", views.session_extend, name="session-extend"),
    # Invitations
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
    # Account management (platform administrators)
    path("manage/", views.manage_agency_list, name="manage-agencies"),
    path("manage/agencies/<int:agency_id>/", views.manage_agency_detail, name="manage-agency"),
    path("manage/agencies/<int:agency_id>/invite/", views.manage_invitation_create, name="manage-invite"),
    path(
        "manage/invitations/<int:invitation_id>/revoke/",
        views.manage_invitation_revoke,
        name="manage-invitation-revoke",
    ),
    path("manage/people/<int:person_id>/", views.manage_person_detail, name="manage-person"),
    path(
        "manage/people/<int:person_id>/roles/grant/", views.manage_person_role_grant, name="manage-role-grant"
    ),
    path(
        "manage/people/<int:person_id>/roles/remove/",
        views.manage_person_role_remove,
        name="manage-role-remove",
    ),
    path(
        "manage/people/<int:person_id>/deactivate/", views.manage_person_deactivate, name="manage-deactivate"
    ),
    path(
        "manage/people/<int:person_id>/reactivate/", views.manage_person_reactivate, name="manage-reactivate"
    ),
    path("manage/people/<int:person_id>/mfa-reset/", views.manage_person_mfa_reset, name="manage-mfa-reset"),
    path("manage/people/<int:person_id>/unlock/", views.manage_person_unlock, name="manage-unlock"),
]
