"""Governance dashboard throughput beside a minimal Django view on the same daphne (measures).

Starts one daphne worker (config.asgi plus one extra route, /bench/minimal/, a view that returns
"ok" through the full middleware stack), signs in a national governance member, and for each of

  minimal       GET /bench/minimal/
  dashboard     GET /governance/national/           (the whole page: figures, charts, tables)
  fragment      GET /governance/national/figures/   (what a resync fetches)

drives --concurrency keep-alive connections for --seconds, printing requests/s and p50/p99
latency, and each page's rate as a fraction of the minimal view's. Uses a throwaway SQLite file
(var/bench-dashboard.sqlite3, migrated on first use) with some drop-in data, unless DATABASE_URL
is set (use a throwaway database: rows are added).

    .venv/bin/python bench/dashboard_throughput.py --seconds 10 --concurrency 8
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and not __package__:
    # Run by path: run again as a module from the repository root, so `config` and `bench` import.
    os.chdir(ROOT)
    os.execv(sys.executable, [sys.executable, "-m", f"bench.{Path(__file__).stem}", *sys.argv[1:]])  # noqa: S606
# Production settings changed only for plain HTTP on loopback (bench/bench_settings.py), with the
# minimal view at /bench/minimal/ (BENCH_MINIMAL_VIEW: bench.page_throughput's URLconf).
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"
os.environ["BENCH_MINIMAL_VIEW"] = "1"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-dashboard.sqlite3'}")
# The in-memory channel layer and a local cache: this measures page work, not Redis.
os.environ.pop("REDIS_URL", None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare() -> str:
    """Migrate, add data, and return a session cookie for a national governance member."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from agencies import access_state

    call_command("migrate", verbosity=0)
    # Production's manifest storage: pages name hashed static files, so collect them once.
    call_command("collectstatic", interactive=False, verbosity=0)
    from agencies.dropins.models import Booking, BookingStatus, DropInSchedule, DropInSession
    from agencies.models import Agency, AgencyKind, Area, User
    from agencies.roles import Role
    from agencies.services import roles_sync
    from content.services import site_root_ensure

    site_root_ensure()
    roles_sync()
    from django.contrib.auth.models import Group

    national, _ = Agency.objects.get_or_create(
        name="Bench Governance Board", defaults={"kind": AgencyKind.NATIONAL, "allowed_email_domains": []}
    )
    user, created = User.objects.get_or_create(email="board@bench.example.org", defaults={"agency": national})
    if created:
        user.set_password("bench-only-password-not-real")
        user.save()
        user.groups.add(Group.objects.get(name=Role.GOVERNANCE_MEMBER.value))
    if not DropInSession.objects.exists():
        for a in range(4):
            area, _ = Area.objects.get_or_create(code=f"bench-{a}", defaults={"name": f"CPS Bench Area {a}"})
            host, _ = Agency.objects.get_or_create(
                name=f"Bench CPS {a}", defaults={"kind": AgencyKind.CPS_AREA, "area": area}
            )
            isva, _ = User.objects.get_or_create(
                email=f"isva{a}@bench.example.org", defaults={"agency": host}
            )
            schedule = DropInSchedule.objects.create(
                host_agency=host,
                title=f"Bench drop-in {a}",
                weekdays=[1],
                start_time=dt.time(10, 0),
                end_time=dt.time(11, 0),
                starts_on=timezone.localdate(),
                seats=10,
                occurrences=10,
            )
            for s in range(10):
                starts = timezone.now() + dt.timedelta(days=s + 1)
                session = DropInSession.objects.create(
                    schedule=schedule,
                    occurrence_key=f"bench-{a}-{s}",
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=1),
                    capacity=10,
                )
                Booking.objects.create(
                    session=session, isva=isva, status=BookingStatus.CONFIRMED, topic="process"
                )
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "agencies.auth_backends.CachedPermissionsBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    # As signing in does (agencies.access_state): without it the first request rotates the key.
    access_state.remember(SimpleNamespace(user=user, session=store))  # type: ignore[arg-type]
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


async def drive(
    port: int, path: str, cookie: str, seconds: float, concurrency: int
) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\nConnection: keep-alive\r\n\r\n"
    ).encode()

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                writer.write(request)
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = 0
                chunked = False
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value.strip())
                    if name.lower() == b"transfer-encoding" and b"chunked" in value.lower():
                        chunked = True
                if chunked:
                    while True:
                        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                        await reader.readexactly(size + 2)
                        if size == 0:
                            break
                else:
                    await reader.readexactly(length)
                if status != 200:
                    errors += 1
                latencies.append(time.perf_counter() - started)
                if b"connection: close" in head.lower():
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(latencies), latencies, errors


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    from bench.stack import print_differences

    print_differences()
    cookie = prepare()
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    log = (ROOT / "var" / "bench-dashboard-daphne.log").open("wb")
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            time.sleep(0.1)
        rows = []
        for label, path in (
            ("minimal view", "/bench/minimal/"),
            ("dashboard page", "/governance/national/"),
            ("figures fragment", "/governance/national/figures/"),
        ):
            asyncio.run(drive(port, path, cookie, 1.0, 2))  # warm up
            count, latencies, errors = asyncio.run(drive(port, path, cookie, args.seconds, args.concurrency))
            latencies.sort()
            rows.append(
                (
                    label,
                    count / args.seconds,
                    statistics.median(latencies),
                    latencies[int(0.99 * (len(latencies) - 1))],
                    errors,
                )
            )
        base = rows[0][1]
        print(f"\nOne daphne worker, {args.concurrency} keep-alive connections, {args.seconds:.0f} s each")
        print(f"{'endpoint':18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-200':>8} {'vs minimal':>11}")
        for label, rate, p50, p99, errors in rows:
            print(
                f"{label:18} {rate:8.1f} {p50 * 1000:8.1f} {p99 * 1000:8.1f} {errors:8d} {rate / base:10.2f}x"
            )
        print(f"(cores: {os.cpu_count()}; database: {os.environ['DATABASE_URL'].split('://')[0]})")
        return 0
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
