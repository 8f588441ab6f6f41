from django.urls import path

from agencies.victims.meetings.consumers import MeetingRequestConsumer

websocket_urlpatterns = [
    path("ws/pre-trial-meetings/", MeetingRequestConsumer.as_asgi()),
]
