"""Test settings: fast hashing, isolated media, the same database switch as every environment."""

import tempfile

from config.env import env
from config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
EMAIL_DELIVERY_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", str(VAR_DIR / "test-mail"))
# The live daphne process gets the test process's MEDIA_ROOT through the environment.
MEDIA_ROOT = env.str("MEDIA_ROOT", "") or tempfile.mkdtemp(prefix="scrutiny-hub-media-")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver", "[::1]"]

# The browser and WebSocket tests run a real daphne process against the test database, so on
# SQLite that database must be a file both processes can open (not pytest's in-memory default).
# SCRUTINY_TEST_RUN_ID keeps concurrent test runs on one machine apart (database file, cache).
RUN_ID = env.str("SCRUTINY_TEST_RUN_ID", "default")
# pytest-xdist workers (`make test` runs two) are concurrent runs too: each gets its own database
# (pytest-django adds the worker suffix), cache and channel-layer namespace. The live daphne
# processes a worker starts inherit PYTEST_XDIST_WORKER, so they land in the same namespace.
XDIST_WORKER = env.str("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER:
    RUN_ID = f"{RUN_ID}-{XDIST_WORKER}"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-scrutiny-hub-{RUN_ID}.sqlite3")}

# One cache every process of the run shares, so the live daphne process sees invalidations made by
# the test process (Wagtail caches site root paths). Redis when the run has it.
if not REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.MeteredFileBasedCache",
            "LOCATION": str(VAR_DIR / f"test-cache-{RUN_ID}"),
        }
    }
else:
    CACHES["default"]["KEY_PREFIX"] = f"test-{RUN_ID}"
# What a live daphne process of this run (test settings + REDIS_URL) uses as its layer prefix.
TEST_CHANNEL_PREFIX = f"scrutiny-hub-test-{RUN_ID}"
for layer in CHANNEL_LAYERS.values():
    if "prefix" in layer.get("CONFIG", {}):
        layer["CONFIG"]["prefix"] = TEST_CHANNEL_PREFIX

# whitenoise expects STATIC_ROOT to exist even when it serves through the finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Tests run tasks immediately (on PostgreSQL too) unless a run asks for the database queue
# (TASKS_BACKEND=database, as platform/launch.py does); tests of the queue override TASKS.
TASKS = {"default": {"BACKEND": TASK_BACKENDS[env.optional("TASKS_BACKEND") or "immediate"]}}
