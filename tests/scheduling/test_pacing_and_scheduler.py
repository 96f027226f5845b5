from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.scheduling.dispatcher import DispatchConfig, Dispatcher
from bot.scheduling.pacing import Pacer
from bot.scheduling.scheduler import OutboxScheduler
from db.models import ScheduledMessage
from tests.fakes.channels import RecordingChannel
from tests.fakes.scripts import script_book
from tests.scheduling.conftest import RecordingAlerts, book_linked


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


async def test_one_chat_gets_at_most_one_message_per_interval() -> None:
    fake = FakeTime()
    pacer = Pacer(
        rate_per_second=None, chat_interval=1.0, monotonic=fake.monotonic, sleep=fake.sleep
    )
    for _ in range(3):
        await pacer.wait("chat-a")
    await pacer.wait("chat-b")  # another chat is not held back
    assert fake.slept == [1.0, 1.0]
    fake.now += 5
    await pacer.wait("chat-a")
    assert fake.slept == [1.0, 1.0]


async def test_the_scheduler_dispatches_a_new_booking_without_waiting_for_the_tick(
    sessions: async_sessionmaker[AsyncSession],
    dispatcher: Dispatcher,
    channel: RecordingChannel,
    clock: ManualClock,
) -> None:
    scheduler = OutboxScheduler(dispatcher=dispatcher, tick=timedelta(hours=1))
    scheduler.start()
    try:
        await asyncio.sleep(0)  # let the first (immediate) tick find an empty outbox
        await book_linked(sessions, clock)
        scheduler.wake_now()
        await asyncio.wait_for(channel.delivered.wait(), timeout=10)
    finally:
        await scheduler.shutdown()
    assert [m.metadata["kind"] for m in channel.sent] == ["confirmation"]


class RunningClock:
    """A clock that runs at the machine's pace from a moment of its own."""

    def __init__(self, start: datetime) -> None:
        self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


async def test_the_scheduler_wakes_for_a_due_time_on_the_dispatchers_clock(
    sessions: async_sessionmaker[AsyncSession],
    channel: RecordingChannel,
    alerts: RecordingAlerts,
) -> None:
    """The salon's clock (the demo's, a test's) need not agree with the machine's: a message due
    in 2 s on it is sent 2 s later, not at the next hourly tick."""
    clock = RunningClock(datetime(2100, 1, 4, 10, 0, tzinfo=UTC))
    dispatcher = Dispatcher(
        sessions=sessions,
        channels={"test": channel},
        renderer=script_book(),
        alerts=alerts,
        clock=clock,
        config=DispatchConfig(batch=50, lease=timedelta(seconds=60), max_attempts=3),
        rng=random.Random(7),  # noqa: S311 - reproducible jitter
    )
    appointment_id = await book_linked(sessions, ManualClock(clock.now()))
    async with sessions() as session:
        await session.execute(
            update(ScheduledMessage)
            .where(ScheduledMessage.appointment_id == appointment_id)
            .where(ScheduledMessage.kind == "confirmation")
            .values(due_at=clock.now() + timedelta(seconds=2))
        )
        await session.commit()
    scheduler = OutboxScheduler(dispatcher=dispatcher, tick=timedelta(hours=1))
    scheduler.start()
    try:
        await asyncio.wait_for(channel.delivered.wait(), timeout=15)
    finally:
        await scheduler.shutdown()
    assert [m.metadata["kind"] for m in channel.sent] == ["confirmation"]
