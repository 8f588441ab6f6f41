"""Booking contention on PostgreSQL through real daphne workers (not a test: it measures).

Spawns N daphne processes on loopback ports (as tests/live.py does), signs in M fictional ISVAs,
then fires booking attempts at the JSON API from a pool of client threads in two phases:

  baseline   every attempt books its own session (no two requests want the same row)
  contended  every attempt wants the same session with --seats seats

and prints attempts/s, p50/p99 latency and the overbooking count (confirmed bookings above
capacity, and any session whose counter disagrees with its rows) for each phase.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scrutiny_bench \\
        .venv/bin/python -m bench.booking_contention --attempts 200 --workers 4 --concurrency 16

Run it from the repository root (`-m`, so `config` and `tests` import). Use a throwaway
database: the script migrates it and adds its own (namespaced) rows.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

# The servers and this process load the same settings (production, changed only for plain HTTP
# on loopback: bench/bench_settings.py), so the sessions this process makes are theirs.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"
# A connection per request: a burst of client threads must not exhaust max_connections with
# connections parked in finished request threads (printed among the differences from production).
os.environ.setdefault("BENCH_CONN_MAX_AGE", "0")
os.environ.setdefault("SCRUTINY_TEST_RUN_ID", "bench")


@dataclass
class Phase:
    name: str
    attempts: int
    seconds: float
    latencies_ms: list[float]
    statuses: dict[int, int]
    confirmed: int
    waitlisted: int
    overbooked: int
    errors: int

    @property
    def rate(self) -> float:
        return self.attempts / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index]


def _setup_django() -> None:
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(
            "booking_contention needs PostgreSQL: set DATABASE_URL=postgres://... (a throwaway database)"
        )
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    # Only in this process, which builds the fixtures: its throwaway ISVAs never sign in with a
    # password (sessions are made directly), so their hashes need not cost Argon2's time each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _world(*, people: int, seats: int):
    """Fictional data for this run: one CPS unit, one ISVA service, `people` ISVAs, a contended
    session with `seats` seats and one roomy session per person for the baseline."""
    from django.utils import timezone

    from agencies.dropins.models import DropInSchedule, DropInSession
    from agencies.models import Agency, AgencyKind, Area
    from agencies.roles import Role
    from agencies.services import roles_sync
    from content.services import site_root_ensure
    from tests.factories import UserFactory

    site_root_ensure()
    roles_sync()
    tag = secrets.token_hex(4)
    area = Area.objects.create(name=f"Bench area {tag}", code=f"bench-{tag}")
    cps = Agency.objects.create(name=f"Bench CPS {tag}", kind=AgencyKind.CPS_AREA, area=area)
    service = Agency.objects.create(name=f"Bench ISVA {tag}", kind=AgencyKind.ISVA_SERVICE, area=area)
    isvas = [
        UserFactory(email=f"isva{i}-{tag}@bench.example.org", agency=service, roles=[Role.ISVA])
        for i in range(people)
    ]
    now = timezone.now()
    schedule = DropInSchedule.objects.create(
        host_agency=cps,
        title=f"Bench drop-in {tag}",
        mode="online",
        meeting_link="https://meet.example.org/bench",
        weekdays=[0],
        start_time="10:00",
        end_time="11:00",
        starts_on=now.date(),
        occurrences=1,
        seats=seats,
    )
    schedule.allowed_areas.set([area])
    start = now + timedelta(days=2)

    def session(key: str, capacity: int) -> DropInSession:
        return DropInSession.objects.create(
            schedule=schedule,
            occurrence_key=key,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            capacity=capacity,
        )

    contended = session("contended", seats)
    baseline = [session(f"baseline-{i}", seats) for i in range(people)]
    return isvas, contended, baseline


def _cookie_for(user) -> str:
    from django.conf import settings

    from tests.conftest import signed_in_client  # the one sign-in path (MFA rules live there)

    session_id = signed_in_client(user).cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={session_id}"


def _attempt(port: int, cookie: str, session_id: int, csrf: str) -> tuple[int, float, str]:
    from django.conf import settings

    body = json.dumps({"topic": "process"})
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST",
            f"/api/v1/dropins/sessions/{session_id}/book",
            body=body,
            headers={
                "Content-Type": "application/json",
                # Production names it __Host-csrftoken (a fixed "csrftoken" was a 403 for all).
                "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={csrf}",
                "X-CSRFToken": csrf,
                "Origin": f"http://127.0.0.1:{port}",
                "Referer": f"http://127.0.0.1:{port}/dropins/",
            },
        )
        response = conn.getresponse()
        payload = response.read().decode("utf-8", "replace")
        return response.status, (time.perf_counter() - started) * 1000, payload
    finally:
        conn.close()


def _run_phase(name, servers, jobs, concurrency, deadline, count_sessions):
    from agencies.dropins.models import Booking, DropInSession

    csrf = secrets.token_hex(16)  # 32 characters: Django accepts an unmasked secret
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    errors = 0

    def run(index_job: tuple[int, tuple[str, int]]) -> None:
        nonlocal errors
        index, (cookie, session_id) = index_job
        if time.monotonic() > deadline:
            return
        server = servers[index % len(servers)]
        try:
            status, ms, _ = _attempt(server.port, cookie, session_id, csrf)
        except OSError:
            with lock:
                errors += 1
            return
        with lock:
            latencies.append(ms)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(run, enumerate(jobs)))
    seconds = time.perf_counter() - started

    sessions = DropInSession.objects.filter(pk__in=count_sessions)
    confirmed = Booking.objects.filter(session__in=sessions, status="confirmed").count()
    waitlisted = Booking.objects.filter(session__in=sessions, status="waitlisted").count()
    overbooked = 0
    for s in sessions:
        rows = Booking.objects.filter(session=s, status="confirmed").count()
        overbooked += max(0, rows - s.capacity) + (1 if rows != s.confirmed_count else 0)
    return Phase(
        name, len(latencies), seconds, latencies, statuses, confirmed, waitlisted, overbooked, errors
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attempts", type=int, default=200, help="booking attempts per phase (max 2000)")
    parser.add_argument("--seats", type=int, default=10, help="seats in the contended session")
    parser.add_argument("--workers", type=int, default=4, help="daphne processes (max 8)")
    parser.add_argument("--concurrency", type=int, default=32, help="client threads (max 64)")
    parser.add_argument(
        "--max-seconds", type=float, default=120.0, help="stop sending after this long per phase"
    )
    args = parser.parse_args()
    attempts = max(1, min(args.attempts, 2000))
    workers = max(1, min(args.workers, 8))
    concurrency = max(1, min(args.concurrency, 64))

    from bench.stack import print_differences

    print_differences()
    _setup_django()
    from tests.live import start_daphne

    print(f"Setting up {attempts} ISVAs and sessions ...", flush=True)
    isvas, contended, baseline = _world(people=attempts, seats=args.seats)
    cookies = [_cookie_for(u) for u in isvas]
    database_url = os.environ["DATABASE_URL"]  # the workers serve the database this script set up
    print(f"Starting {workers} daphne workers ...", flush=True)
    bench_env = {"DJANGO_SETTINGS_MODULE": "bench.bench_settings"}
    servers = []
    try:
        for _ in range(workers):
            servers.append(start_daphne(database_url, extra_env=bench_env))
    except RuntimeError:
        for server in servers:  # the ones that did start (a loaded machine can take 30 s each)
            server.stop()
        raise
    try:
        phases = [
            _run_phase(
                "baseline (own session each)",
                servers,
                [(cookies[i], baseline[i].pk) for i in range(attempts)],
                concurrency,
                time.monotonic() + args.max_seconds,
                [s.pk for s in baseline],
            ),
            _run_phase(
                f"contended ({args.seats} seats)",
                servers,
                [(cookies[i], contended.pk) for i in range(attempts)],
                concurrency,
                time.monotonic() + args.max_seconds,
                [contended.pk],
            ),
        ]
    finally:
        for server in servers:
            server.stop()

    print()
    print(
        f"PostgreSQL, {workers} daphne workers, {concurrency} client threads, {attempts} attempts per phase"
    )
    header = (
        f"{'phase':<30} {'attempts':>8} {'att/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'confirmed':>9} {'waitlist':>8} {'overbooked':>10} {'statuses':<20}"
    )
    print(header)
    print("-" * len(header))
    for p in phases:
        statuses = ",".join(f"{k}:{v}" for k, v in sorted(p.statuses.items())) + (
            f",err:{p.errors}" if p.errors else ""
        )
        print(
            f"{p.name:<30} {p.attempts:>8} {p.rate:>8.1f} {p.percentile(50):>8.1f} {p.percentile(99):>8.1f} "
            f"{p.confirmed:>9} {p.waitlisted:>8} {p.overbooked:>10} {statuses:<20}"
        )
    refused = [p.name for p in phases if set(p.statuses) - {200, 201}]
    if refused:
        print(
            "WARNING: answers other than 200/201 measure something other than booking: " + ", ".join(refused)
        )
    if any(p.overbooked for p in phases):
        sys.exit("OVERBOOKING DETECTED")


if __name__ == "__main__":
    main()
