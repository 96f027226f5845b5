"""APScheduler drives the dispatcher; the reminders themselves live in the database.

``AsyncIOScheduler`` (in-memory job store) holds just two jobs: a periodic safety tick, and a
one-off "wake" at the next due moment when that comes before the next tick. A restart loses
nothing, because no reminder is an APScheduler job.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.scheduling.dispatcher import Dispatcher

logger = logging.getLogger(__name__)

TICK_JOB = "outbox-tick"
WAKE_JOB = "outbox-wake"


class OutboxScheduler:
    def __init__(self, *, dispatcher: Dispatcher, tick: timedelta) -> None:
        self._dispatcher = dispatcher
        self._tick_every = tick
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._busy = asyncio.Lock()

    def start(self) -> None:
        """Start ticking (the first tick runs at once). Call from inside the running loop."""
        self._scheduler.add_job(
            self._tick,
            "interval",
            seconds=self._tick_every.total_seconds(),
            id=TICK_JOB,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
        self._scheduler.start()
        logger.info("outbox dispatcher %s started", self._dispatcher.owner)

    async def shutdown(self) -> None:
        """Stop ticking and let a batch in progress finish, so its results are recorded."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        async with self._busy:
            logger.info("outbox dispatcher %s stopped", self._dispatcher.owner)

    def every(self, job: Callable[[], Awaitable[object]], *, seconds: float, name: str) -> None:
        """Run ``job`` periodically besides the outbox (the inbox relay…); errors are logged."""
        self._scheduler.add_job(
            _guarded(job, name),
            "interval",
            seconds=seconds,
            id=name,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )

    def daily(
        self, job: Callable[[], Awaitable[object]], *, at: time, zone: ZoneInfo, name: str
    ) -> None:
        """Run ``job`` every day at ``at`` in ``zone`` (the morning digest)."""
        self._scheduler.add_job(
            _guarded(job, name),
            CronTrigger(hour=at.hour, minute=at.minute, timezone=zone),
            id=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=3600,
        )

    def run_soon(self, name: str) -> None:
        """Bring a periodic job forward to now (something for it just arrived)."""
        if self._scheduler.running and self._scheduler.get_job(name) is not None:
            self._scheduler.modify_job(name, next_run_time=datetime.now(UTC))

    def wake_now(self) -> None:
        """Dispatch as soon as possible (after a booking made in this process)."""
        self._schedule_wake(datetime.now(UTC))

    async def _tick(self) -> None:
        if not self._scheduler.running:
            return
        try:
            async with self._busy:
                await self._dispatcher.drain()
                wait = await self._dispatcher.wait_for_next()
        except Exception:
            logger.exception("outbox tick failed; retrying at the next tick")
            return
        # the wait is measured on the dispatcher's clock; APScheduler wakes on the machine's
        if wait is not None and wait < self._tick_every:
            self._schedule_wake(datetime.now(UTC) + wait)

    def _schedule_wake(self, moment: datetime) -> None:
        self._scheduler.add_job(
            self._tick,
            "date",
            run_date=max(moment, datetime.now(UTC)),
            id=WAKE_JOB,
            replace_existing=True,
            misfire_grace_time=None,
        )


def _guarded(job: Callable[[], Awaitable[object]], name: str) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await job()
        except Exception:
            logger.exception("%s failed; it runs again at its next time", name)

    return run
