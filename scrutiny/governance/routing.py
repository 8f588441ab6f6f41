from django.urls import path

from scrutiny.governance.consumers import GovernanceDashboardConsumer

websocket_urlpatterns = [
    path("ws/governance/national/", GovernanceDashboardConsumer.as_asgi()),
    path("ws/governance/area/<int:area_id>/", GovernanceDashboardConsumer.as_asgi()),
]
