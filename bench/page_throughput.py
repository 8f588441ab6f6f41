"""Page throughput beside a minimal Django view, on both serving paths (measures; issue 8 §2).

For each stack it migrates and seeds a throwaway database with the demo data (`seed_demo`), starts
the stack on loopback, signs the demo accounts in through the real sign-in and two-factor pages,
and drives --concurrency keep-alive connections at each of

  minimal          GET /bench/minimal/  ("ok" through the full middleware stack; measured
                   beside every page with that page's session)
  home             GET /                                   signed out, and as the ISVA
  guidance page    GET <a public guidance page>            signed out, and as the ISVA
  drop-in listing  GET /dropins/                           ISVA
  my bookings      GET /dropins/my-bookings/               ISVA
  case review      GET /scrutiny/cases/<id>/               panel member (the case a member reviews)
  meeting          GET /scrutiny/meetings/<id>/            panel member
  dashboard        GET /governance/national/               governance member

alternating each page with the minimal view (same session) in 0.5 s slices for --seconds each, so
both see the same machine load, and prints requests/s, p50/p99 latency and the page's rate as a
fraction of the minimal view's, with the CPU time per request the serving workers and the database
backends spent on each (from /proc, so it does not depend on the machine's load the way the
rates do); then the peak resident memory (VmHWM) of the serving worker(s).

Stacks (--stacks, default both):
  single      the single-process default: one daphne (config.asgi), SQLite, local-memory cache,
              in-memory channel layer. Database: var/bench-pages.sqlite3.
  production  the scale-out HTTP path (platform/README.md) started by platform/launch.py: nginx in
              front, gunicorn (--http-workers x --http-threads) for pages, PostgreSQL and Redis.
              Needs BENCH_DATABASE_URL (a throwaway PostgreSQL database; created if missing) and
              BENCH_REDIS_URL; skipped with a message otherwise.

The load generator is this script's own asyncio HTTP/1.1 client (raw sockets, keep-alive, no
parsing beyond status and length): one process, a few microseconds of CPU per request, so it
saturates neither core before the server does; the client CPU per request is printed beside the
figures so that can be checked. Loopback only; every phase is bounded by --seconds and the whole
run by the phases (about 2 minutes per stack with the defaults, after the first migrate and seed).

    .venv/bin/python bench/page_throughput.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/scrutiny_perf \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/page_throughput.py --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ != "__main__" and os.environ.get("BENCH_MINIMAL_VIEW") == "1":
    # Imported by Django as the URLconf (bench/bench_settings.py): the project's URLs plus the
    # minimal view, which passes through exactly the same middleware as every page.
    from django.contrib.auth.decorators import login_not_required
    from django.http import HttpRequest, HttpResponse
    from django.urls import include, path

    @login_not_required
    def minimal(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok", content_type="text/plain")

    urlpatterns = [path("bench/minimal/", minimal), path("", include("config.urls"))]

if __name__ == "__main__" and not __package__:
    # Run by path: run again as a module from the repository root, so `config` and `bench` import.
    os.chdir(ROOT)
    os.execv(sys.executable, [sys.executable, "-m", f"bench.{Path(__file__).stem}", *sys.argv[1:]])  # noqa: S606

DEMO_PASSWORD = "demo-password-not-for-real-use"  # noqa: S105 - published in README.md (fictional demo data)
ISVA = "isva@lantern-isva.example.org"
PANEL = "panel@dalesford-police.example.org"
GOVERNANCE = "governance@governance.example.org"
SQLITE_PATH = ROOT / "var" / "bench-pages.sqlite3"


# Stack environments -------------------------------------------------------------------------------


def stack_env(database_url: str, redis_url: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "BENCH_DATABASE_URL", "BENCH_REDIS_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
            "BENCH_MINIMAL_VIEW": "1",
            "DATABASE_URL": database_url,
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "SCRUTINY_TEST_RUN_ID": "bench",
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


DISCOVER = """
import json
from django.contrib.auth.models import AnonymousUser
from django_otp.plugins.otp_totp.models import TOTPDevice
from content.models import GuidancePage
from content.selectors import visible_pages
from scrutiny.models import AgendaItem, PanelMembership
from agencies.models import User

from scrutiny import permissions as sp, services as ss

panel = User.objects.get(email=%(panel)r)
panel_ids = PanelMembership.objects.filter(user=panel).values_list("panel_id", flat=True)
# The member opens a case the way they would in the browser: accept the current agreement and
# declare no prior involvement (through the services, which audit both), once.
agreement = sp.current_agreement()
if agreement is not None and not sp.has_accepted_current_agreement(panel):
    ss.agreement_accept(actor=panel, agreement=agreement)
item = None
for candidate in AgendaItem.objects.filter(meeting__panel_id__in=panel_ids).order_by("pk"):
    access = sp.case_access(panel, candidate.case)
    if access == sp.CaseAccess.NEEDS_DECLARATION and sp.can_declare(panel, candidate.case):
        ss.involvement_declare(actor=panel, case=candidate.case, involved=False)
        access = sp.case_access(panel, candidate.case)
    if access == sp.CaseAccess.ALLOWED:
        item = candidate
        break
guidance = visible_pages(viewer=AnonymousUser(), model=GuidancePage).order_by("pk").first()
keys = {
    d.user.email: [d.key, d.last_t]
    for d in TOTPDevice.objects.filter(confirmed=True, user__email__in=[%(panel)r, %(gov)r])
}
print("BENCH-JSON " + json.dumps({
    "guidance": guidance.url if guidance else None,
    "case": f"/scrutiny/cases/{item.case_id}/" if item else None,
    "meeting": f"/scrutiny/meetings/{item.meeting_id}/" if item else None,
    "keys": keys,
}))
"""


def prepare(env: dict[str, str]) -> dict[str, object]:
    """Migrate and seed (idempotent), and find the pages and authenticator keys to use."""
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "seed_demo", "--force")
    # Production's manifest storage: pages name hashed static files, so collect them (idempotent).
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    out = manage(env, "shell", "-c", DISCOVER % {"panel": PANEL, "gov": GOVERNANCE})
    line = next(x for x in out.splitlines() if x.startswith("BENCH-JSON "))
    return json.loads(line.removeprefix("BENCH-JSON "))


def ensure_postgres_database(url: str) -> None:
    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    with contextlib.suppress(Exception):
        import psycopg

        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')


# Servers ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(url, timeout=2) as response,  # noqa: S310 - loopback
        ):
            if response.status < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


@dataclass
class Server:
    label: str
    base: str
    process: subprocess.Popen[bytes]
    worker_names: tuple[str, ...]  # process names whose peak RSS is reported
    log: Path
    extra: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_single(env: dict[str, str]) -> Server:
    port = free_port()
    log = ROOT / "var" / "bench-pages-daphne.log"
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = Server("single process: daphne, SQLite", f"http://127.0.0.1:{port}", process, ("daphne",), log)
    wait_http(server.base + "/healthz")
    return server


def start_production(env: dict[str, str], http_workers: int, http_threads: int) -> Server:
    port = free_port()
    run = ROOT / "var" / f"bench-pages-platform-{port}"
    log = ROOT / "var" / "bench-pages-launch.log"
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable, str(ROOT / "platform" / "launch.py"),
            "--port", str(port), "--ws-workers", "1", "--no-task-worker",
            "--http-workers", str(http_workers), "--http-threads", str(http_threads),
            "--run-dir", str(run),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    label = f"production path: nginx -> gunicorn {http_workers}x{http_threads} threads, PostgreSQL, Redis"
    server = Server(label, f"http://127.0.0.1:{port}", process, ("gunicorn",), log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"platform/launch.py exited with {process.returncode}; see {log} and {run}")
        if "ready " in log.read_text(errors="replace"):
            return server
        time.sleep(0.3)
    server.stop()
    sys.exit(f"platform/launch.py not ready within 90 s; see {log}")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def _status(pid: int) -> dict[str, str]:
    out: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            out[key] = value.strip()
    return out


def worker_peaks(server: Server) -> list[tuple[int, float]]:
    """(pid, peak RSS in MiB) of the processes serving pages: daphne itself, or gunicorn's
    workers (the master forks them and serves nothing)."""
    peaks = []
    for pid in worker_pids(server):
        hwm = _status(pid).get("VmHWM", "0 kB").split()[0]
        peaks.append((pid, int(hwm) / 1024))
    return peaks


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each process has used so far (from /proc/<pid>/stat)."""
    found: dict[int, float] = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings by the processes alive at the second (a process
    that started in between counts from zero; one that exited is left out, never negative)."""
    return sum(max(0.0, used - before.get(pid, 0.0)) for pid, used in after.items())


def database_pids(database_url: str | None) -> list[int]:
    """PostgreSQL backends connected to the bench database (their titles name it)."""
    if not database_url or not database_url.startswith("postgres"):
        return []
    name = urllib.parse.urlparse(database_url).path.lstrip("/").encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                title = (entry / "cmdline").read_bytes()
                if title.startswith(b"postgres: ") and b" " + name + b" " in title:
                    found.append(int(entry.name))
    return found


def worker_pids(server: Server) -> list[int]:
    tree = _children()
    found: list[int] = []
    stack = [server.process.pid]
    while stack:
        pid = stack.pop()
        cmdline = b""
        with contextlib.suppress(OSError):
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        if any(name.encode() in cmdline for name in server.worker_names):
            found.append(pid)
        stack.extend(tree.get(pid, []))
    if "gunicorn" in server.worker_names:
        masters = {pid for pid in found if any(child in found for child in tree.get(pid, []))}
        found = [pid for pid in found if pid not in masters]
    return found


# Signing in through the real pages ----------------------------------------------------------------


def totp(hex_key: str, *, after_t: int = -1) -> str:
    """RFC 6238 code (django-otp's defaults: SHA-1, 30 s steps, 6 digits); a step already used
    (`after_t`) is skipped, as django-otp accepts each step once."""
    step = int(time.time()) // 30
    if step <= after_t:
        step = after_t + 1
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def sign_in(base: str, email: str, key: list | None) -> str:
    """Sign in (and pass two-factor authentication when the account has it); return the Cookie
    header value for the resulting session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def form_post(url: str, data: dict[str, str]) -> str:
        with opener.open(url, timeout=30) as response:  # GET: the CSRF cookie and token
            page = response.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token on {url}"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **data}).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
        with opener.open(request, timeout=30) as response:
            return response.geturl()

    landed = form_post(f"{base}/account/sign-in/", {"username": email, "password": DEMO_PASSWORD})
    if "/account/two-factor/check/" in landed:
        assert key, f"{email} needs a second factor but has no authenticator key"
        landed = form_post(landed, {"code": totp(key[0], after_t=key[1] if key[1] is not None else -1)})
    if "/account/" in urllib.parse.urlparse(landed).path:
        raise RuntimeError(f"signing in {email} ended on {landed}")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


# Load ---------------------------------------------------------------------------------------------


async def drive(
    base: str, path: str, cookie: str, seconds: float, concurrency: int
) -> tuple[list[float], dict[int, int]]:
    parts = urllib.parse.urlparse(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds
    cookie_line = f"Cookie: {cookie}\r\n" if cookie else ""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{cookie_line}Connection: keep-alive\r\n\r\n"
    ).encode()

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                writer.write(request)
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length, chunked = 0, False
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value.strip())
                    elif name.lower() == b"transfer-encoding" and b"chunked" in value.lower():
                        chunked = True
                if chunked:
                    while True:
                        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
                        await reader.readexactly(size + 2)
                        if size == 0:
                            break
                else:
                    await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1
                if b"connection: close" in head.lower():
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, statuses


@dataclass
class Row:
    label: str
    who: str
    path: str
    rate: float
    p50: float
    p99: float
    statuses: dict[int, int]
    client_cpu_us: float
    server_cpu_ms: float = float("nan")  # serving workers' CPU per request
    database_cpu_ms: float = float("nan")  # PostgreSQL backends' CPU per request
    baseline: float | None = None


def pages(found: dict[str, object]) -> list[tuple[str, str, str, float]]:
    """(label, who, path, target ratio) in the order measured."""
    out = [("home", "signed out", "/", 0.5)]
    if found.get("guidance"):
        out.append(("guidance page", "signed out", str(found["guidance"]), 0.5))
    out.append(("home", "isva", "/", 0.5))
    if found.get("guidance"):
        out.append(("guidance page", "isva", str(found["guidance"]), 0.5))
    out += [
        ("drop-in listing", "isva", "/dropins/", 0.15),
        ("my bookings", "isva", "/dropins/my-bookings/", 0.15),
    ]
    if found.get("case"):
        out.append(("case review", "panel member", str(found["case"]), 0.15))
    if found.get("meeting"):
        out.append(("meeting", "panel member", str(found["meeting"]), 0.15))
    out.append(("dashboard", "governance", "/governance/national/", 0.15))
    return out


SLICE = 0.5  # seconds: page and minimal view alternate in slices this long


def measure_pair(
    base: str,
    label: str,
    who: str,
    path: str,
    cookie: str,
    seconds: float,
    concurrency: int,
    server_pids: list[int] | None = None,
    database_url: str | None = None,
) -> tuple[Row, Row]:
    """The page and the minimal view with the same session, alternating in SLICE-second slices
    (page first, then minimal, and so on) for `seconds` each, so both see the same machine load.
    The CPU time per request of the serving workers and of the database's backends (looked up
    again for each slice: connections come and go) is noted too: a page's cost that does not
    depend on how busy the machine is."""
    server_pids = server_pids or []
    on_postgres = bool(database_url and database_url.startswith("postgres"))
    for target in (path, "/bench/minimal/"):
        asyncio.run(drive(base, target, cookie, min(1.0, seconds), 2))  # warm up
    # per target: latencies, statuses, [client CPU, server CPU, database CPU]
    collected: dict[str, tuple[list[float], dict[int, int], list[float]]] = {
        path: ([], {}, [0.0, 0.0, 0.0]),
        "/bench/minimal/": ([], {}, [0.0, 0.0, 0.0]),
    }
    slices = max(1, round(seconds / SLICE))
    for _ in range(slices):
        for target in (path, "/bench/minimal/"):
            latencies, statuses, cpu = collected[target]
            started = time.process_time()
            database_before = cpu_by_pid(database_pids(database_url))
            server_before = cpu_by_pid(server_pids)
            got, codes = asyncio.run(drive(base, target, cookie, seconds / slices, concurrency))
            cpu[0] += time.process_time() - started
            cpu[1] += cpu_used(server_before, cpu_by_pid(server_pids))
            cpu[2] += cpu_used(database_before, cpu_by_pid(database_pids(database_url)))
            latencies.extend(got)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    def row(name: str, target: str) -> Row:
        latencies, statuses, cpu = collected[target]
        latencies.sort()
        count = len(latencies)
        return Row(
            name,
            who,
            target,
            count / seconds,
            statistics.median(latencies) if latencies else float("nan"),
            latencies[int(0.99 * (count - 1))] if latencies else float("nan"),
            statuses,
            cpu[0] / max(count, 1) * 1e6,
            cpu[1] / max(count, 1) * 1e3 if server_pids else float("nan"),
            cpu[2] / max(count, 1) * 1e3 if on_postgres else float("nan"),
        )

    page, minimal = row(label, path), row("minimal view", "/bench/minimal/")
    page.baseline = minimal.rate
    return page, minimal


def run_stack(
    server: Server,
    found: dict[str, object],
    seconds: float,
    concurrency: int,
    only: list[str],
    database_url: str | None = None,
) -> None:
    keys = found.get("keys") or {}
    cookies = {
        "signed out": "",
        "isva": sign_in(server.base, ISVA, None),
        "panel member": sign_in(server.base, PANEL, keys.get(PANEL)),
        "governance": sign_in(server.base, GOVERNANCE, keys.get(GOVERNANCE)),
    }
    pairs: list[tuple[Row, Row, float]] = []
    for label, who, path, target in pages(found):
        if only and not any(word in f"{label}/{who}" for word in only):
            continue
        workers = worker_pids(server)
        page, minimal = measure_pair(
            server.base, label, who, path, cookies[who], seconds, concurrency, workers, database_url
        )
        pairs.append((page, minimal, target))
    peaks = worker_peaks(server)

    print(
        f"\n{server.label}; {concurrency} keep-alive connections; each page and the minimal view "
        f"(same session) alternate in {SLICE:.1f} s slices, {seconds:.0f} s each"
    )
    print(
        f"{'page':16} {'session':12} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'minimal':>8} "
        f"{'ratio':>6} {'target':>10} {'client us':>9} {'cpu ms':>11} {'db ms':>11}  statuses"
    )
    for page, minimal, target in pairs:
        ratio = page.rate / minimal.rate if minimal.rate else float("nan")
        verdict = f"{target:4.2f} {'ok' if ratio >= target else 'MISS'}"
        statuses = " ".join(f"{code}:{n}" for code, n in sorted(page.statuses.items()))
        print(
            f"{page.label:16} {page.who:12} {page.rate:7.1f} {page.p50 * 1000:7.1f} "
            f"{page.p99 * 1000:7.1f} {minimal.rate:8.1f} {ratio:5.2f}x {verdict:>10} "
            f"{page.client_cpu_us:9.0f} {page.server_cpu_ms:5.1f}/{minimal.server_cpu_ms:<5.1f} "
            f"{page.database_cpu_ms:5.2f}/{minimal.database_cpu_ms:<5.2f} {statuses}"
        )
    total = sum(mib for _, mib in peaks)
    detail = ", ".join(f"pid {pid}: {mib:.1f}" for pid, mib in peaks)
    print(
        "cpu ms / db ms: CPU time per request of the serving worker(s) / the PostgreSQL backends,"
        " page/minimal view (what a request costs whatever the machine's load)"
    )
    print(f"peak RSS of serving worker(s), MiB: {detail} (total {total:.1f})")
    bad = [row for page, minimal, _ in pairs for row in (page, minimal) if set(row.statuses) - {200}]
    if bad:
        print(
            "WARNING: non-200 answers above measure something other than the page: "
            + ", ".join(f"{r.label} ({r.who})" for r in bad)
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=4, help="per row (default 4, at most 60)")
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive connections (at most 64)")
    parser.add_argument("--stacks", default="single,production", help="single,production")
    parser.add_argument("--http-workers", type=int, default=2, help="gunicorn workers (production)")
    parser.add_argument("--http-threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--only",
        default="",
        help="measure only the rows whose 'page/session' contains one of these comma-separated "
        "words (e.g. 'signed out,drop-in'); default every row",
    )
    args = parser.parse_args()
    args.seconds = max(1.0, min(args.seconds, 60.0))
    args.concurrency = max(1, min(args.concurrency, 64))
    started = time.monotonic()
    stacks = [s.strip() for s in args.stacks.split(",") if s.strip()]
    only = [w.strip() for w in args.only.split(",") if w.strip()]
    (ROOT / "var").mkdir(exist_ok=True)
    for name in stacks:
        if name == "single":
            env = stack_env(f"sqlite:///{SQLITE_PATH}", None)
            found = prepare(env)
            server = start_single(env)
        elif name == "production":
            database_url = os.environ.get("BENCH_DATABASE_URL")
            redis_url = os.environ.get("BENCH_REDIS_URL")
            if not (database_url and redis_url):
                print("\nproduction path skipped: set BENCH_DATABASE_URL (PostgreSQL) and BENCH_REDIS_URL")
                continue
            ensure_postgres_database(database_url)
            env = stack_env(database_url, redis_url)
            found = prepare(env)
            server = start_production(env, args.http_workers, args.http_threads)
        else:
            sys.exit(f"unknown stack {name!r}")
        from bench.stack import print_differences

        print()
        print_differences(env)
        try:
            run_stack(server, found, args.seconds, args.concurrency, only, env.get("DATABASE_URL"))
        finally:
            server.stop()
    took = time.monotonic() - started
    print(f"(cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}; total {took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
