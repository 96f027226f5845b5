from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.pacing import Pacer
from bot.scheduling.scheduler import OutboxScheduler
from tests.fakes.channels import RecordingChannel
from tests.scheduling.conftest import book_linked


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
