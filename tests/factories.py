"""Factories for ledger records, through the same services the application uses."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.appointments import Actor
from bot.domain.reminders import QuietHours, ReminderRules
from bot.ledger import catalog, clients
from bot.ledger.appointments import BookingRequest, Who, book
from db.models import Appointment, Client, Service, Staff

ADMIN = Who(actor=Actor.ADMIN, channel="test")
#: the default reminder rules, for a salon in Madrid
RULES = ReminderRules(
    offsets=(timedelta(hours=24), timedelta(hours=1)),
    quiet=QuietHours(start=time(21), end=time(9)),
    zone=ZoneInfo("Europe/Madrid"),
)


async def make_staff(session: AsyncSession, name: str = "Vitaly") -> Staff:
    return await catalog.create_staff(session, name=name)


async def make_service(
    session: AsyncSession, name: str = "Haircut", minutes: int = 60, price: str = "30.00"
) -> Service:
    return await catalog.create_service(
        session, name=name, duration_minutes=minutes, price=Decimal(price)
    )


async def make_client(
    session: AsyncSession, name: str = "Anna", phone: str = "+34600111222"
) -> Client:
    return await clients.create_client(session, name=name, phone=phone, phone_region=None)


async def make_appointment(
    session: AsyncSession,
    *,
    client: Client,
    staff: Staff,
    service: Service,
    starts_at: datetime,
    now: datetime,
    minutes: int | None = None,
    external_id: str | None = None,
) -> Appointment:
    result = await book(
        session,
        request=BookingRequest(
            client_id=client.id,
            staff_id=staff.id,
            service_id=service.id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes) if minutes else None,
            external_id=external_id,
        ),
        who=ADMIN,
        now=now,
        rules=RULES,
    )
    return result.appointment
