"""The SQLite write gate: transactions of one process take turns in the event loop, in order,
acknowledgements first, and a gate lost by a cancelled or vanished holder is never stuck."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import create_engine, create_session_factory
from db.write_gate import WriteGate, urgent


async def test_waiters_go_in_order_and_urgent_ones_first() -> None:
    gate = WriteGate(patience=5)
    assert await gate.acquire()
    order: list[str] = []

    async def wait(name: str, *, first: bool = False) -> None:
        if first:
            with urgent():
                await gate.acquire()
        else:
            await gate.acquire()
        order.append(name)
        gate.release()

    tasks = [asyncio.create_task(wait("a")), asyncio.create_task(wait("b"))]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(wait("ack", first=True)))
    await asyncio.sleep(0)
    gate.release()
    await asyncio.gather(*tasks)
    assert order == ["ack", "a", "b"]


async def test_a_waiter_cancelled_after_its_turn_came_passes_it_on() -> None:
    gate = WriteGate(patience=5)
    assert await gate.acquire()
    first = asyncio.create_task(gate.acquire())
    second = asyncio.create_task(gate.acquire())
    await asyncio.sleep(0)
    gate.release()  # hands the gate to `first`…
    first.cancel()  # …which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await asyncio.wait_for(second, 1) is True


async def test_a_holder_that_never_releases_costs_its_patience_not_the_process() -> None:
    gate = WriteGate(patience=0.05)
    assert await gate.acquire()
    assert await gate.acquire() is False  # went on without it after 50 ms


async def test_concurrent_transactions_on_one_engine_all_commit(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/gate.db")
    sessions = create_session_factory(engine)
    async with sessions() as session, session.begin():
        await session.execute(text("CREATE TABLE t (n INTEGER)"))

    async def write(n: int) -> None:
        async with sessions() as session, session.begin():
            await session.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
            await asyncio.sleep(0.001)  # hold the transaction across an await

    async def fail() -> None:
        async with sessions() as session, session.begin():
            await session.execute(text("INSERT INTO t VALUES (-1)"))
            raise RuntimeError("rolled back")

    cancelled = asyncio.create_task(write(-2))
    await asyncio.sleep(0)
    cancelled.cancel()
    results = await asyncio.wait_for(
        asyncio.gather(*(write(n) for n in range(40)), fail(), return_exceptions=True), 10
    )
    assert sum(isinstance(r, RuntimeError) for r in results) == 1
    async with sessions() as session:
        assert await session.scalar(text("SELECT count(*) FROM t WHERE n >= 0")) == 40
        assert await session.scalar(text("SELECT count(*) FROM t WHERE n < 0")) == 0
    await engine.dispose()
