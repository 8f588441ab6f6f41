"""ASGI entry point: HTTP to Django; WebSocket through origin validation, session auth and the
URL router (config.routing)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Build Django's application (and so set up the app registry) before importing consumers.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.metrics import WebSocketMetricsMiddleware  # noqa: E402
from config.observability.request_id import WebSocketRequestIdMiddleware  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Outside in: the connection's request ID (in every log line of its consumer), the open-socket
        # gauge and delivered-event counter, then origin, session and route.
        "websocket": WebSocketRequestIdMiddleware(
            WebSocketMetricsMiddleware(
                AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
            )
        ),
    }
)
