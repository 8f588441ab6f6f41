from django.urls import path

from agencies.dropins.consumers import SeatCountConsumer

websocket_urlpatterns = [
    path("ws/dropins/", SeatCountConsumer.as_asgi()),
]
