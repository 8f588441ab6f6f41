from django.urls import path

from agencies.victims.meetings import views

app_name = "pretrial"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<int:request_id>/", views.request_detail, name="detail"),
    path("<int:request_id>/confirm/", views.request_confirm, name="confirm"),
    path("<int:request_id>/propose/", views.request_propose, name="propose"),
    path("<int:request_id>/not-needed/", views.request_not_needed, name="not-needed"),
    path("<int:request_id>/outcome/", views.request_outcome, name="outcome"),
    path("<int:request_id>/accept/", views.request_accept, name="accept"),
]
