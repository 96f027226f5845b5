"""Real dispatcher processes: killed with SIGKILL mid-batch, and two at once on PostgreSQL."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.ledger.outbox import outbox_summary
from db.engine import create_engine, create_session_factory
from db.models import OutboxStatus
from tests.databases import PostgresServer
from tests.fakes.workload import seed_due_messages
from tests.scheduling.workers import finish, recorded, start_worker, wait_for_lines

# worker processes on the system clock, started at different moments, share the due times
pytestmark = pytest.mark.clock

MESSAGES = 3_000
BATCH = 100


async def _seed(url: str, count: int) -> None:
    engine = create_engine(url)
    try:
        await seed_due_messages(engine, count=count, now=datetime.now(UTC))
    finally:
        await engine.dispose()


async def _statuses(url: str) -> dict[OutboxStatus, int]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return await outbox_summary(session)
    finally:
        await engine.dispose()


def test_sigkill_mid_batch_loses_nothing_and_duplicates_at_most_one_batch(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    asyncio.run(_seed(sqlite_database_url, MESSAGES))
    record = tmp_path / "sent.txt"
    worker = start_worker(
        sqlite_database_url, record, batch=BATCH, lease=2, delay=0.002, until_empty=False
    )
    try:
        wait_for_lines(record, MESSAGES // 4, worker, timeout=60)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.communicate()
    before_restart = recorded(record)
    assert 0 < sum(before_restart.values()) < MESSAGES, "the kill did not land mid-run"

    restarted = start_worker(
        sqlite_database_url, record, batch=BATCH, lease=2, delay=0.0, until_empty=True
    )
    finish(restarted)

    sent = recorded(record)
    expected = {f"{i}:confirmation" for i in range(1, MESSAGES + 1)}
    assert set(sent) == expected, f"lost: {sorted(expected - set(sent))[:10]}"
    duplicates = sum(sent.values()) - len(sent)
    print(f"\nSIGKILL after {sum(before_restart.values())} sends: {duplicates} duplicate(s)")
    assert duplicates <= BATCH
    assert asyncio.run(_statuses(sqlite_database_url)) == {OutboxStatus.SENT: MESSAGES}


@pytest.mark.postgres
def test_two_worker_processes_never_claim_the_same_row(
    postgres_server: PostgresServer | str, tmp_path: Path
) -> None:
    if isinstance(postgres_server, str):
        pytest.skip(f"PostgreSQL variant skipped: {postgres_server}")
    url = postgres_server.clone()
    try:
        count = 2_000
        asyncio.run(_seed(url, count))
        records = [tmp_path / "a.txt", tmp_path / "b.txt"]
        workers = [
            start_worker(
                url, record, batch=50, lease=60, delay=0.002, until_empty=True, wait_for_go=True
            )
            for record in records
        ]
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        for worker in workers:
            finish(worker)
        first, second = (recorded(record) for record in records)
        assert not set(first) & set(second), "a message was sent by both workers"
        assert max(first.values()) == max(second.values()) == 1
        assert len(first) + len(second) == count
        assert first, "worker A sent nothing: the test proved nothing"
        assert second, "worker B sent nothing: the test proved nothing"
        print(f"\ntwo workers: {len(first)} + {len(second)} messages, no overlap")
        assert asyncio.run(_statuses(url)) == {OutboxStatus.SENT: count}
    finally:
        postgres_server.drop(url)
