"""Production: refuses to start without the secrets and hosts it needs; secure by default."""

from config.env import ImproperlyConfiguredEnv, env
from config.settings.base import *  # noqa: F403

SECRET_KEY = env.str("SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfiguredEnv("SECRET_KEY must be a random string of at least 50 characters.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DEBUG = False

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Probes are answered over plain HTTP too: a load balancer or the launcher checks a worker's own
# port, where nothing speaks TLS (a redirect there would point at nothing).
# /metrics too: Prometheus scrapes each machine's worker port (docs/operations.md, "Metrics"); nginx's
# own plain-HTTP listener still sends it to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$", r"^metrics$"]
# Trusted because the workers listen on loopback (or a private network) behind nginx, which always
# replaces the client's X-Forwarded-Proto with the scheme it accepted, keeping the header only from
# the outer TLS terminators it is told to trust (platform/launch.py --trusted-proxy).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
