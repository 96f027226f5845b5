from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.errors import DatabaseNotReadyError
from db.base import Base, UTCDateTime
from db.engine import create_engine
from db.models import AppointmentEvent, MessageLog
from migrations.runner import require_current_schema, schema_state, upgrade
from tests.conftest import START
from tests.factories import make_appointment, make_client, make_service, make_staff


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_create_exactly_the_models(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(_diff)
    assert differences == []
    state = await schema_state(engine)
    assert state.up_to_date


async def test_an_empty_database_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    try:
        with pytest.raises(DatabaseNotReadyError, match="showup db upgrade"):
            await require_current_schema(engine)
        before = await upgrade(engine)
        assert before.current is None
        await require_current_schema(engine)
        again = await upgrade(engine)
        assert again.up_to_date
    finally:
        await engine.dispose()


async def test_timestamps_come_back_aware_in_utc(session: AsyncSession) -> None:
    moscow = timezone(timedelta(hours=3))
    entry = MessageLog(
        direction="out",
        channel="test",
        body="hi",
        created_at=datetime(2026, 1, 1, 12, tzinfo=moscow),
    )
    session.add(entry)
    await session.commit()
    session.expunge_all()
    loaded = await session.scalar(select(MessageLog))
    assert loaded is not None
    assert loaded.created_at == datetime(2026, 1, 1, 9, tzinfo=UTC)
    assert loaded.created_at.utcoffset() == timedelta(0)


async def test_naive_timestamps_are_refused(session: AsyncSession) -> None:
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 - the point of the test
    session.add(MessageLog(direction="out", channel="t", body="x", created_at=naive))
    with pytest.raises(Exception, match="naive datetime"):
        await session.flush()


async def test_events_are_append_only(session: AsyncSession) -> None:
    appointment = await make_appointment(
        session,
        client=await make_client(session),
        staff=await make_staff(session),
        service=await make_service(session),
        starts_at=START + timedelta(days=1),
        now=START,
    )
    await session.commit()
    event = await session.scalar(
        select(AppointmentEvent).where(AppointmentEvent.appointment_id == appointment.id)
    )
    assert event is not None
    event.reason = "rewritten history"
    with pytest.raises(RuntimeError, match="append-only"):
        await session.flush()


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("2026-11-24 14:00:00.000000", datetime(2026, 11, 24, 14, tzinfo=UTC)),
        ("2026-11-24 14:00:00", datetime(2026, 11, 24, 14, tzinfo=UTC)),  # written by hand
        ("2026-11-24 14:00:00.250000", datetime(2026, 11, 24, 14, 0, 0, 250000, tzinfo=UTC)),
        (None, None),
    ],
)
def test_sqlite_text_is_read_as_utc(stored: str | None, expected: datetime | None) -> None:
    read = UTCDateTime().result_processor(sqlite.dialect(), None)
    assert read is not None
    value = read(stored)
    assert value == expected
    assert value is None or value.tzinfo is UTC
