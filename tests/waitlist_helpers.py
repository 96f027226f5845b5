"""A small salon with a waitlist, for the waitlist's tests: one master, one service, Anna booked
tomorrow at 15:00 (Madrid), Boris and Chloe waiting (in that order), everyone on the ``test``
channel."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.appointments import CancelledBy
from bot.domain.reminders import QuietHours
from bot.domain.waitlist import WaitlistMode, WaitlistRules
from bot.ledger import waitlist
from bot.ledger.appointments import cancel_appointment
from bot.ledger.clients import link_identity
from db.models import ScheduledMessage, WaitlistOffer
from tests.factories import ADMIN, make_appointment, make_client, make_service, make_staff

MADRID = ZoneInfo("Europe/Madrid")
SEQUENTIAL = WaitlistRules(
    mode=WaitlistMode.SEQUENTIAL,
    hold=timedelta(minutes=15),
    min_notice=timedelta(hours=2),
    quiet=QuietHours(start=time(21), end=time(9)),
    zone=MADRID,
)
BROADCAST = replace(SEQUENTIAL, mode=WaitlistMode.BROADCAST)


def madrid(day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock moment of November 2026 in Madrid, as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=MADRID).astimezone(UTC)


@dataclass(frozen=True)
class Salon:
    staff_id: int
    service_id: int
    anna: int
    boris: int
    chloe: int
    booking: int  # Anna's, Tuesday 24 November 15:00
    entries: tuple[int, int]  # Boris's, Chloe's


async def small_salon(
    sessions: async_sessionmaker[AsyncSession], *, now: datetime, locales: tuple[str, ...] = ()
) -> Salon:
    async with sessions() as session:
        staff = await make_staff(session)
        service = await make_service(session, price="45.00")
        people = []
        for number, name in enumerate(("Anna", "Boris", "Chloe")):
            client = await make_client(session, name, f"+3460011122{number}")
            if number < len(locales):
                client.locale = locales[number]
            await link_identity(
                session, client_id=client.id, channel="test", external_id=f"chat-{name}"
            )
            people.append(client)
        booking = await make_appointment(
            session,
            client=people[0],
            staff=staff,
            service=service,
            starts_at=madrid(24, 15),
            now=now,
        )
        entries = []
        for client in people[1:]:
            entry = await waitlist.add_entry(
                session,
                request=waitlist.EntryRequest(client_id=client.id, service_id=service.id),
                who=ADMIN,
                now=now,
            )
            entries.append(entry.id)
        await session.commit()
        return Salon(
            staff_id=staff.id,
            service_id=service.id,
            anna=people[0].id,
            boris=people[1].id,
            chloe=people[2].id,
            booking=booking.id,
            entries=(entries[0], entries[1]),
        )


async def cancel(
    sessions: async_sessionmaker[AsyncSession], appointment_id: int, *, now: datetime
) -> None:
    async with sessions() as session:
        await cancel_appointment(
            session,
            appointment_id=appointment_id,
            cancelled_by=CancelledBy.CLIENT,
            late_window=timedelta(hours=24),
            who=ADMIN,
            now=now,
        )
        await session.commit()


async def offers(sessions: async_sessionmaker[AsyncSession]) -> list[WaitlistOffer]:
    async with sessions() as session:
        return list(await session.scalars(select(WaitlistOffer).order_by(WaitlistOffer.id)))


async def offer_rows(sessions: async_sessionmaker[AsyncSession]) -> list[ScheduledMessage]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(ScheduledMessage)
                .where(ScheduledMessage.offer_id.is_not(None))
                .order_by(ScheduledMessage.id)
            )
        )
