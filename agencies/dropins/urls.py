from django.urls import path

from agencies.dropins import views

app_name = "dropins"

urlpatterns = [
    path("", views.session_list, name="session-list"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("my-bookings/", views.my_bookings, name="my-bookings"),
    path("my-bookings/calendar-feed/", views.calendar_feed_reset, name="calendar-feed-reset"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking-cancel"),
    path("bookings/<int:pk>/rebook/", views.booking_rebook, name="booking-rebook"),
    path("bookings/<int:pk>/calendar.ics", views.booking_ics, name="booking-ics"),
    path("feed/<str:token>/calendar.ics", views.calendar_feed, name="calendar-feed"),
    path("host/", views.schedule_list, name="schedule-list"),
    path("host/schedules/new/", views.schedule_create, name="schedule-create"),
    path("host/schedules/<int:pk>/", views.schedule_detail, name="schedule-detail"),
    path("host/schedules/<int:pk>/edit/", views.schedule_edit, name="schedule-edit"),
    path("host/sessions/<int:pk>/", views.host_session, name="host-session"),
    path("host/sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("host/sessions/<int:pk>/cancel/", views.session_cancel, name="session-cancel"),
]
