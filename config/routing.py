"""WebSocket URL routes, gathered from each app's routing module. Every path lives under /ws/ so
nginx can send it to the daphne workers."""

from agencies.dropins.routing import websocket_urlpatterns as dropins_ws
from agencies.routing import websocket_urlpatterns as agencies_ws
from scrutiny.governance.routing import websocket_urlpatterns as governance_ws
from scrutiny.routing import websocket_urlpatterns as scrutiny_ws

websocket_urlpatterns = [*agencies_ws, *dropins_ws, *scrutiny_ws, *governance_ws]
