"""Bench only (bench/observability_overhead.py): bench/bench_settings.py with the observability
taken out, the "off" side of the comparison. Never a production switch: nothing outside bench/
imports it, and production has no setting that turns any of this off.

Taken out: the request-ID and metrics middleware, the observability app (its request_started and
request_finished handlers that set and clear the request ID, and the booking counter), the cache's
hit/miss counting (django-redis' RedisCache itself rather than config.cache's metered subclass;
same client class and options), and logging: every record below WARNING is dropped and what is
left goes to a NullHandler (no filter, no formatter, no write). The differences from production
are printed by the bench (bench/stack.py), so this list is checked every run.
"""

from bench.bench_settings import *  # noqa: F403

_OBSERVABILITY_MIDDLEWARE = {
    "config.observability.request_id.RequestIdMiddleware",
    "config.metrics.MetricsMiddleware",
}
MIDDLEWARE = [m for m in MIDDLEWARE if m not in _OBSERVABILITY_MIDDLEWARE]  # noqa: F405
INSTALLED_APPS = [a for a in INSTALLED_APPS if a != "config.observability"]  # noqa: F405

if CACHES["default"]["BACKEND"] == "config.cache.MeteredRedisCache":  # noqa: F405
    CACHES["default"]["BACKEND"] = "django_redis.cache.RedisCache"  # noqa: F405
elif CACHES["default"]["BACKEND"] == "config.cache.MeteredLocMemCache":  # noqa: F405
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.locmem.LocMemCache"  # noqa: F405

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "root": {"handlers": ["null"], "level": "WARNING"},
}
