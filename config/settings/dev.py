"""Local development: the embedded default, DEBUG on."""

from config.env import env
from config.settings.base import *  # noqa: F403

DEBUG = True
# Plain storage in development so edits to frontend/dist show without collectstatic.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Emails (sign-in links, booking confirmations with their .ics) are files under var/mail/, one per
# message, not the terminal: `make run` and `seed_demo` stay readable. EMAIL_BACKEND overrides it.
EMAIL_DELIVERY_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
# Human-readable log lines on the terminal (LOG_FORMAT=json to see production's).
LOGGING["handlers"]["console"]["formatter"] = env.str("LOG_FORMAT", "plain")
