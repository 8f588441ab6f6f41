"""Settings for the daphne workers the benchmarks start: the test settings, with a connection per
request (CONN_MAX_AGE=0) so a burst of requests cannot exhaust PostgreSQL's max_connections with
idle connections parked in finished request threads."""

from config.settings.test import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
