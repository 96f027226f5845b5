"""Free-slot search cost on a busy salon: 50 masters x 60 days x 20 appointments a day.

    python -m benchmarks.slots [--masters 50] [--days 60] [--per-day 20] [--queries 200]
                               [--postgres URL]

Builds a real SQLite file (or uses an EMPTY PostgreSQL database): every master works
08:00-22:00 every day, has a day off every week and a 5-minute buffer, and has ``--per-day``
30-minute appointments a day on random half hours (60 000 rows by default). Then it
times ``find_slots`` as the API calls it (a session of its own per query) for three shapes of
question, on random masters and days: one master one day, any master one day, one master seven
days, after reading every day once (a running service is warm). Prints p50 / p99 / max wall
time per shape, and the CPU time the process spent per query
(on a busy machine the wall time includes waiting for a core); the target is under 20 ms per
query on SQLite. The load average is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import load_settings
from bot.domain.appointments import Actor, AppointmentStatus
from bot.domain.schedules import parse_week
from bot.domain.timeutil import day_bounds
from bot.ledger.appointments import Who
from bot.ledger.catalog import create_service, create_staff
from bot.ledger.salon import ensure_salon
from bot.ledger.schedules import add_time_off, set_buffer, set_hours
from bot.ledger.slots import find_slots
from db.engine import create_engine, create_session_factory
from db.models import Appointment, Client
from migrations.runner import upgrade

ZONE = ZoneInfo("Europe/Madrid")
FIRST_DAY = date(2030, 3, 4)  # a Monday; the range crosses the spring DST change
NOW = datetime(2030, 3, 1, tzinfo=UTC)
WEEK = "daily 08:00-22:00"
OPEN_MINUTES = 14 * 60
BENCH = Who(actor=Actor.ADMIN, channel="bench")
STEP = timedelta(minutes=15)


async def populate(
    sessions: async_sessionmaker[AsyncSession], *, masters: int, days: int, per_day: int
) -> tuple[list[int], int]:
    """The salon, its masters (hours, buffer, a day off a week) and their appointments."""
    rng = random.Random(15)  # noqa: S311 - a repeatable workload, not a secret
    async with sessions() as session:
        settings = load_settings(_env_file=None, timezone=ZONE.key)
        await ensure_salon(session, settings=settings)
        service = await create_service(
            session, name="Haircut", duration_minutes=30, price=Decimal(30)
        )
        staff_ids = []
        week = parse_week(WEEK)
        for m in range(masters):
            staff = await create_staff(session, name=f"Master {m:02d}")
            staff_ids.append(staff.id)
            await set_hours(session, staff_id=staff.id, week=week, who=BENCH, now=NOW)
            await set_buffer(session, staff_id=staff.id, minutes=5, who=BENCH, now=NOW)
            for week_start in range(0, days, 7):
                lower, upper = day_bounds(FIRST_DAY + timedelta(days=week_start + m % 7), ZONE)
                await add_time_off(
                    session, staff_id=staff.id, starts_at=lower, ends_at=upper, who=BENCH, now=NOW
                )
        clients = [Client(name=f"Client {i}", phone=f"+3460{i:07d}") for i in range(1000)]
        session.add_all(clients)
        await session.flush()
        client_ids = [c.id for c in clients]
        rows = []
        for staff_id in staff_ids:
            for d in range(days):
                day = FIRST_DAY + timedelta(days=d)
                # per_day appointments of 30 min on random half hours of the 14-hour day
                halves = sorted(rng.sample(range(OPEN_MINUTES // 30), per_day))
                for half in halves:
                    local = datetime.combine(day, datetime.min.time(), tzinfo=ZONE) + timedelta(
                        hours=8, minutes=30 * half
                    )
                    starts = local.astimezone(UTC)
                    rows.append(
                        {
                            "client_id": rng.choice(client_ids),
                            "staff_id": staff_id,
                            "service_id": service.id,
                            "starts_at": starts,
                            "ends_at": starts + timedelta(minutes=30),
                            "status": AppointmentStatus.BOOKED,
                            "version": 1,
                            "source": "bench",
                            "external_id": None,
                            "late_cancel": False,
                            "double_price": False,
                        }
                    )
        for chunk in range(0, len(rows), 5000):
            await session.execute(insert(Appointment), rows[chunk : chunk + 5000])
        await session.commit()
        return staff_ids, service.id


async def measure(url: str, *, masters: int, days: int, per_day: int, queries: int) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        sessions = create_session_factory(engine)
        began = time.perf_counter()
        staff_ids, service_id = await populate(
            sessions, masters=masters, days=days, per_day=per_day
        )
        print(
            f"  {masters} masters x {days} days x {per_day} a day = "
            f"{masters * days * per_day} appointments, "
            f"built in {time.perf_counter() - began:.1f} s"
        )
        empty: list[float] = []
        for _ in range(50):
            began = time.perf_counter()
            async with sessions() as session:
                await session.scalar(select(1))
            empty.append((time.perf_counter() - began) * 1000)
        print(
            f"  an empty request (session, BEGIN, SELECT 1): p50 {statistics.median(empty):.1f} ms"
        )
        # a running service is warm: read every day once (SQLite's and the OS's page caches)
        for d in range(days):
            lower, upper = day_bounds(FIRST_DAY + timedelta(days=d), ZONE)
            async with sessions() as session:
                await find_slots(
                    session, service_id=service_id, staff_id=None, start=lower, end=upper, now=NOW
                )
        # as `showup run` does before serving: what start-up built is out of the collector's
        # sight (bot/cli/server.py), so a full collection does not walk it
        gc.collect()
        gc.freeze()
        rng = random.Random(42)  # noqa: S311 - a repeatable workload, not a secret
        shapes = (
            ("one master, one day", 1, True),
            ("any master, one day", 1, False),
            ("one master, 7 days", 7, True),
        )
        for label, span, one in shapes:
            timings: list[float] = []
            cpu = 0.0
            found = 0
            for _ in range(queries):
                first = FIRST_DAY + timedelta(days=rng.randrange(days - span + 1))
                start, _ = day_bounds(first, ZONE)
                _, end = day_bounds(first + timedelta(days=span - 1), ZONE)
                began, began_cpu = time.perf_counter(), time.process_time()
                async with sessions() as session:
                    slots = await find_slots(
                        session,
                        service_id=service_id,
                        staff_id=rng.choice(staff_ids) if one else None,
                        start=start,
                        end=end,
                        now=NOW,
                        step=STEP,
                    )
                timings.append((time.perf_counter() - began) * 1000)
                cpu += (time.process_time() - began_cpu) * 1000
                found += len(slots)
            timings.sort()
            p50 = statistics.median(timings)
            p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
            print(
                f"  {label:<20} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  max {timings[-1]:6.1f} ms"
                f"  (CPU {cpu / queries:4.1f} ms a query; {found / queries:.0f} free starts, "
                f"{queries} queries)"
            )
    finally:
        await engine.dispose()


def _load() -> str:
    try:
        return " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--masters", type=int, default=50)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--per-day", type=int, default=20)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--postgres", help="postgresql+asyncpg://… of an EMPTY database to use")
    args = parser.parse_args()
    sizes = {
        "masters": args.masters,
        "days": args.days,
        "per_day": args.per_day,
        "queries": args.queries,
    }
    with tempfile.TemporaryDirectory() as tmp:
        print(f"sqlite (a file on disk); load average {_load()} on {os.cpu_count()} CPU(s)")
        asyncio.run(measure(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", **sizes))
    if args.postgres:
        print("postgres")
        asyncio.run(measure(args.postgres, **sizes))


if __name__ == "__main__":
    main()
