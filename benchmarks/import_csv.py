"""CSV import throughput: rows per second into a fresh, migrated database.

    python -m benchmarks.import_csv [--rows 2000 10000] [--postgres URL]

Prints first-import and re-import (all rows unchanged) rates for each size.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import load_settings
from bot.ledger.catalog import create_service, create_staff
from bot.ledger.csv_import import ImportOptions, import_rows, read_rows
from bot.ledger.salon import ensure_salon
from db.engine import create_engine, create_session_factory
from migrations.runner import upgrade

ZONE = ZoneInfo("Europe/Madrid")
MASTERS = 20


def make_csv(rows: int) -> str:
    """``rows`` appointments spread over 20 masters, one per master per hour: no overlaps."""
    lines = ["external_id,client_name,client_phone,service,staff,start"]
    day = datetime(2030, 1, 7, 9, 0)  # noqa: DTZ001 - salon wall-clock time
    for i in range(rows):
        slot = i // MASTERS
        start = day + timedelta(days=slot // 10, hours=slot % 10)
        lines.append(
            f"B{i},Client {i},+3460{i:07d},Haircut,Master {i % MASTERS},{start:%Y-%m-%d %H:%M}"
        )
    return "\n".join(lines) + "\n"


async def measure(url: str, rows: int) -> tuple[float, float]:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        sessions = create_session_factory(engine)
        async with sessions() as session:
            await ensure_salon(session, settings=load_settings(_env_file=None, database_url=url))
            for m in range(MASTERS):
                await create_staff(session, name=f"Master {m}")
            await create_service(session, name="Haircut", duration_minutes=60, price=Decimal(30))
            await session.commit()
        parsed = read_rows(make_csv(rows)).rows
        settings = load_settings(_env_file=None, database_url=url)
        options = ImportOptions(
            source="bench",
            zone=ZONE,
            phone_region=None,
            late_window=timedelta(hours=24),
            rules=settings.reminder_rules(ZONE),
        )
        rates = []
        for _ in range(2):
            async with sessions() as session:
                began = time.perf_counter()
                report = await import_rows(
                    session, rows=parsed, options=options, now=datetime(2029, 1, 1, tzinfo=UTC)
                )
                elapsed = time.perf_counter() - began
            assert not report.rejected, report.rejected[:3]
            rates.append(rows / elapsed)
        return rates[0], rates[1]
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--postgres", help="postgresql+asyncpg://… of an EMPTY database to use")
    args = parser.parse_args()
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            first, again = asyncio.run(measure(url, rows))
        print(
            f"sqlite   {rows:>7} rows: import {first:8.0f} rows/s, re-import {again:8.0f} rows/s"
        )
    if args.postgres:
        first, again = asyncio.run(measure(args.postgres, args.rows[0]))
        rows = args.rows[0]
        print(
            f"postgres {rows:>7} rows: import {first:8.0f} rows/s, re-import {again:8.0f} rows/s"
        )


if __name__ == "__main__":
    main()
