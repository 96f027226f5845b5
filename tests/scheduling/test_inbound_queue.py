"""The inbound queue's rules, on SQLite and PostgreSQL: a redelivery is stored once, one
client's updates are handled in order while other clients' go on, a failure is retried at
5 s, 15 s, 45 s… and parked (with an alert) after the last attempt, a dead worker's lease is
taken over, and a full queue refuses new updates instead of growing without bound."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Arrival, UnreadableUpdate
from bot.clock import ManualClock
from bot.scheduling.inbound_queue import claim, store
from bot.scheduling.inbound_worker import (
    Backlogged,
    InboundSettings,
    InboundWorker,
    retry_delay,
)
from db.engine import create_engine, create_session_factory
from db.models import InboundStatus, InboundUpdate
from tests.scheduling.conftest import RecordingAlerts


def arrival(external_id: str, sender: str, text: str = "") -> Arrival:
    return Arrival("test", external_id, sender, text or f"{sender}:{external_id}")


class Handler:
    """Records what it handled, in order; fails the payloads it is told to."""

    def __init__(self) -> None:
        self.handled: list[str] = []
        self.failing: set[str] = set()
        self.unreadable: set[str] = set()

    async def __call__(self, payload: str) -> None:
        await asyncio.sleep(0)  # let the other clients' updates interleave
        if payload in self.unreadable:
            raise UnreadableUpdate("not shaped as documented")
        if payload in self.failing:
            raise RuntimeError("the database went away")
        self.handled.append(payload)


def worker(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    handler: Handler,
    alerts: RecordingAlerts | None = None,
    **settings: object,
) -> InboundWorker:
    return InboundWorker(
        sessions=sessions,
        handlers={"test": handler},
        clock=clock,
        settings=InboundSettings(**settings),  # type: ignore[arg-type]
        alerts=alerts,
        owner="worker-a",
    )


async def rows(sessions: async_sessionmaker[AsyncSession]) -> dict[str, InboundUpdate]:
    async with sessions() as session:
        found = await session.scalars(select(InboundUpdate))
        return {row.external_id: row for row in found}


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(0, 5), (1, 5), (2, 15), (3, 45), (4, 135), (5, 405), (6, 600), (50, 600)],
)
def test_retry_delays(attempts: int, seconds: int) -> None:
    assert retry_delay(attempts) == timedelta(seconds=seconds)


async def test_a_redelivered_update_is_stored_and_handled_once(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    handler = Handler()
    inbound = worker(sessions, clock, handler)
    assert await inbound.receive([arrival("1", "ana")]) == 1
    assert await inbound.receive([arrival("1", "ana")]) == 0  # the platform sent it again
    await inbound.idle()
    assert await inbound.receive([arrival("1", "ana")]) == 0  # …and again, after handling
    await inbound.idle()
    assert handler.handled == ["ana:1"]


async def test_one_clients_updates_run_in_order_while_others_go_on(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    handler = Handler()
    handler.failing.add("ana:1")
    inbound = worker(sessions, clock, handler, batch=4)
    await inbound.receive([arrival("1", "ana"), arrival("2", "ana"), arrival("3", "bob")])
    await inbound.receive([arrival("4", "bob")])
    await inbound.idle()
    # Ana's first update failed: her second waits behind it; Bob's both went through
    assert handler.handled == ["bob:3", "bob:4"]
    stored = await rows(sessions)
    assert stored["1"].status is InboundStatus.PENDING
    assert stored["1"].due_at.replace(tzinfo=None) == (clock.now() + timedelta(seconds=5)).replace(
        tzinfo=None
    )
    assert stored["2"].attempts == 0

    handler.failing.clear()
    clock.advance(timedelta(seconds=4, microseconds=999_999))
    await inbound.idle()
    assert handler.handled == ["bob:3", "bob:4"]  # not yet: the retry is due at 5 s
    clock.advance(timedelta(microseconds=1))
    await inbound.idle()
    assert handler.handled == ["bob:3", "bob:4", "ana:1", "ana:2"]


async def test_after_the_last_attempt_an_update_is_parked_and_the_admins_told(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    handler, alerts = Handler(), RecordingAlerts()
    handler.failing.add("ana:1")
    inbound = worker(sessions, clock, handler, alerts, max_attempts=3)
    await inbound.receive([arrival("1", "ana"), arrival("2", "ana")])
    for wait in (0, 5, 15):  # attempts 1, 2 and 3
        clock.advance(timedelta(seconds=wait))
        await inbound.idle()
    stored = await rows(sessions)
    assert stored["1"].status is InboundStatus.PARKED
    assert stored["1"].attempts == 3
    assert "RuntimeError: the database went away" in (stored["1"].last_error or "")
    assert len(alerts.texts) == 1
    assert f"showup inbox-queue --retry {stored['1'].id}" in alerts.texts[0]
    # a parked update no longer holds back the client's next one
    assert handler.handled == ["ana:2"]


async def test_an_unreadable_update_is_parked_at_once(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    handler, alerts = Handler(), RecordingAlerts()
    handler.unreadable.add("ana:1")
    inbound = worker(sessions, clock, handler, alerts, max_attempts=5)
    await inbound.receive([arrival("1", "ana")])
    await inbound.idle()
    stored = await rows(sessions)
    assert stored["1"].status is InboundStatus.PARKED
    assert stored["1"].attempts == 1
    assert len(alerts.texts) == 1


async def test_a_dead_workers_lease_is_taken_over_when_it_runs_out(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session, session.begin():
        await store(session, [arrival("1", "ana")], now=clock.now())
    async with sessions() as session, session.begin():
        taken = await claim(
            session, owner="dead", now=clock.now(), lease=timedelta(seconds=60), limit=4
        )
    assert [c.external_id for c in taken] == ["1"]  # …and then its worker died

    handler = Handler()
    inbound = worker(sessions, clock, handler)
    clock.advance(timedelta(seconds=60))
    await inbound.idle()
    assert handler.handled == []  # the lease ends after 60 s, not at 60 s
    clock.advance(timedelta(microseconds=1))
    await inbound.idle()
    assert handler.handled == ["ana:1"]
    stored = await rows(sessions)
    assert stored["1"].status is InboundStatus.DONE
    assert stored["1"].attempts == 2


async def test_a_claim_takes_a_dead_workers_row_beside_the_waiting_ones(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    async with sessions() as session, session.begin():
        await store(session, [arrival("1", "ana"), arrival("2", "ana")], now=clock.now())
        await claim(session, owner="dead", now=clock.now(), lease=timedelta(seconds=60), limit=1)
        await store(session, [arrival("3", "bob"), arrival("4", "eva")], now=clock.now())
    clock.advance(timedelta(seconds=61))
    async with sessions() as session, session.begin():
        taken = await claim(
            session, owner="b", now=clock.now(), lease=timedelta(seconds=60), limit=2
        )
    # ana's first update again (its lease ran out) and the two oldest waiting ones that have
    # nothing of their sender's ahead of them: ana's second waits for her first
    assert sorted(c.external_id for c in taken) == ["1", "3", "4"]
    assert {c.external_id: c.attempts for c in taken}["1"] == 2


async def test_a_claim_reads_the_waiting_rows_in_order_without_sorting_them(
    sqlite_database_url: str, clock: ManualClock
) -> None:
    """A claim stops at its batch's size however long the queue: with 5,000 waiting updates
    SQLite sorted all of them for every batch of four (8 ms a claim, benchmarks/inbound_live)."""
    engine = create_engine(sqlite_database_url)
    seen: list[tuple[str, Any]] = []

    def record(_c: object, _cur: object, statement: str, parameters: object, *_: object) -> None:
        if statement.startswith("UPDATE inbound_updates SET status"):
            seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            await store(session, [arrival(str(n), f"c{n}") for n in range(20)], now=clock.now())
            await claim(session, owner="a", now=clock.now(), lease=timedelta(seconds=60), limit=4)
            statement, parameters = seen[0]
            connection = await session.connection()
            plan = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            steps = [str(row[-1]) for row in plan]
    finally:
        await engine.dispose()
    assert not any("TEMP B-TREE" in step for step in steps), steps
    assert any("ix_inbound_updates_status_id" in step for step in steps), steps


async def test_a_full_queue_refuses_more_until_it_drains(
    sessions: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    handler = Handler()
    inbound = worker(sessions, clock, handler, limit=2)
    assert await inbound.receive([arrival("1", "ana"), arrival("2", "bob")]) == 2
    with pytest.raises(Backlogged):
        await inbound.receive([arrival("3", "eva")])
    await inbound.idle()
    assert await inbound.receive([arrival("3", "eva")]) == 1
    backlog = await inbound.backlog()
    assert (backlog.waiting, backlog.retrying, backlog.parked) == (1, 0, 0)
