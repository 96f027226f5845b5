"""Acknowledge first: while a webhook request is being answered, the inbound worker claims and
handles nothing; it goes on when the request is answered, or after its bounded wait when
requests never stop. The webhook routes count themselves in flight while they store."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.api.routes.webhooks import TELEGRAM_PATH, telegram_router
from bot.channels.base import Arrival
from bot.clock import ManualClock
from bot.scheduling.ack_first import InFlight
from db.models import InboundStatus
from tests.scheduling.test_inbound_queue import Handler, arrival, rows, worker

SECRET = "a-secret-0123456789"


async def turns(count: int = 50) -> None:
    """Let everything that can run in the loop run (no clock involved)."""
    for _ in range(count):
        await asyncio.sleep(0)


async def test_the_worker_claims_nothing_while_a_webhook_request_is_in_flight(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    handler = Handler()
    inbound = worker(sessions, clock, handler, ack_first=timedelta(hours=1))
    await inbound.receive([arrival("1", "ana"), arrival("2", "bob")])
    with inbound.arriving():
        draining = asyncio.create_task(inbound.drain())
        await turns()
        assert not draining.done()
        assert handler.handled == []
        stored = await rows(sessions)
        assert {row.status for row in stored.values()} == {InboundStatus.PENDING}
        assert {row.attempts for row in stored.values()} == {0}  # not even claimed
    assert await draining == 2  # answered: the handling goes on at once
    assert sorted(handler.handled) == ["ana:1", "bob:2"]


async def test_requests_that_never_stop_only_delay_the_handling_by_the_bounded_wait(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    handler = Handler()
    inbound = worker(sessions, clock, handler, ack_first=timedelta(0))
    await inbound.receive([arrival("1", "ana"), arrival("2", "ana")])
    with inbound.arriving():
        await inbound.idle()
    assert handler.handled == ["ana:1", "ana:2"]


async def test_in_flight_counts_overlapping_requests() -> None:
    in_flight = InFlight()
    assert await in_flight.quiet(at_most=0)
    with in_flight.request():
        with in_flight.request():
            assert in_flight.count == 2
        assert not await in_flight.quiet(at_most=0)
    assert in_flight.count == 0
    assert await in_flight.quiet(at_most=3600)


class CountingInbox:
    """Records how many requests were in flight while each update was stored."""

    def __init__(self) -> None:
        self.in_flight = InFlight()
        self.seen: list[int] = []

    @property
    def full(self) -> bool:
        return False

    async def receive(self, arrivals: Sequence[Arrival]) -> int:
        self.seen.append(self.in_flight.count)
        return len(arrivals)

    def arriving(self) -> contextlib.AbstractContextManager[None]:
        return self.in_flight.request()


async def test_the_telegram_webhook_is_in_flight_until_it_has_stored_the_update() -> None:
    inbox = CountingInbox()
    app = FastAPI()
    app.include_router(telegram_router(inbox, SECRET))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://showup.test"
    ) as http:
        ok = await http.post(
            TELEGRAM_PATH,
            json={"update_id": 1, "message": {"chat": {"id": 5}}},
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        refused = await http.post(TELEGRAM_PATH, json={"update_id": 2})
    assert (ok.status_code, refused.status_code) == (200, 401)
    assert inbox.seen == [1]
    assert inbox.in_flight.count == 0  # an answered or refused request leaves the count
