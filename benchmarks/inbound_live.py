"""Inbound through the real stack: real ``showup run`` processes in Telegram webhook mode, each
update POSTed over HTTP (secret check → stored in the inbound queue → 200), claimed by the
worker, handled by aiogram → hub → dialog → database, and answered over HTTP to the Bot API
emulator. Every update comes from another client, who confirms their appointment.

Two phases: a steady rate (open loop: an update every 1/rate s whatever the answers do) giving
the acknowledgement latency and the handling lag (acknowledged → answer received), then a burst
as fast as the webhook takes them, giving the sustained handling throughput.

    .venv/bin/python -m benchmarks.inbound_live [--rate 200] [--seconds 10] [--burst 2000]
        [--database postgresql+asyncpg://postgres@127.0.0.1:5432/bench --processes 2]
        [--warmup 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from benchmarks.inbound import _salon
from bot.config import Settings, load_settings
from db.engine import create_engine, create_session_factory
from migrations.runner import upgrade
from tests.cli.helpers import free_port as _free_port
from tests.fakes.telegram_api import TOKEN, BotApiEmulator

SECRET = "bench-secret-0123456789"  # noqa: S105 - the emulator's, not a secret
FIRST_CHAT = 10_000
RESENT: list[int] = []  # updates sent again after a dropped connection


class Stamps:
    """When each chat got its first answer, read off the emulator every few milliseconds."""

    def __init__(self, api: BotApiEmulator) -> None:
        self.api = api
        self.first: dict[int, float] = {}
        self._seen = 0

    async def watch(self) -> None:
        while True:
            calls = self.api.calls
            now = time.perf_counter()
            for call in calls[self._seen :]:
                if call.method == "sendMessage":
                    self.first.setdefault(int(call.params["chat_id"]), now)
            self._seen = len(calls)
            await asyncio.sleep(0.005)


def _cpu_seconds(processes: list[subprocess.Popen[str]]) -> float | None:
    """User plus system CPU time the ShowUp processes have used so far (Linux), or None.
    Unlike throughput it barely depends on what else the machine is doing."""
    total = 0.0
    for process in processes:
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _client(connections: int) -> aiohttp.ClientSession:
    """aiohttp rather than httpx: at 100 updates/s and more, httpx's own CPU (in this process,
    beside the emulator) delayed the requests by seconds, and that was measured as the
    acknowledgement's latency."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=connections),
        timeout=aiohttp.ClientTimeout(total=30),
    )


async def _post(
    http: aiohttp.ClientSession, base: str, api: BotApiEmulator, chat: int
) -> tuple[int, float, float]:
    update = {"update_id": chat, **api.message_update(chat, "Да, конечно приду")}
    started = time.perf_counter()
    for attempt in range(1, 6):
        try:
            async with http.post(
                f"{base}/webhooks/telegram",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            ) as response:
                await response.read()
            break
        except (aiohttp.ClientConnectionError, TimeoutError):
            # as Telegram does: a connection dropped before the answer is delivered again
            # (stored once: the update id is the same); the latency counts from the first try
            RESENT.append(chat)
            if attempt == 5:
                raise
    done = time.perf_counter()
    return response.status, done - started, done


async def steady(
    api: BotApiEmulator, stamps: Stamps, bases: list[str], *, rate: float, seconds: float
) -> None:
    count = int(rate * seconds)
    chats = range(FIRST_CHAT, FIRST_CHAT + count)
    async with _client(256) as http:
        start = time.perf_counter()
        tasks = []
        for n, chat in enumerate(chats):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(_post(http, bases[n % len(bases)], api, chat)))
        results = await asyncio.gather(*tasks)
    acks = [latency for code, latency, _ in results if code == 200]
    refused = sum(1 for code, _, _ in results if code != 200)
    answered = [chat for chat, (code, _, _) in zip(chats, results, strict=True) if code == 200]
    while not all(chat in stamps.first for chat in answered):  # noqa: ASYNC110 - as below
        await asyncio.sleep(0.05)
    lags = [
        stamps.first[chat] - acked
        for chat, (code, _, acked) in zip(chats, results, strict=True)
        if code == 200
    ]
    print(
        f"steady {rate:.0f} updates/s for {seconds:.0f} s ({count} updates, {refused} refused, "
        f"{len(RESENT)} sent again after a dropped connection):"
    )
    print(
        f"  acknowledgement p50 {statistics.median(acks) * 1000:.1f} ms, "
        f"p99 {_percentile(acks, 0.99) * 1000:.1f} ms, max {max(acks) * 1000:.1f} ms"
    )
    print(
        f"  handling lag (acknowledged → answer received) p50 {statistics.median(lags) * 1000:.0f}"
        f" ms, p99 {_percentile(lags, 0.99) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms"
    )


async def warm_up(
    api: BotApiEmulator, stamps: Stamps, bases: list[str], *, first: int, count: int
) -> None:
    """A few updates, one after another, before anything is measured: the first ones compile
    the queries and templates and load the locale data (hundreds of milliseconds), which a
    running service has done long before."""
    async with _client(8) as http:
        for chat in range(first, first + count):
            code, _, _ = await _post(http, bases[chat % len(bases)], api, chat)
            assert code == 200, code
            while chat not in stamps.first:  # noqa: ASYNC110 - polls the emulator's record
                await asyncio.sleep(0.005)


async def burst(
    api: BotApiEmulator, stamps: Stamps, bases: list[str], *, first: int, count: int
) -> None:
    chats = list(range(first, first + count))
    pending = list(chats)
    async with _client(64) as http:
        start = time.perf_counter()

        async def sender(k: int) -> None:
            while pending:
                chat = pending.pop()
                code, _, _ = await _post(http, bases[k % len(bases)], api, chat)
                assert code == 200, code

        await asyncio.gather(*(sender(k) for k in range(32)))
        posted = time.perf_counter() - start
    while not all(chat in stamps.first for chat in chats):  # noqa: ASYNC110 - as above
        await asyncio.sleep(0.01)
    last = max(stamps.first[chat] for chat in chats) - start
    print(
        f"burst of {count}: all acknowledged in {posted:.2f} s ({count / posted:,.0f}/s), "
        f"all answered in {last:.2f} s → {count / last:,.0f} updates/s handled"
    )


def _start(tmp: Path, settings: Settings, port: int, name: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWUP_")}
    env.update(
        {
            "SHOWUP_DATABASE_URL": settings.database_url,
            "SHOWUP_VAR_DIR": str(tmp),
            "SHOWUP_TIMEZONE": "Europe/Madrid",
            "SHOWUP_API_PORT": str(port),
            "SHOWUP_API_TOKEN": "bench-token-0123456789",
            "SHOWUP_TELEGRAM_TOKEN": TOKEN,
            "SHOWUP_TELEGRAM_API_BASE": str(settings.telegram_api_base),
            "SHOWUP_TELEGRAM_WEBHOOK_URL": "https://bench.example/webhooks/telegram",
            "SHOWUP_TELEGRAM_WEBHOOK_SECRET": SECRET,
            "SHOWUP_CHAT_MIN_INTERVAL": "0s",
            "SHOWUP_TELEGRAM_RATE_LIMIT": "1000",
            "SHOWUP_QUIET_HOURS": "off",
            "SHOWUP_LOG_LEVEL": "WARNING",
        }
    )
    log = (tmp / f"{name}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], env=env, stdout=log, stderr=log, text=True
    )


async def _healthy(base: str, log: Path) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(1200):
            try:
                if (await http.get(f"{base}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    output = await asyncio.to_thread(log.read_text)
    raise SystemExit(f"showup run at {base} did not start:\n{output}")


async def run(args: argparse.Namespace) -> None:
    api = BotApiEmulator(TOKEN)
    await api.start()
    steady_count = int(args.rate * args.seconds)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        settings = load_settings(
            _env_file=None,
            database_url=args.database or f"sqlite+aiosqlite:///{tmp}/bench.db",
            var_dir=tmp,
            timezone="Europe/Madrid",
            telegram_token=TOKEN,
            telegram_api_base=api.base,
        )
        engine = create_engine(settings.database_url)
        await upgrade(engine)
        sessions: async_sessionmaker[AsyncSession] = create_session_factory(engine)
        print(f"booking {steady_count + args.burst} clients…", flush=True)
        await _salon(settings, sessions, steady_count + args.burst + args.warmup, start=_soon())
        await engine.dispose()
        ports = [_free_port() for _ in range(args.processes)]
        processes = [_start(tmp, settings, port, f"p{n}") for n, port in enumerate(ports)]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        stamps = Stamps(api)
        watcher = asyncio.create_task(stamps.watch())
        try:
            for n, base in enumerate(bases):
                await _healthy(base, tmp / f"p{n}.log")
            print(
                f"{args.processes} process(es), {settings.database_url.split(':')[0]}, "
                f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
                flush=True,
            )
            if args.warmup:
                await warm_up(
                    api,
                    stamps,
                    bases,
                    first=FIRST_CHAT + steady_count + args.burst,
                    count=args.warmup,
                )
            wall, mine, theirs = time.perf_counter(), time.process_time(), _cpu_seconds(processes)
            await steady(api, stamps, bases, rate=args.rate, seconds=args.seconds)
            wall, mine = time.perf_counter() - wall, time.process_time() - mine
            used = _cpu_seconds(processes)
            if used is not None and theirs is not None:
                print(
                    f"  CPU in the steady phase: ShowUp {(used - theirs) / wall:.0%} of a core, "
                    f"this benchmark (sender and emulator) {mine / wall:.0%}"
                )
            before = _cpu_seconds(processes)
            await burst(api, stamps, bases, first=FIRST_CHAT + steady_count, count=args.burst)
            after = _cpu_seconds(processes)
            if before is not None and after is not None:
                per = (after - before) / args.burst * 1000
                print(
                    f"  CPU of the ShowUp process(es) in the burst: {per:.1f} ms per update "
                    f"(one core's ceiling ≈ {1000 / per:,.0f} updates/s)"
                )
        except Exception:
            for n in range(len(processes)):
                log = (tmp / f"p{n}.log").read_text(errors="replace").splitlines()
                print(f"--- the last lines of process {n}'s log:", *log[-30:], sep="\n")
            raise
        finally:
            watcher.cancel()
            for process in processes:
                process.send_signal(signal.SIGINT)
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            await api.stop()


def _soon() -> datetime:
    """Appointments the day after tomorrow, so that "yes, I'll come" confirms them."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=200, help="updates per second (steady)")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--database", help="a database URL (default: a fresh SQLite file)")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument(
        "--warmup", type=int, default=20, help="updates handled before measuring (0: none)"
    )
    args: Any = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
