"""Memory per idle WebSocket connection (measures), in the same run:

  limit          a plain `websockets` server that keeps the sockets open (the floor)
  bare channels  daphne + a channels consumer that only joins a group (in-memory layer)
  RealtimeConsumer  daphne + config.asgi's /ws/notifications/ (session auth, a user group, the
                 control group and the re-check timer of agencies.realtime.consumers.RealtimeConsumer)

For each server: warm up with a few connections, read the process's resident memory (VmRSS),
open --connections more idle sockets, wait for it to settle, read it again; the difference divided
by the number of sockets is the cost of one idle connection. Loopback only, about a minute.

    .venv/bin/python bench/idle_memory.py --connections 1000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and not __package__:
    # Run by path: run again as a module from the repository root, so `config` and `bench` import.
    os.chdir(ROOT)
    os.execv(sys.executable, [sys.executable, "-m", f"bench.{Path(__file__).stem}", *sys.argv[1:]])  # noqa: S606


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def wait_port(port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


async def serve_limit(port: int) -> None:
    from websockets.asyncio.server import serve

    async def handler(ws: Any) -> None:
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", port, ping_interval=None):
        await asyncio.Future()


async def open_many(url: str, count: int, headers: dict[str, str], origin: str) -> list[Any]:
    import websockets
    from websockets.asyncio.client import connect

    sockets: list[Any] = []

    async def one() -> None:
        for attempt in range(3):  # a loaded machine occasionally drops a handshake (daphne: 5 s)
            try:
                ws = await connect(
                    url, additional_headers=headers, origin=origin, ping_interval=None, open_timeout=30
                )
                break
            except (OSError, websockets.exceptions.InvalidHandshake):
                if attempt == 2:
                    raise
                await asyncio.sleep(0.5)
        sockets.append(ws)

    for start in range(0, count, 100):
        await asyncio.gather(*(one() for _ in range(min(100, count - start))))
    return sockets


async def measure(pid: int, url: str, count: int, headers: dict[str, str], origin: str) -> float:
    warm = await open_many(url, 20, headers, origin)
    await asyncio.sleep(1.5)
    before = rss_kib(pid)
    sockets = await open_many(url, count, headers, origin)
    await asyncio.sleep(3)
    after = rss_kib(pid)
    await asyncio.gather(*(ws.close() for ws in [*warm, *sockets]), return_exceptions=True)
    return (after - before) / count


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--serve-limit", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_limit:
        asyncio.run(serve_limit(args.serve_limit))
        return 0

    # The RealtimeConsumer run needs a database with a signed-in person: reuse the dashboard
    # benchmark's throwaway SQLite file and its preparation.
    from bench.dashboard_throughput import prepare
    from bench.stack import print_differences

    print(
        "settings: the bare-consumer rows configure channels alone (bench/fanout.py); the "
        "RealtimeConsumer row runs config.asgi with:"
    )
    print_differences()
    cookie = prepare()
    results = []
    configs = [
        ("limit (websockets)", [sys.executable, __file__, "--serve-limit", "{port}"], {}, "/", False),
        *(
            (
                label,
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    "{port}",
                    "bench.fanout:application",
                ],
                {
                    "BENCH_FANOUT_ROLE": "daphne",
                    "BENCH_LAYER": "channels.layers.InMemoryChannelLayer",
                    "BENCH_REDIS_URL": "",
                    "BENCH_CONSUMER": consumer,
                },
                "/",
                False,
            )
            # Channels' own pattern (a layer channel per socket) and the hub's (bench/fanout.py)
            for label, consumer in (("bare consumer, per socket", "socket"), ("bare consumer, hub", "hub"))
        ),
        (
            "RealtimeConsumer",
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", "{port}", "config.asgi:application"],
            {},
            "/ws/notifications/",
            True,
        ),
    ]
    for label, command, extra_env, path, authenticated in configs:
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT), **extra_env}
        log = (ROOT / "var" / f"bench-idle-{port}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603
            [part.format(port=port) for part in command],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_port(port)
            headers = {"Cookie": cookie} if authenticated else {}
            origin = f"http://127.0.0.1:{port}"
            per = asyncio.run(
                measure(process.pid, f"ws://127.0.0.1:{port}{path}", args.connections, headers, origin)
            )
            results.append((label, per, rss_kib(process.pid)))
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(f"\nMemory per idle connection ({args.connections} sockets after 20 warm-up sockets)")
    print(f"{'server':26} {'KiB/connection':>15} {'x limit':>8}")
    base = results[0][1] or 1
    for label, per, _ in results:
        print(f"{label:26} {per:15.1f} {per / base:7.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
