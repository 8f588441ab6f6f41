"""Page throughput with observability on against the same stack with it off, in one run (issue 19).

Two stacks, both started by platform/launch.py with the same nginx and gunicorn configuration
(--http-workers x --http-threads), the same PostgreSQL database, Redis and demo data:

  on   bench/bench_settings.py: production settings (changed only for plain HTTP on loopback), so
       JSON logs at INFO through the request-ID filter, the request-ID and metrics middleware, the
       metered cache, and PROMETHEUS_MULTIPROC_DIR set to a fresh directory (as the systemd unit
       sets it) with a METRICS_TOKEN, as a deployment runs
  off  bench/observability_off_settings.py: the same, with the request-ID and metrics middleware,
       the observability app and the cache's counting taken out, logging at WARNING to a null
       handler and no multiprocess directory (bench only; never a production switch)

Both settings modules' differences from production are printed first. Then, round after round,
for each page a slice of requests to one stack then the other (which goes first alternating with
the round, bench.page_ratios.schedule), --concurrency keep-alive connections each, with the same
session (signed in once through the real sign-in and two-factor pages: both stacks share the
database and the session store). A round's ratio is the page's requests/s with observability on
over off in the slice next to it, so both saw the same machine load; the table gives the median
over the rounds and their spread (lowest-highest). Beside it, the CPU time per request of each
stack's gunicorn workers (from /proc, summed over the run), which does not depend on the load.

Pages: the project's own /bench/minimal/ ("ok" through the whole middleware stack: where the
observability's fixed cost per request weighs most), the signed-out home (its shared copy), a
guidance page signed out, and the ISVA's home and drop-in listing (signed in).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/scrutiny_obs \\
    BENCH_REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/observability_overhead.py

Options: --rounds 8 (at most 40), --slice 0.5 seconds (at most 5), --concurrency 4 (at most 32),
--http-workers 2, --http-threads 4, --target 0.95 (the ratio the verdict compares the median with),
--only WORD,..., --control (both stacks on: what the bench reads between two identical stacks).
About a minute plus rounds x pages x 2 slices, after the first migrate, seed and collectstatic.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and not __package__:
    # Run by path: run again as a module from the repository root, so `config` and `bench` import.
    os.chdir(ROOT)
    os.execv(sys.executable, [sys.executable, "-m", f"bench.{Path(__file__).stem}", *sys.argv[1:]])  # noqa: S606

if TYPE_CHECKING:
    from bench.page_ratios import Launched

ON_SETTINGS = "bench.bench_settings"
OFF_SETTINGS = "bench.observability_off_settings"
METRICS_TOKEN = "bench-loopback-metrics-token"  # noqa: S105 - loopback only, for the check below
TARGET = 0.95  # issue 19: throughput within 5 % with logging and metrics on


@dataclass(frozen=True)
class Page:
    label: str
    who: str  # "signed out" or a key of the cookies
    path: str


def plan(found: dict[str, object]) -> list[Page]:
    out = [
        Page("full-stack minimal", "signed out", "/bench/minimal/"),
        Page("home", "signed out", "/"),
    ]
    if found.get("guidance"):
        out.append(Page("guidance page", "signed out", str(found["guidance"])))
    out += [Page("home", "isva", "/"), Page("drop-in listing", "isva", "/dropins/")]
    return out


def stack_envs(database_url: str, redis_url: str, metrics_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(on, off): the page bench's environment, with production's observability settings made
    explicit on the on side (whatever the calling shell has) and left out on the off side."""
    from bench.page_throughput import stack_env

    base = {
        k: v
        for k, v in stack_env(database_url, redis_url).items()
        if k not in {"PROMETHEUS_MULTIPROC_DIR", "METRICS_TOKEN", "LOG_LEVEL", "LOG_FORMAT", "SENTRY_DSN"}
    }
    on = {
        **base,
        "DJANGO_SETTINGS_MODULE": ON_SETTINGS,
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "METRICS_TOKEN": METRICS_TOKEN,
    }
    off = {**base, "DJANGO_SETTINGS_MODULE": OFF_SETTINGS}
    return on, off


@dataclass
class Measured:
    ratios: list[float] = field(default_factory=list)
    on_rates: list[float] = field(default_factory=list)
    off_rates: list[float] = field(default_factory=list)
    on_requests: int = 0
    off_requests: int = 0
    on_cpu: float = 0.0  # seconds of the on stack's gunicorn workers over all its slices
    off_cpu: float = 0.0
    statuses: dict[str, dict[int, int]] = field(default_factory=lambda: {"on": {}, "off": {}})


def cpu_ms(seconds: float, requests: int) -> float:
    return seconds / requests * 1e3 if requests else float("nan")


def verdict(ratios: Sequence[float], target: float = TARGET) -> str:
    from bench.page_ratios import summarise

    s = summarise(ratios)
    if s.count == 0:
        return "?"
    if s.median >= target:
        return "ok" if s.low >= target else "ok (median)"
    return "MISS"


def gunicorn_workers(process: subprocess.Popen[bytes]) -> list[int]:
    """The gunicorn workers (not the master) under a launched stack."""
    from bench.page_throughput import Server, worker_pids

    return worker_pids(Server("", "", process, ("gunicorn",), Path()))


def measure(
    bases: dict[str, str],
    workers: dict[str, list[int]],
    pages: list[Page],
    cookies: dict[str, str],
    *,
    rounds: int,
    slice_seconds: float,
    concurrency: int,
) -> dict[str, Measured]:
    from bench.page_ratios import drive, ratio, schedule
    from bench.page_throughput import cpu_by_pid, cpu_used

    keys = [f"{p.label} ({p.who})" for p in pages]
    by_key = dict(zip(keys, pages, strict=True))
    results = {key: Measured() for key in keys}
    for p in pages:  # warm up both
        for base in bases.values():
            asyncio.run(drive(base, p.path, cookies[p.who], 0.5, 2))
    for _, key, order in schedule(keys, rounds):
        p, m = by_key[key], results[key]
        rates: dict[str, float] = {}
        for side in order:
            name = "on" if side == "A" else "off"
            before = cpu_by_pid(workers[name])
            rate, codes = asyncio.run(drive(bases[name], p.path, cookies[p.who], slice_seconds, concurrency))
            used = cpu_used(before, cpu_by_pid(workers[name]))
            rates[name] = rate
            count = sum(codes.values())
            if name == "on":
                m.on_cpu += used
                m.on_requests += count
            else:
                m.off_cpu += used
                m.off_requests += count
            for code, n in codes.items():
                m.statuses[name][code] = m.statuses[name].get(code, 0) + n
        m.on_rates.append(rates["on"])
        m.off_rates.append(rates["off"])
        m.ratios.append(ratio(rates["on"], rates["off"]))
    return results


def report(results: dict[str, Measured], args: argparse.Namespace) -> list[str]:
    from bench.page_ratios import summarise

    print(
        f"\nnginx -> gunicorn {args.http_workers}x{args.http_threads} threads, both stacks; "
        f"{args.rounds} rounds of {args.slice:.1f} s slices, on and off interleaved, "
        f"{args.concurrency} keep-alive connections"
    )
    print(
        f"{'page (session)':32} {'on req/s':>8} {'off req/s':>9} {'on/off':>7} {'spread':>13} "
        f"{'cpu ms on/off':>15} {'cpu on/off':>10} {'verdict':>12}  statuses on | off"
    )
    bad = []
    for key, m in results.items():
        s = summarise(m.ratios)
        on_ms, off_ms = cpu_ms(m.on_cpu, m.on_requests), cpu_ms(m.off_cpu, m.off_requests)
        cpu_ratio = off_ms / on_ms if on_ms else float("nan")
        statuses = " | ".join(
            " ".join(f"{code}:{n}" for code, n in sorted(m.statuses[side].items())) for side in ("on", "off")
        )
        if any(set(m.statuses[side]) - {200} for side in ("on", "off")):
            bad.append(key)
        print(
            f"{key:32} {statistics.median(m.on_rates):8.1f} {statistics.median(m.off_rates):9.1f} "
            f"{s.median:6.3f}x {s.low:5.2f}-{s.high:5.2f}x {on_ms:7.2f}/{off_ms:<7.2f} {cpu_ratio:9.3f}x "
            f"{verdict(m.ratios, args.target):>12}  {statuses}"
        )
    print(
        "on/off: median over the rounds of on's req/s over off's in the next slice (>= "
        f"{args.target:.2f} is within {100 - args.target * 100:.0f} %); spread: lowest-highest round; "
        "cpu ms: the gunicorn workers' CPU time per request over the run; cpu on/off: off's CPU per "
        "request over on's (the throughput ratio the CPU alone predicts, whatever the load)"
    )
    if bad:
        print("WARNING: non-200 answers: these rows measure something other than the page: " + ", ".join(bad))
    return bad


def gunicorn_base(log: Path) -> str:
    """The launched stack's gunicorn address (its "ready" line), behind nginx: nginx replaces the
    app's X-Request-ID with its own, so the app's is seen only there."""
    ready = next(x for x in log.read_text(errors="replace").splitlines() if x.startswith("ready "))
    port = next(w for w in ready.split() if w.startswith("gunicorn=")).split("=", 1)[1]
    return f"http://127.0.0.1:{port}"


def check_sides(stacks: dict[str, Launched], metrics_dir: Path) -> None:
    """The two stacks differ as intended: on's gunicorn answers with an X-Request-ID and its
    /metrics (from the multiprocess directory) counts requests; off's sends no request ID."""
    ids = {}
    for name, stack in stacks.items():
        with urllib.request.urlopen(gunicorn_base(stack.log) + "/healthz/live", timeout=10) as response:  # noqa: S310
            ids[name] = response.headers.get("X-Request-ID")
    request = urllib.request.Request(  # noqa: S310
        stacks["on"].base + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        counted = sum(
            float(line.rsplit(" ", 1)[1])
            for line in response.read().decode().splitlines()
            if line.startswith("scrutiny_http_requests_total{")
        )
    files = sorted(p.name for p in metrics_dir.glob("*.db"))
    print(
        f"check: X-Request-ID from gunicorn directly: on {ids['on']!r}, off {ids['off']!r}; on's "
        f"/metrics counts {counted:.0f} requests, from {len(files)} files in PROMETHEUS_MULTIPROC_DIR"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=8, help="rounds (default 8, at most 40)")
    parser.add_argument("--slice", type=float, default=0.5, help="seconds per slice (default 0.5, at most 5)")
    parser.add_argument("--concurrency", type=int, default=4, help="keep-alive connections (default 4)")
    parser.add_argument("--http-workers", type=int, default=2, help="gunicorn workers, both stacks")
    parser.add_argument("--http-threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--target", type=float, default=TARGET, help="on/off ratio to meet (0.95)")
    parser.add_argument(
        "--control",
        action="store_true",
        help="both stacks observability on (an A/A run): the on/off column then shows what the "
        "bench itself reads as a difference between two identical stacks",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated words; measure only pages whose 'label (session)' has one"
    )
    args = parser.parse_args()
    args.rounds = max(1, min(args.rounds, 40))
    args.slice = max(0.1, min(args.slice, 5.0))
    args.concurrency = max(1, min(args.concurrency, 32))
    database_url = os.environ.get("BENCH_DATABASE_URL")
    redis_url = os.environ.get("BENCH_REDIS_URL")
    if not (database_url and database_url.startswith("postgres") and redis_url):
        print("observability_overhead needs BENCH_DATABASE_URL (PostgreSQL) and BENCH_REDIS_URL")
        return 2
    from bench import page_throughput as pt
    from bench.page_ratios import launch
    from bench.stack import print_differences

    started = time.monotonic()
    (ROOT / "var").mkdir(exist_ok=True)
    metrics_dir = ROOT / "var" / f"bench-observability-metrics-{os.getpid()}"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    on_env, off_env = stack_envs(database_url, redis_url, metrics_dir)
    if args.control:
        off_env = {**on_env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir) + "-control"}
        shutil.rmtree(off_env["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
        Path(off_env["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True)
        print("CONTROL RUN: both stacks have observability on; 'off' below is a second 'on' stack")
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print_differences(on_env, module=ON_SETTINGS)
    if not args.control:
        print_differences(off_env, module=OFF_SETTINGS)
    pt.ensure_postgres_database(database_url)
    found = pt.prepare(on_env)
    pages = plan(found)
    only = [w.strip() for w in args.only.split(",") if w.strip()]
    if only:
        pages = [p for p in pages if any(w in f"{p.label} ({p.who})" for w in only)]
    extra = ["--ws-workers", "1", "--no-task-worker"]
    stacks = {}
    try:
        stacks["on"] = launch("obs-on", on_env, extra, args.http_workers, args.http_threads)
        stacks["off"] = launch("obs-off", off_env, extra, args.http_workers, args.http_threads)
        bases = {name: s.base for name, s in stacks.items()}
        cookies = {"signed out": "", "isva": pt.sign_in(bases["on"], pt.ISVA, None)}
        workers = {name: gunicorn_workers(s.process) for name, s in stacks.items()}
        results = measure(
            bases,
            workers,
            pages,
            cookies,
            rounds=args.rounds,
            slice_seconds=args.slice,
            concurrency=args.concurrency,
        )
        if not args.control:
            check_sides(stacks, metrics_dir)
    finally:
        for s in stacks.values():
            s.stop()
        shutil.rmtree(metrics_dir, ignore_errors=True)
        shutil.rmtree(str(metrics_dir) + "-control", ignore_errors=True)
    bad = report(results, args)
    took = time.monotonic() - started
    print(
        f"(cores: {os.cpu_count()}; load average at end {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
        f"total {took:.0f} s)"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
