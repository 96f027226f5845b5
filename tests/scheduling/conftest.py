from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import ManualClock
from bot.ledger.clients import link_identity
from bot.scheduling.dispatcher import DispatchConfig, Dispatcher
from db.models import Appointment, ScheduledMessage
from tests.factories import make_appointment, make_client, make_service, make_staff
from tests.fakes.channels import RecordingChannel
from tests.fakes.scripts import script_book


@dataclass
class RecordingAlerts:
    texts: list[str] = field(default_factory=list)

    async def alert(self, text: str) -> None:
        self.texts.append(text)


@pytest.fixture
def channel() -> RecordingChannel:
    return RecordingChannel("test")


@pytest.fixture
def alerts() -> RecordingAlerts:
    return RecordingAlerts()


@pytest.fixture
def dispatcher(
    sessions: async_sessionmaker[AsyncSession],
    channel: RecordingChannel,
    alerts: RecordingAlerts,
    clock: ManualClock,
) -> Dispatcher:
    return Dispatcher(
        sessions=sessions,
        channels={"test": channel},
        renderer=script_book(),
        alerts=alerts,
        clock=clock,
        config=DispatchConfig(batch=50, lease=timedelta(seconds=60), max_attempts=3),
        rng=random.Random(7),  # noqa: S311 - reproducible jitter
        owner="test-worker",
    )


async def book_linked(
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    *,
    in_days: float = 3,
    link: bool = True,
) -> int:
    """A client linked on the ``test`` channel, booked ``in_days`` from now at 15:00 Madrid."""
    async with sessions() as session:
        client = await make_client(session)
        if link:
            await link_identity(session, client_id=client.id, channel="test", external_id="555")
        appointment = await make_appointment(
            session,
            client=client,
            staff=await make_staff(session),
            service=await make_service(session),
            starts_at=clock.now() + timedelta(days=in_days, hours=6),
            now=clock.now(),
        )
        await session.commit()
        return appointment.id


async def outbox(
    sessions: async_sessionmaker[AsyncSession], appointment_id: int
) -> dict[tuple[str, int], ScheduledMessage]:
    async with sessions() as session:
        rows = await session.scalars(
            select(ScheduledMessage).where(ScheduledMessage.appointment_id == appointment_id)
        )
        return {(row.kind, row.version): row for row in rows}


async def appointment(
    sessions: async_sessionmaker[AsyncSession], appointment_id: int
) -> Appointment:
    async with sessions() as session:
        found = await session.get(Appointment, appointment_id)
        assert found is not None
        return found
