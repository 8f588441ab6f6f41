"""Each page's throughput as a ratio of a true minimal Django view's, on the production stack.

Two stacks, each started by platform/launch.py with the same nginx and gunicorn configuration
(--http-workers x --http-threads), on loopback:

  baseline  bench/minimal_project/: a Django project with Django's default middleware only and one
            view returning HttpResponse("ok") (--wsgi-app bench.minimal_project.wsgi:application)
  project   config.wsgi with bench/bench_settings.py (production settings changed only for plain
            HTTP on loopback; the differences are printed first), PostgreSQL and Redis, the demo
            data (seed_demo), the demo accounts signed in through the real sign-in and two-factor
            pages

and, round after round, a slice of baseline requests then a slice of one page's requests (A B A B
..., which of the pair goes first alternating with the round), --concurrency keep-alive
connections each. A page's ratio in a round is its requests/s over the baseline's in the slice
next to it, so both saw the same machine load; the table gives the median over the rounds and
their spread (lowest-highest). The project's own /bench/minimal/ view ("ok" through the project's
whole middleware stack) is measured the same way as a second reference, and every page's ratio
to it (in the same round) is printed beside.

Pages (issue 18's table): signed-out home from the shared copy (cached) and rendered each time
(uncached: a different query string per request, so no copy ever matches), the ISVA's home, the
drop-in listing and my bookings, the panel member's case list and case review, the national
governance dashboard.

    createdb -h 127.0.0.1 -U postgres scrutiny_ratios      # a throwaway database (created if missing)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/scrutiny_ratios \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/page_ratios.py --quick

Options: --rounds 5 (at most 30), --slice 0.5 seconds (at most 5), --concurrency 4 (at most 32),
--http-workers 2, --http-threads 4, --quick (3 rounds of 0.4 s slices). About a minute after the
first migrate, seed and collectstatic.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and not __package__:
    # Run by path: run again as a module from the repository root, so `config` and `bench` import.
    os.chdir(ROOT)
    os.execv(sys.executable, [sys.executable, "-m", f"bench.{Path(__file__).stem}", *sys.argv[1:]])  # noqa: S606

MINIMAL_APP = "bench.minimal_project.wsgi:application"
MINIMAL_SETTINGS = "bench.minimal_project.settings"
FULL_STACK_MINIMAL = "full-stack minimal"
# issue 18's targets, as a fraction of the true minimal view's requests/s
TARGET_CACHED = 1.0
TARGET_UNCACHED = 0.3
TARGET_SIGNED_IN = 0.2


@dataclass(frozen=True)
class Target:
    label: str
    who: str  # whose session: "signed out" or a key of the cookies
    path: str  # "{n}" is replaced by a per-request counter
    target: float | None  # issue 18's ratio, None for a reference


# Interleaving and statistics (pure; tests/bench/test_page_ratios.py) -------------------------------


def schedule(targets: Sequence[str], rounds: int) -> Iterator[tuple[int, str, tuple[str, str]]]:
    """(round, target, order) for each pair of slices: every target once per round, in the same
    order, each pair being the baseline ("A") and the target ("B"), with which goes first
    alternating from round to round (A B in even rounds, B A in odd ones) so neither side always
    runs just after the other."""
    for index in range(rounds):
        order = ("A", "B") if index % 2 == 0 else ("B", "A")
        for name in targets:
            yield index, name, order


@dataclass(frozen=True)
class Summary:
    median: float
    low: float
    high: float
    count: int

    @property
    def spread(self) -> float:
        """Highest minus lowest, as a fraction of the median (0 when every round agreed)."""
        return (self.high - self.low) / self.median if self.median else float("nan")


def summarise(values: Sequence[float]) -> Summary:
    """Median and range of the rounds' values (NaN rounds, where a side answered nothing, are left
    out; a summary of nothing is NaN)."""
    kept = sorted(v for v in values if v == v)
    if not kept:
        nan = float("nan")
        return Summary(nan, nan, nan, 0)
    return Summary(statistics.median(kept), kept[0], kept[-1], len(kept))


def ratio(page_rate: float, baseline_rate: float) -> float:
    return page_rate / baseline_rate if baseline_rate > 0 else float("nan")


def relative(page_ratios: Sequence[float], reference_ratios: Sequence[float]) -> list[float]:
    """Each round's page ratio over the reference's ratio in the same round (both measured against
    the true minimal view): the page against the reference, with the machine's load cancelled."""
    if len(page_ratios) != len(reference_ratios):
        raise ValueError("one ratio per round on both sides")
    return [ratio(p, r) for p, r in zip(page_ratios, reference_ratios, strict=True)]


def verdict(summary: Summary, target: float | None) -> str:
    if target is None:
        return "reference"
    if summary.count == 0:
        return f">= {target:.1f}x ?"
    return f">= {target:.1f}x {'ok' if summary.median >= target else 'MISS'}"


# Load --------------------------------------------------------------------------------------------


async def drive(
    base: str, path: str, cookie: str, seconds: float, concurrency: int
) -> tuple[float, dict[int, int]]:
    """Requests per second over `concurrency` keep-alive connections for about `seconds`, and their
    statuses. No request starts after `seconds`; the ones in flight then are waited for and counted,
    over the time they really took (a slow page's last requests would otherwise inflate its rate).
    A "{n}" in the path becomes a counter, so every request asks for a different URL."""
    parts = urllib.parse.urlparse(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    statuses: dict[int, int] = {}
    counter = [0]
    started = time.perf_counter()
    deadline = started + seconds
    cookie_line = f"Cookie: {cookie}\r\n" if cookie else ""

    def request() -> bytes:
        counter[0] += 1
        target = path.replace("{n}", f"{os.getpid()}-{time.monotonic_ns()}-{counter[0]}")
        return (
            f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n{cookie_line}Connection: keep-alive\r\n\r\n"
        ).encode()

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                writer.write(request())
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
                statuses[status] = statuses.get(status, 0) + 1
                if b"connection: close" in head.lower():
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return sum(statuses.values()) / (time.perf_counter() - started), statuses


# Stacks ------------------------------------------------------------------------------------------


@dataclass
class Launched:
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def launch(
    name: str, env: dict[str, str], extra: list[str], http_workers: int, http_threads: int
) -> Launched:
    from bench.page_throughput import free_port

    port = free_port()
    run = ROOT / "var" / f"bench-ratios-{name}-{port}"
    log = ROOT / "var" / f"bench-ratios-{name}.log"
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable, str(ROOT / "platform" / "launch.py"), "--port", str(port), "--run-dir", str(run),
            "--http-workers", str(http_workers), "--http-threads", str(http_threads), *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    launched = Launched(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"platform/launch.py ({name}) exited with {process.returncode}; see {log} and {run}")
        if "ready " in log.read_text(errors="replace"):
            return launched
        time.sleep(0.3)
    launched.stop()
    sys.exit(f"platform/launch.py ({name}) not ready within 120 s; see {log}")


PANEL_OF_CASE = """
from scrutiny.models import Case
print("BENCH-JSON " + str(Case.objects.get(pk=%(case)d).panel_id))
"""


def targets(found: dict[str, object], panel_id: int | None) -> list[Target]:
    out = [
        Target(FULL_STACK_MINIMAL, "signed out", "/bench/minimal/", None),
        Target("home, cached", "signed out", "/", TARGET_CACHED),
        Target("home, uncached", "signed out", "/?uncached={n}", TARGET_UNCACHED),
        Target("ISVA home", "isva", "/", TARGET_SIGNED_IN),
        Target("drop-in listing", "isva", "/dropins/", TARGET_SIGNED_IN),
        Target("my bookings", "isva", "/dropins/my-bookings/", TARGET_SIGNED_IN),
    ]
    if panel_id is not None:
        out.append(
            Target("case list", "panel member", f"/scrutiny/panels/{panel_id}/cases/", TARGET_SIGNED_IN)
        )
    if found.get("case"):
        out.append(Target("case review", "panel member", str(found["case"]), TARGET_SIGNED_IN))
    out.append(Target("governance dashboard", "governance", "/governance/national/", TARGET_SIGNED_IN))
    return out


@dataclass
class Measured:
    ratios: list[float] = field(default_factory=list)
    page_rates: list[float] = field(default_factory=list)
    baseline_rates: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    baseline_statuses: dict[int, int] = field(default_factory=dict)


def measure(
    baseline: str,
    project: str,
    plan: list[Target],
    cookies: dict[str, str],
    *,
    rounds: int,
    slice_seconds: float,
    concurrency: int,
) -> dict[str, Measured]:
    by_label = {t.label: t for t in plan}
    results = {t.label: Measured() for t in plan}
    asyncio.run(drive(baseline, "/", "", 0.5, 2))  # warm up
    for t in plan:
        asyncio.run(drive(project, t.path, cookies[t.who], 0.5, 2))
    for _, label, order in schedule([t.label for t in plan], rounds):
        t = by_label[label]
        rates: dict[str, float] = {}
        for side in order:
            if side == "A":
                rate, codes = asyncio.run(drive(baseline, "/", "", slice_seconds, concurrency))
                into = results[label].baseline_statuses
            else:
                rate, codes = asyncio.run(drive(project, t.path, cookies[t.who], slice_seconds, concurrency))
                into = results[label].statuses
            rates[side] = rate
            for code, n in codes.items():
                into[code] = into.get(code, 0) + n
        results[label].page_rates.append(rates["B"])
        results[label].baseline_rates.append(rates["A"])
        results[label].ratios.append(ratio(rates["B"], rates["A"]))
    return results


def report(plan: list[Target], results: dict[str, Measured], args: argparse.Namespace) -> None:
    reference = results[FULL_STACK_MINIMAL].ratios
    print(
        f"\nnginx -> gunicorn {args.http_workers}x{args.http_threads} threads, both stacks; "
        f"{args.rounds} rounds of {args.slice:.1f} s slices, baseline and page interleaved, "
        f"{args.concurrency} keep-alive connections"
    )
    print(
        f"{'page':22} {'session':12} {'req/s':>7} {'minimal':>8} {'ratio':>6} {'spread':>13} "
        f"{'vs full-stack':>13} {'target':>13}  statuses"
    )
    bad = []
    for t in plan:
        m = results[t.label]
        s = summarise(m.ratios)
        vs = summarise(relative(m.ratios, reference))
        statuses = " ".join(f"{code}:{n}" for code, n in sorted(m.statuses.items()))
        if set(m.statuses) - {200} or set(m.baseline_statuses) - {200}:
            bad.append(t.label)
        print(
            f"{t.label:22} {t.who:12} {statistics.median(m.page_rates):7.1f} "
            f"{statistics.median(m.baseline_rates):8.1f} {s.median:5.2f}x {s.low:5.2f}-{s.high:5.2f}x "
            f"{vs.median:12.2f}x {verdict(s, t.target):>13}  {statuses}"
        )
    print(
        "ratio: median over the rounds of the page's req/s over the true minimal view's in the next "
        "slice; spread: lowest-highest round; vs full-stack: the same ratio against the project's "
        "own /bench/minimal/ (the whole middleware stack, no page)"
    )
    if bad:
        print("WARNING: non-200 answers: these rows measure something other than the page: " + ", ".join(bad))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5, at most 30)")
    parser.add_argument("--slice", type=float, default=0.5, help="seconds per slice (default 0.5, at most 5)")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="keep-alive connections (default 4, at most 32)"
    )
    parser.add_argument(
        "--http-workers", type=int, default=2, help="gunicorn workers, both stacks (default 2)"
    )
    parser.add_argument("--http-threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--quick", action="store_true", help="3 rounds of 0.4 s slices")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.slice = 3, 0.4
    args.rounds = max(1, min(args.rounds, 30))
    args.slice = max(0.1, min(args.slice, 5.0))
    args.concurrency = max(1, min(args.concurrency, 32))
    database_url = os.environ.get("BENCH_DATABASE_URL")
    redis_url = os.environ.get("BENCH_REDIS_URL")
    if not (database_url and database_url.startswith("postgres") and redis_url):
        print(
            "page_ratios needs the production stack: set BENCH_DATABASE_URL (PostgreSQL) and BENCH_REDIS_URL"
        )
        return 2
    from bench import page_throughput as pt
    from bench.stack import print_differences

    started = time.monotonic()
    (ROOT / "var").mkdir(exist_ok=True)
    env = pt.stack_env(database_url, redis_url)
    print_differences(env)
    pt.ensure_postgres_database(database_url)
    found = pt.prepare(env)
    panel_id = None
    if found.get("case"):
        case_id = int(str(found["case"]).rstrip("/").rsplit("/", 1)[1])
        out = pt.manage(env, "shell", "-c", PANEL_OF_CASE % {"case": case_id})
        panel_id = json.loads(
            next(x for x in out.splitlines() if x.startswith("BENCH-JSON ")).split(" ", 1)[1]
        )
    minimal_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"} and not k.startswith("BENCH_")
    }
    minimal_env.update({"PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
    baseline = launch(
        "minimal",
        minimal_env,
        ["--wsgi-app", MINIMAL_APP, "--settings", MINIMAL_SETTINGS],
        args.http_workers,
        args.http_threads,
    )
    try:
        project = launch(
            "project", env, ["--ws-workers", "1", "--no-task-worker"], args.http_workers, args.http_threads
        )
        try:
            keys = found.get("keys") or {}
            cookies = {
                "signed out": "",
                "isva": pt.sign_in(project.base, pt.ISVA, None),
                "panel member": pt.sign_in(project.base, pt.PANEL, keys.get(pt.PANEL)),
                "governance": pt.sign_in(project.base, pt.GOVERNANCE, keys.get(pt.GOVERNANCE)),
            }
            plan = targets(found, panel_id)
            results = measure(
                baseline.base,
                project.base,
                plan,
                cookies,
                rounds=args.rounds,
                slice_seconds=args.slice,
                concurrency=args.concurrency,
            )
        finally:
            project.stop()
    finally:
        baseline.stop()
    report(plan, results, args)
    took = time.monotonic() - started
    print(f"(cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}; total {took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
