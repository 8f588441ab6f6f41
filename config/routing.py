"""WebSocket URL routes. Every path lives under /ws/ so nginx can send it to the daphne workers."""

from django.urls import path

from agencies.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
