"""The salon row on the first start: two processes starting at once on a new PostgreSQL
database may both create it; the one that loses reads the winner's row instead of exiting."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import common
from bot.config import Settings
from bot.ledger.salon import ensure_salon
from db.models import Salon


async def test_a_salon_created_meanwhile_by_another_process_is_read(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []

    async def racing(session: AsyncSession, *, settings: Settings) -> Any:
        calls.append(1)
        if len(calls) == 1:  # the other process commits its row first: this insert fails
            async with sessions() as other:
                await ensure_salon(other, settings=settings)
                await other.commit()
            raise IntegrityError("INSERT INTO salon", {}, Exception("duplicate key"))
        return await ensure_salon(session, settings=settings)

    await _clear(sessions)
    monkeypatch.setattr(common, "ensure_salon", racing)

    salon = await common._salon_row(sessions, settings)

    assert salon.id == 1
    assert len(calls) == 2


async def _clear(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        for salon in await session.scalars(select(Salon)):
            await session.delete(salon)
        await session.commit()
