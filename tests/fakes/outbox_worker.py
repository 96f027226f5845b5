"""A dispatcher process for the crash and two-worker tests.

    python -m tests.fakes.outbox_worker --db URL --record FILE [--batch N] [--lease S]
        [--delay S] [--until-empty] [--wait-for-go]

Prints ``ready`` once set up; with --wait-for-go it then waits for a line on standard input, so
that several workers can start dispatching together. With --until-empty it exits when no row is
pending or being sent; otherwise it runs until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.admin.alerts import LoggingAlerts
from bot.clock import SystemClock
from bot.scheduling.dispatcher import DispatchConfig, Dispatcher
from db.engine import create_engine, create_session_factory
from db.models import OutboxStatus, ScheduledMessage
from tests.fakes.channels import FileRecordingChannel
from tests.fakes.scripts import script_book


async def main(args: argparse.Namespace) -> None:
    engine = create_engine(args.db)
    sessions = create_session_factory(engine)
    dispatcher = Dispatcher(
        sessions=sessions,
        channels={"test": FileRecordingChannel(Path(args.record), delay=args.delay)},
        renderer=script_book(),
        alerts=LoggingAlerts(),
        clock=SystemClock(),
        config=DispatchConfig(
            batch=args.batch, lease=timedelta(seconds=args.lease), concurrency=4
        ),
    )
    print("ready", flush=True)
    if args.wait_for_go:
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    try:
        while True:
            await dispatcher.drain()
            if args.until_empty:
                async with sessions() as session:
                    left = await session.scalar(
                        select(func.count()).where(
                            ScheduledMessage.status.in_(
                                [OutboxStatus.PENDING, OutboxStatus.SENDING]
                            )
                        )
                    )
                if not left:
                    return
            await asyncio.sleep(0.1)  # wait for leases of a killed worker to expire
    finally:
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--lease", type=float, default=60)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--until-empty", action="store_true")
    parser.add_argument("--wait-for-go", action="store_true")
    asyncio.run(main(parser.parse_args()))
