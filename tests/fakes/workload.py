"""A database full of due messages, inserted in bulk (the ledger would take minutes for 100k).

Used by the crash and two-worker tests and by ``benchmarks/dispatch.py``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.reminders import CONFIRMATION_KIND, Script
from db.models import (
    Appointment,
    Client,
    ClientIdentity,
    OutboxStatus,
    Salon,
    ScheduledMessage,
    Service,
    Staff,
)

CHUNK = 5_000


def _table(model: type[object]) -> Table:
    return cast("Table", model.__table__)  # type: ignore[attr-defined]


async def seed_due_messages(
    engine: AsyncEngine, *, count: int, now: datetime, channel: str = "test"
) -> None:
    """``count`` clients, each with one appointment in 3 days and its confirmation due now."""
    async with engine.begin() as connection:
        await connection.execute(
            insert(_table(Salon)).values(
                id=1,
                name="Bench Salon",
                timezone="Europe/Madrid",
                locale="en",
                currency="EUR",
                working_hours={},
            )
        )
        await connection.execute(insert(_table(Staff)).values(id=1, name="Vitaly", active=True))
        await connection.execute(
            insert(_table(Service)).values(
                id=1, name="Haircut", duration_minutes=60, price=30, active=True
            )
        )
        starts = now + timedelta(days=3)
        for first in range(1, count + 1, CHUNK):
            ids = range(first, min(first + CHUNK, count + 1))
            await connection.execute(
                insert(_table(Client)),
                [
                    {"id": i, "name": f"Client {i}", "phone": f"+3460{i:07d}", "blocked": False}
                    for i in ids
                ],
            )
            await connection.execute(
                insert(_table(ClientIdentity)),
                [
                    {
                        "client_id": i,
                        "channel": channel,
                        "external_id": str(900_000 + i),
                        "unreachable": False,
                    }
                    for i in ids
                ],
            )
            await connection.execute(
                insert(_table(Appointment)),
                [
                    {
                        "id": i,
                        "client_id": i,
                        "staff_id": 1,
                        "service_id": 1,
                        # one master, back-to-back minutes: the rows need not be realistic
                        "starts_at": starts + timedelta(minutes=i),
                        "ends_at": starts + timedelta(minutes=i + 1),
                        "status": "booked",
                        "version": 1,
                        "source": "bench",
                        "external_id": str(i),
                        "late_cancel": False,
                    }
                    for i in ids
                ],
            )
            await connection.execute(
                insert(_table(ScheduledMessage)),
                [
                    {
                        "appointment_id": i,
                        "kind": CONFIRMATION_KIND,
                        "script": Script.BOOKING_CONFIRMATION.value,
                        "version": 1,
                        "due_at": now,
                        "status": OutboxStatus.PENDING,
                        "attempts": 0,
                        "created_at": now,
                    }
                    for i in ids
                ],
            )
