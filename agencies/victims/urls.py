from django.urls import path

from agencies.victims import views

app_name = "victims"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("areas/<int:area_id>/", views.team_detail, name="team-detail"),
    path("areas/<int:area_id>/edit/", views.team_edit, name="team-edit"),
    path("areas/<int:area_id>/confirm/", views.team_confirm, name="team-confirm"),
]
