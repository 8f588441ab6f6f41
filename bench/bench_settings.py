"""Settings for the servers the benchmarks start: config.settings.production, changed only where a
run on loopback over plain HTTP needs it. Each bench prints the list of differences, computed by
comparing the two modules (bench/stack.py `print_differences()`), so this docstring is not the record.

Changed here: a fixed SECRET_KEY and loopback ALLOWED_HOSTS (production refuses to start without
them), no redirect to https and no HSTS (nothing speaks TLS on loopback), cookies not marked Secure
(the client speaks plain HTTP).

Environment switches (the benches that need them set them; the differences list shows their effect):
- BENCH_CONN_MAX_AGE: keep database connections this many seconds instead of production's 60
  (booking_contention sets 0, so a burst of client threads cannot exhaust PostgreSQL's
  max_connections with idle connections parked in finished request threads).
- BENCH_MINIMAL_VIEW=1: serve /bench/minimal/ (a view that returns "ok" through the full
  middleware stack) beside every project URL, from bench.page_throughput's URLconf.
"""

import os

# Production reads these two from the environment and refuses to start without them.
_LOOPBACK_ENVIRONMENT = {
    "SECRET_KEY": "bench-loopback-only-fixed-key-" + "0123456789abcdef" * 3,
    "ALLOWED_HOSTS": "127.0.0.1,localhost,[::1]",
}
os.environ.update(_LOOPBACK_ENVIRONMENT)

from config.settings.production import *  # noqa: E402, F403

# Plain HTTP on loopback: no TLS anywhere, so no redirect to it, no HSTS, no Secure-only cookies.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

if "BENCH_CONN_MAX_AGE" in os.environ:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ["BENCH_CONN_MAX_AGE"])  # noqa: F405

if os.environ.get("BENCH_MINIMAL_VIEW") == "1":
    ROOT_URLCONF = "bench.page_throughput"
