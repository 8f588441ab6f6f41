"""Production: refuses to start without the secrets and hosts it needs; secure by default."""

from config.env import ImproperlyConfiguredEnv, env
from config.settings.base import *  # noqa: F403

SECRET_KEY = env.str("SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfiguredEnv("SECRET_KEY must be a random string of at least 50 characters.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DEBUG = False

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
