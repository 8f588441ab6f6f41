"""Broadcast fan-out: time until every connected client has an event (not a test: it measures).

For each client count (default 500, 1,000, 2,000), in the same run on the same machine:

  limit     a plain `websockets` broadcast server (one process): the floor for "N sockets get a
            frame" on this machine
  core      2 daphne workers, channels-redis RedisChannelLayer (what settings use), clients split
            between the workers, the event sent with group_send
  pubsub    the same with channels-redis RedisPubSubChannelLayer

Each broadcast carries a round number; its fan-out time is from just before the send until the
last of the N clients has it. Prints p50/p99 over --rounds broadcasts, and each channels figure as
a multiple of the limit. Loopback only; bounded by --budget seconds overall (configurations that
would start after the budget is spent are reported as skipped).

The daphne workers run a consumer that joins one group and forwards each event (what
RealtimeConsumer does minus its per-user re-read, which bench/dashboard_throughput.py measures).

    .venv/bin/python bench/fanout.py                      # private redis-server, 500/1000/2000
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/fanout.py --clients 500 --rounds 20
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GROUP = "bench.fanout"
CORE = "channels_redis.core.RedisChannelLayer"
PUBSUB = "channels_redis.pubsub.RedisPubSubChannelLayer"
# name -> (channel layer, consumer): "socket" is channels' own pattern (a layer channel per socket,
# each event received and dispatched by every socket's consumer); "hub" is agencies.realtime.fanout (one
# subscription per process, one batch per event), what RealtimeConsumer uses.
CONFIGS = {
    "hub": (CORE, "hub"),
    "socket": (CORE, "socket"),
    "hub-pubsub": (PUBSUB, "hub"),
    "socket-pubsub": (PUBSUB, "socket"),
}


def _layer_config(backend: str, redis_url: str) -> dict[str, Any]:
    if not redis_url:
        return {"default": {"BACKEND": backend}}  # the in-memory layer (bench/idle_memory.py)
    host: dict[str, Any] = {"address": redis_url, "socket_connect_timeout": 1}
    if backend.endswith("RedisChannelLayer"):
        host["socket_timeout"] = 15  # see config/settings/base.py
    return {"default": {"BACKEND": backend, "CONFIG": {"hosts": [host], "prefix": "bench-fanout"}}}


# --- The daphne side: imported by daphne as `bench.fanout:application` ---------------------------
if os.environ.get("BENCH_FANOUT_ROLE") == "daphne":
    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="bench-only",  # noqa: S106 - loopback benchmark, no sessions
        INSTALLED_APPS=["channels"],
        CHANNEL_LAYERS=_layer_config(os.environ["BENCH_LAYER"], os.environ["BENCH_REDIS_URL"]),
    )
    django.setup()
    from channels.db import database_sync_to_async
    from channels.generic.websocket import AsyncWebsocketConsumer

    from agencies.realtime import fanout

    class SocketConsumer(AsyncWebsocketConsumer):
        """Channels' own pattern: every socket joins the group on its own layer channel."""

        async def connect(self) -> None:
            await self.channel_layer.group_add(GROUP, self.channel_name)
            await self.accept()

        async def disconnect(self, code: int) -> None:
            await self.channel_layer.group_discard(GROUP, self.channel_name)

        async def bench_event(self, message: dict[str, Any]) -> None:
            await self.send(text_data=message["text"])

    class HubConsumer(AsyncWebsocketConsumer):
        """agencies.realtime.fanout, shaped like RealtimeConsumer.deliver_batch: one thread hop per event
        for the whole batch (where RealtimeConsumer re-checks and renders per socket), then a
        write per socket."""

        channel_layer_alias = None

        async def connect(self) -> None:
            await fanout.hub().join(GROUP, self)
            await self.accept()

        async def disconnect(self, code: int) -> None:
            await fanout.hub().leave(GROUP, self)

        @classmethod
        async def deliver_batch(cls, consumers: list[Any], message: dict[str, Any]) -> None:
            frames = await database_sync_to_async(lambda: [message["text"] for _ in consumers])()
            for consumer, frame in zip(consumers, frames, strict=True):
                await consumer.send(text_data=frame)

        async def connection_lost(self) -> None:
            await self.close(code=4012)

    application = (HubConsumer if os.environ["BENCH_CONSUMER"] == "hub" else SocketConsumer).as_asgi()


# --- The limit: a plain websockets broadcast server ----------------------------------------------
async def serve_limit(port: int) -> None:
    import websockets
    from websockets.asyncio.server import serve

    clients: set[Any] = set()

    async def handler(ws: Any) -> None:
        if ws.request.path == "/control":
            async for message in ws:
                websockets.broadcast(clients, message)
            return
        clients.add(ws)
        try:
            await ws.wait_closed()
        finally:
            clients.discard(ws)

    async with serve(handler, "127.0.0.1", port, max_queue=None, ping_interval=None):
        await asyncio.Future()


# --- Harness --------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


class Private:
    """Processes this run started (and only those), stopped at the end."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-fanout-"))

    def start(self, command: list[str], env: dict[str, str] | None = None, name: str = "p") -> None:
        log = (self.tmp / f"{name}-{len(self.processes)}.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                command, cwd=ROOT, env=env or os.environ.copy(), stdout=log, stderr=subprocess.STDOUT
            )  # noqa: S603
        )

    def stop_last(self) -> None:
        process = self.processes.pop()
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        self.processes.clear()

    def cleanup(self) -> None:
        self.stop_all()
        shutil.rmtree(self.tmp, ignore_errors=True)


class Crowd:
    """N websocket clients in this process; each broadcast round is complete when all have it."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.sockets: list[Any] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.counts: dict[int, int] = {}
        self.done: dict[int, asyncio.Event] = {}
        self.finished_at: dict[int, float] = {}

    async def connect(self, urls: list[str]) -> None:
        import websockets
        from websockets.asyncio.client import connect

        async def one(index: int) -> None:
            for attempt in range(3):  # a loaded machine occasionally drops a handshake
                try:
                    ws = await connect(
                        urls[index % len(urls)], max_queue=None, ping_interval=None, open_timeout=30
                    )
                    break
                except (OSError, websockets.exceptions.InvalidHandshake):
                    if attempt == 2:
                        raise
                    await asyncio.sleep(0.5)
            self.sockets.append(ws)
            self.tasks.append(asyncio.create_task(self._read(ws)))

        for start in range(0, self.n, 100):
            await asyncio.gather(*(one(i) for i in range(start, min(self.n, start + 100))))

    async def _read(self, ws: Any) -> None:
        with contextlib.suppress(Exception):
            async for message in ws:
                round_id = json.loads(message)["round"]
                count = self.counts.get(round_id, 0) + 1
                self.counts[round_id] = count
                if count == self.n:
                    self.finished_at[round_id] = time.perf_counter()
                    self.done[round_id].set()

    def expect(self, round_id: int) -> asyncio.Event:
        self.done[round_id] = asyncio.Event()
        return self.done[round_id]

    async def close(self) -> None:
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def measure(crowd: Crowd, send: Any, rounds: int, timeout: float = 15) -> list[float | None]:
    results: list[float | None] = []
    await asyncio.sleep(0.5)  # let subscriptions settle
    for round_id in range(rounds):
        event = crowd.expect(round_id)
        started = time.perf_counter()
        await send(json.dumps({"round": round_id, "sent": time.time()}))
        try:
            await asyncio.wait_for(event.wait(), timeout)
            results.append(crowd.finished_at[round_id] - started)
        except TimeoutError:
            results.append(None)
        await asyncio.sleep(0.2)
    return results


def summary(samples: list[float | None]) -> tuple[float | None, float | None, int]:
    good = sorted(s for s in samples if s is not None)
    lost = len(samples) - len(good)
    if not good:
        return None, None, lost
    p99 = good[min(len(good) - 1, round(0.99 * (len(good) - 1)))]
    return statistics.median(good), p99, lost


async def run_limit(n: int, rounds: int, private: Private) -> list[float | None]:
    from websockets.asyncio.client import connect

    port = free_port()
    private.start([sys.executable, __file__, "--serve-limit", str(port)], name="limit")
    wait_port(port)
    crowd = Crowd(n)
    await crowd.connect([f"ws://127.0.0.1:{port}/"])
    control = await connect(f"ws://127.0.0.1:{port}/control", ping_interval=None)
    try:
        return await measure(crowd, control.send, rounds)
    finally:
        await control.close()
        await crowd.close()
        private.stop_last()


async def run_channels(
    backend: str, n: int, rounds: int, ports: list[int], redis_url: str
) -> list[float | None]:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    crowd = Crowd(n)
    await crowd.connect([f"ws://127.0.0.1:{p}/" for p in ports])

    async def send(text: str) -> None:
        await layer.group_send(GROUP, {"type": "bench.event", "group": GROUP, "text": text})

    try:
        return await measure(crowd, send, rounds)
    finally:
        await crowd.close()
        await asyncio.sleep(0.5)


def start_daphnes(backend: str, consumer: str, redis_url: str, workers: int, private: Private) -> list[int]:
    ports = [free_port() for _ in range(workers)]
    env = {
        **os.environ,
        "BENCH_FANOUT_ROLE": "daphne",
        "BENCH_LAYER": backend,
        "BENCH_CONSUMER": consumer,
        "BENCH_REDIS_URL": redis_url,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for port in ports:
        private.start(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "bench.fanout:application"],
            env=env,
            name="daphne",
        )
    for port in ports:
        wait_port(port)
    return ports


def fmt(value: float | None) -> str:
    return "   -   " if value is None else f"{value * 1000:7.1f}"


async def main_async(args: argparse.Namespace) -> int:
    print(
        "settings: none of the project's: each daphne worker configures channels alone "
        "(settings.configure: INSTALLED_APPS ['channels'] and the channel layer under test), as does "
        "the plain websockets server beside it"
    )
    private = Private()
    private_redis: Private | None = None
    redis_url = os.environ.get("REDIS_URL", "")
    try:
        if not redis_url:
            port = free_port()
            private_redis = Private()
            private_redis.start(
                [
                    shutil.which("redis-server") or "/usr/bin/redis-server",
                    "--port",
                    str(port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                name="redis",
            )
            wait_port(port)
            redis_url = f"redis://127.0.0.1:{port}/0"
        counts = [int(c) for c in args.clients.split(",")]
        started = time.monotonic()
        rows: list[tuple[str, int, list[float | None]]] = []

        def budget_left() -> bool:
            return time.monotonic() - started < args.budget

        import django
        from django.conf import settings

        settings.configure(SECRET_KEY="bench-only", INSTALLED_APPS=["channels"], CHANNEL_LAYERS={})  # noqa: S106
        django.setup()
        from channels.layers import channel_layers

        # Every configuration's workers start up front, so each client count is measured for all
        # of them back to back (the machine's load then affects them alike).
        workers = {
            name: start_daphnes(*CONFIGS[name], redis_url, args.workers, private)
            for name in args.configs.split(",")
        }
        for n in counts:
            if not budget_left():
                rows.append(("limit (websockets)", n, []))
                rows.extend((f"{name} ({args.workers} daphne)", n, []) for name in workers)
                continue
            rows.append(("limit (websockets)", n, await run_limit(n, args.rounds, private)))
            for name, ports in workers.items():
                settings.CHANNEL_LAYERS = _layer_config(CONFIGS[name][0], redis_url)
                channel_layers.backends.clear()
                samples = await run_channels(CONFIGS[name][0], n, args.rounds, ports, redis_url)
                rows.append((f"{name} ({args.workers} daphne)", n, samples))
        private.stop_all()
        limits = {n: summary(s)[0] for label, n, s in rows if label.startswith("limit")}
        print(
            f"\nBroadcast fan-out, {args.rounds} broadcasts each;"
            " milliseconds until every client has the event"
        )
        print(
            f"{'configuration':24} {'clients':>7} {'p50 ms':>8} {'p99 ms':>8}"
            f" {'lost':>5} {'x limit (p50)':>14}"
        )
        for label, n, samples in rows:
            if not samples:
                print(f"{label:24} {n:7d}  skipped: --budget {args.budget:.0f} s spent")
                continue
            p50, p99, lost = summary(samples)
            limit = limits.get(n)
            ratio = f"{p50 / limit:13.1f}x" if p50 and limit else "            -"
            print(f"{label:24} {n:7d} {fmt(p50)} {fmt(p99)} {lost:5d} {ratio}")
        print(
            f"(total {time.monotonic() - started:.0f} s; cores: {os.cpu_count()};"
            f" redis: {redis_url.rsplit('@', 1)[-1]})"
        )
        return 0
    finally:
        private.cleanup()
        if private_redis is not None:
            private_redis.cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", default="500,1000,2000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--configs", default="hub,socket", help=f"comma-separated, of: {', '.join(CONFIGS)}")
    parser.add_argument(
        "--budget", type=float, default=100, help="seconds; client counts not started by then are skipped"
    )
    parser.add_argument("--serve-limit", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_limit:
        asyncio.run(serve_limit(args.serve_limit))
        return 0
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
