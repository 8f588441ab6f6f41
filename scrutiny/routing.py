from django.urls import path

from scrutiny.consumers import MeetingConsumer

websocket_urlpatterns = [
    path("ws/scrutiny/meetings/<int:meeting_id>/", MeetingConsumer.as_asgi()),
]
