"""WebSocket URL routes, gathered from each app's routing module. Every path lives under /ws/ so
nginx can send it to the daphne workers."""

from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import re_path

from agencies.dropins.routing import websocket_urlpatterns as dropins_ws
from agencies.realtime.routing import websocket_urlpatterns as agencies_ws
from agencies.victims.meetings.routing import websocket_urlpatterns as pretrial_ws
from scrutiny.governance.routing import websocket_urlpatterns as governance_ws
from scrutiny.routing import websocket_urlpatterns as scrutiny_ws


class UnknownPathConsumer(AsyncWebsocketConsumer):
    """Any other path: the handshake is refused (HTTP 403 from daphne). Channels' URLRouter raises
    for a path it cannot route, which daphne answered with a 500 and a logged traceback."""

    async def connect(self) -> None:
        await self.close()


websocket_urlpatterns = [
    *agencies_ws,
    *dropins_ws,
    *pretrial_ws,
    *scrutiny_ws,
    *governance_ws,
    re_path(r"", UnknownPathConsumer.as_asgi()),
]
