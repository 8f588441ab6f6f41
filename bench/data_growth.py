"""Page latency and query counts at small and at 100x data (measures; issue 8 §2).

Builds two throwaway databases from the demo data (`seed_demo`) plus generated rows
(bench/fixtures.py: bulk inserts, the time each takes is printed):

  small   1,000 bookings, 100 cases, 50 guidance pages
  large   100,000 bookings, 10,000 cases, 5,000 guidance pages (the small database copied, then grown)

then starts one worker process per database (Django's test client through the full middleware
stack, in process: the figures are the pages' own cost, not the network's) and asks them for the
same page in turn, alternating which goes first, so both sizes are measured under the same machine
load. For each page (home and a guidance page signed out and as the ISVA, the guidance index,
drop-in listing, my bookings, case list, case review and meeting as the panel member, the national
dashboard): two warm-up requests per worker, then --requests timed requests per size; it prints
p50/p99 latency at each size, their ratio, and the query counts seen at each size; the steady
(smallest) count must be unchanged (the command exits 1 if one is not; a second count such as
20/23 is a periodic write, e.g. the idle-timeout activity stamp saved every 15 s for MFA roles).
Caches are cleared after the bulk inserts (they bypass the signals that renew the content caches)
and warmed by the warm-up requests, as on a running site.

The viewer's own data grows too: the ISVA books one seat of every generated session (2,000 of the
100,000 bookings at large, 20 at small; the rest belong to generated ISVAs of the same agency, in
sessions of an extra schedule in the ISVA's area, so the listing's count and pagination see them),
and the added cases are copies of a released case of the panel member's own panel (their case list,
paginated, is measured as "case list").

    .venv/bin/python bench/data_growth.py        # SQLite: var/bench-growth-{small,large}.sqlite3
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/scrutiny_growth \
        .venv/bin/python bench/data_growth.py     # PostgreSQL: <name>_small and <name>_large
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The host the in-process test client names: one of the loopback hosts bench_settings allows.
HOST = "127.0.0.1"
if __name__ == "__main__" and not __package__:
    # Run by path: run again as a module from the repository root, so `config` and `bench` import.
    os.chdir(ROOT)
    os.execv(sys.executable, [sys.executable, "-m", f"bench.{Path(__file__).stem}", *sys.argv[1:]])  # noqa: S606

PANEL_MEMBER = "panel@dalesford-police.example.org"
SMALL = {"bookings": 1_000, "cases": 100, "guidance": 50}
LARGE = {"bookings": 100_000, "cases": 10_000, "guidance": 5_000}


def database_urls() -> tuple[str, str]:
    """Two throwaway databases: small and large."""
    base = os.environ.get("BENCH_DATABASE_URL")
    if base:
        parts = urllib.parse.urlparse(base)
        name = parts.path.lstrip("/")
        return (
            parts._replace(path=f"/{name}_small").geturl(),
            parts._replace(path=f"/{name}_large").geturl(),
        )
    return (
        f"sqlite:///{ROOT / 'var' / 'bench-growth-small.sqlite3'}",
        f"sqlite:///{ROOT / 'var' / 'bench-growth-large.sqlite3'}",
    )


def _postgres(url: str, statement: str) -> None:
    import psycopg

    admin = urllib.parse.urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(statement)


def drop(url: str) -> None:
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        name = urllib.parse.urlparse(url).path.lstrip("/")
        _postgres(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy(small: str, large: str) -> None:
    drop(large)
    if small.startswith("sqlite"):
        shutil.copyfile(small.removeprefix("sqlite:///"), large.removeprefix("sqlite:///"))
    else:
        source = urllib.parse.urlparse(small).path.lstrip("/")
        target = urllib.parse.urlparse(large).path.lstrip("/")
        _postgres(small, f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def child_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "BENCH_DATABASE_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
            "DATABASE_URL": url,
            "SCRUTINY_TEST_RUN_ID": "bench-growth",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def setup_django() -> None:
    import django

    django.setup()


def build(sizes: dict[str, int], *, seed: bool) -> dict[str, float]:
    """(In a child process.) Migrate and seed if asked, then grow to `sizes`."""
    from django.core.cache import cache
    from django.core.management import call_command

    if seed:
        call_command("migrate", verbosity=0)
        call_command("seed_demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
        # Production's manifest storage: pages name hashed static files, so collect them once.
        call_command("collectstatic", interactive=False, verbosity=0)
    from agencies.models import Agency, User
    from bench import fixtures
    from content.models import GuidanceIndexPage

    isva = User.objects.get(email="isva@lantern-isva.example.org")
    host = User.objects.get(email="host@dalesford-cps.example.org")
    template = growth_template(User.objects.get(email=PANEL_MEMBER))
    took = {
        "bookings": fixtures.grow_bookings(
            total=sizes["bookings"],
            area_agency=isva.agency,
            host_agency=Agency.objects.get(pk=host.agency_id),
            viewer=isva,
        ),
        "cases": fixtures.grow_cases(total=sizes["cases"], template=template),
        "guidance": fixtures.grow_guidance(
            total=sizes["guidance"], index=GuidanceIndexPage.objects.live().first()
        ),
    }
    cache.clear()
    return took


def growth_template(member: Any) -> Any:
    """The case the added cases copy: a released case of the panel member's own panel, so their
    case list grows with the data (any case when they have none)."""
    from scrutiny.models import Case, CaseStatus, PanelMembership

    own_panels = PanelMembership.objects.filter(user=member, ended_at__isnull=True).values("panel_id")
    return (
        Case.objects.filter(panel_id__in=own_panels, status=CaseStatus.RELEASED).order_by("pk").first()
        or Case.objects.order_by("pk").first()
    )


def clients() -> tuple[dict[str, object], dict[str, str]]:
    """Signed-in test clients (two-factor passed, as after the real sign-in) and page URLs."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from agencies.models import User
    from content.models import GuidanceIndexPage, GuidancePage
    from content.selectors import visible_pages
    from scrutiny import permissions as sp
    from scrutiny import services as ss
    from scrutiny.models import AgendaItem, PanelMembership

    def signed_in(email: str) -> Client:
        user = User.objects.get(email=email)
        client = Client(HTTP_HOST=HOST)
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    panel = User.objects.get(email=PANEL_MEMBER)
    agreement = sp.current_agreement()
    if agreement is not None and not sp.has_accepted_current_agreement(panel):
        ss.agreement_accept(actor=panel, agreement=agreement)
    item = None
    panel_ids = PanelMembership.objects.filter(user=panel).values_list("panel_id", flat=True)
    for candidate in AgendaItem.objects.filter(meeting__panel_id__in=panel_ids).order_by("pk"):
        access = sp.case_access(panel, candidate.case)
        if access == sp.CaseAccess.NEEDS_DECLARATION and sp.can_declare(panel, candidate.case):
            ss.involvement_declare(actor=panel, case=candidate.case, involved=False)
            access = sp.case_access(panel, candidate.case)
        if access == sp.CaseAccess.ALLOWED:
            item = candidate
            break
    template: Any = growth_template(panel)
    guidance = visible_pages(viewer=AnonymousUser(), model=GuidancePage).order_by("pk").first()
    index = GuidanceIndexPage.objects.live().first()
    urls = {
        "guidance": guidance.url if guidance else "",
        "index": index.url if index else "",
        "case": f"/scrutiny/cases/{item.case_id}/" if item else "",
        "meeting": f"/scrutiny/meetings/{item.meeting_id}/" if item else "",
        "case list": f"/scrutiny/panels/{template.panel_id}/cases/" if template else "",
    }
    return {
        "signed out": Client(HTTP_HOST=HOST),
        "isva": signed_in("isva@lantern-isva.example.org"),
        "panel member": signed_in(panel.email),
        "governance": signed_in("governance@governance.example.org"),
    }, urls


PAGES = (
    "home",
    "guidance page",
    "guidance index",
    "drop-in listing",
    "my bookings",
    "case list",
    "case review",
    "meeting",
    "dashboard",
)


def plan(urls: dict[str, str]) -> list[tuple[str, str, str]]:
    rows = [("home", "signed out", "/"), ("guidance page", "signed out", urls["guidance"])]
    rows += [
        ("home", "isva", "/"),
        ("guidance page", "isva", urls["guidance"]),
        ("guidance index", "isva", urls["index"]),
        ("drop-in listing", "isva", "/dropins/"),
        ("my bookings", "isva", "/dropins/my-bookings/"),
        ("case list", "panel member", urls["case list"]),
        ("case review", "panel member", urls["case"]),
        ("meeting", "panel member", urls["meeting"]),
        ("dashboard", "governance", "/governance/national/"),
    ]
    assert {label for label, _, _ in rows} <= set(PAGES), rows
    return [row for row in rows if row[2]]


def one_request(client: object, path: str) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        took = time.perf_counter() - started
    return took, len(captured.captured_queries), response.status_code


def serve() -> None:
    """(In a child process.) Answer requests named on stdin, one JSON line each on stdout."""
    sessions, urls = clients()
    rows = plan(urls)
    print(json.dumps({"rows": rows, "counts": counts()}), flush=True)
    for line in sys.stdin:
        index = int(line)
        label, who, path = rows[index]
        took, queries, status = one_request(sessions[who], path)
        print(json.dumps([took, queries, status]), flush=True)


def counts() -> str:
    from agencies.dropins.models import Booking
    from content.models import GuidancePage
    from scrutiny.models import Case

    return (
        f"{Booking.objects.count():,} bookings, {Case.objects.count():,} cases, "
        f"{GuidancePage.objects.count():,} guidance pages"
    )


def run_child(url: str, *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.data_growth", *args],
        cwd=ROOT,
        env=child_env(url),
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"data_growth {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


class Worker:
    def __init__(self, url: str) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "bench.data_growth", "--serve"],
            cwd=ROOT,
            env=child_env(url),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        hello = json.loads(self._line())
        self.rows = [tuple(r) for r in hello["rows"]]
        self.counts = hello["counts"]

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            sys.exit("a data_growth worker exited early")
        return line

    def ask(self, index: int) -> tuple[float, int, int]:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{index}\n")
        self.process.stdin.flush()
        took, queries, status = json.loads(self._line())
        return float(took), int(queries), int(status)

    def stop(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page and size (<= 200)")
    parser.add_argument(
        "--pages",
        help="measure only these pages (comma-separated labels as printed, e.g. 'case review,meeting'); "
        "the databases are built in full either way",
    )
    parser.add_argument("--build", choices=["small", "large"], help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build or args.serve:
        setup_django()
        if args.serve:
            serve()
            return 0
        took = build(SMALL if args.build == "small" else LARGE, seed=args.build == "small")
        print("BENCH-JSON " + json.dumps(took))
        return 0

    args.requests = max(5, min(args.requests, 200))
    wanted = {name.strip() for name in args.pages.split(",")} if args.pages else None
    if wanted is not None and not wanted <= set(PAGES):
        parser.error(f"--pages: unknown page(s) {sorted(wanted - set(PAGES))}; pages: {', '.join(PAGES)}")
    started = time.monotonic()
    (ROOT / "var").mkdir(exist_ok=True)
    small_url, large_url = database_urls()
    from bench.stack import print_differences

    print_differences(child_env(small_url))
    drop(small_url)
    if not small_url.startswith("sqlite"):
        _postgres(small_url, f'CREATE DATABASE "{urllib.parse.urlparse(small_url).path.lstrip("/")}"')

    def took_of(out: str) -> dict[str, float]:
        return json.loads(next(x for x in out.splitlines() if x.startswith("BENCH-JSON ")).split(" ", 1)[1])

    took_small = took_of(run_child(small_url, "--build", "small"))
    copy(small_url, large_url)
    took_large = took_of(run_child(large_url, "--build", "large"))

    small, large = Worker(small_url), Worker(large_url)
    try:
        rows = small.rows
        assert rows == large.rows, (rows, large.rows)
        measured = [i for i, (label, _, _) in enumerate(rows) if wanted is None or label in wanted]
        results: dict[int, tuple[list[float], list[float], set[int], set[int], set[int], set[int]]] = {}
        for index in measured:
            for worker in (small, large):
                worker.ask(index)
                worker.ask(index)  # warm-up: per-process and shared caches, as on a running site
            s_times: list[float] = []
            l_times: list[float] = []
            s_q: set[int] = set()
            l_q: set[int] = set()
            s_st: set[int] = set()
            l_st: set[int] = set()
            for i in range(args.requests):
                # Interleaved, alternating which goes first: both sizes see the same machine load.
                order = [(small, s_times, s_q, s_st), (large, l_times, l_q, l_st)]
                for worker, times, queries, statuses in order if i % 2 == 0 else reversed(order):
                    took, q, status = worker.ask(index)
                    times.append(took)
                    queries.add(q)
                    statuses.add(status)
            results[index] = (s_times, l_times, s_q, l_q, s_st, l_st)
        small_counts, large_counts = small.counts, large.counts
    finally:
        small.stop()
        large.stop()

    print(f"\nsmall: {small_counts}")
    print(f"large: {large_counts}")
    print(
        "bulk inserts, seconds: "
        + ", ".join(f"{k} {took_small[k] + took_large[k]:.1f}" for k in ("bookings", "cases", "guidance"))
    )
    print(
        f"{args.requests} requests per page and size, small and large interleaved, after 2 warm-up "
        "requests each; in-process test client, full middleware stack\n"
    )
    print(
        f"{'page':16} {'session':12} {'p50 small':>9} {'p50 large':>9} {'x':>5} "
        f"{'p99 small':>9} {'p99 large':>9} {'x':>5} {'queries':>9}  status"
    )

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[int(q * (len(ordered) - 1))]

    changed = []
    over = []
    for index in measured:
        label, who, _ = rows[index]
        s_times, l_times, s_q, l_q, s_st, l_st = results[index]
        s50, l50 = statistics.median(s_times), statistics.median(l_times)
        s99, l99 = pct(s_times, 0.99), pct(l_times, 0.99)
        sq = "/".join(str(q) for q in sorted(s_q))
        lq = "/".join(str(q) for q in sorted(l_q))
        # A count seen only sometimes is a periodic write (the idle-timeout activity stamp is
        # saved at most every 15 s for MFA roles): compare the steady (smallest) count.
        if min(s_q) != min(l_q):
            changed.append(f"{label} ({who})")
        if l50 / s50 > 1.2:
            over.append(f"{label} ({who}) {l50 / s50:.2f}x")
        statuses = ",".join(str(x) for x in sorted(s_st | l_st))
        print(
            f"{label:16} {who:12} {s50 * 1000:7.1f}ms {l50 * 1000:7.1f}ms {l50 / s50:4.2f}x "
            f"{s99 * 1000:7.1f}ms {l99 * 1000:7.1f}ms {l99 / s99:4.2f}x {sq:>4}->{lq:<4}  {statuses}"
        )
    database = small_url.split("://")[0]
    took = time.monotonic() - started
    load = os.getloadavg()[0]
    print(f"(database: {database}; cores: {os.cpu_count()}; load average {load:.1f}; total {took:.0f} s)")
    print("p50 at 100x within 1.2x of small: " + ("every page" if not over else "NOT " + ", ".join(over)))
    if changed:
        print("query counts CHANGED with the data: " + ", ".join(changed))
        return 1
    print("query counts unchanged on every page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
