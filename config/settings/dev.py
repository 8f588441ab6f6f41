"""Local development: the embedded default, DEBUG on."""

from config.settings.base import *  # noqa: F403

DEBUG = True
# Plain storage in development so edits to frontend/dist show without collectstatic.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
