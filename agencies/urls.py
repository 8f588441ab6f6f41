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
]
