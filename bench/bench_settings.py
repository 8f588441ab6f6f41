"""Settings for the servers the benchmarks start: the test settings, with a connection per request
(CONN_MAX_AGE=0) so a burst of requests cannot exhaust PostgreSQL's max_connections with idle
connections parked in finished request threads.

Environment switches (only the page benchmarks set them):
- BENCH_CONN_MAX_AGE: keep database connections this many seconds instead (what base settings
  give a deployment: 60), for throughput measured the way production serves.
- BENCH_MINIMAL_VIEW=1: serve /bench/minimal/ (a view that returns "ok" through the full
  middleware stack) beside every project URL, from bench.page_throughput's URLconf.
- BENCH_LOCMEM_CACHE=1 (only without REDIS_URL): the process-local memory cache, as the
  single-process default has, instead of the test settings' file cache (which exists so that a
  test run's processes share one; several workers must not use this switch).
"""

import os

from config.settings.test import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("BENCH_CONN_MAX_AGE", "0"))  # noqa: F405

if os.environ.get("BENCH_MINIMAL_VIEW") == "1":
    ROOT_URLCONF = "bench.page_throughput"

if os.environ.get("BENCH_LOCMEM_CACHE") == "1" and not REDIS_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
