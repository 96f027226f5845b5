"""Clients read a service's and a master's name in their own language when the salon gave one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock
from bot.conversation.render import MessageContext
from bot.ledger.catalog import update_service, update_staff
from tests.factories import RULES, make_appointment, make_client, make_service, make_staff


async def test_the_message_context_names_things_in_the_readers_language(
    session: AsyncSession, clock: ManualClock
) -> None:
    service = await make_service(session, "Стрижка")
    staff = await make_staff(session, "Виталий")
    await update_service(session, service_id=service.id, names={"es": "Corte", "en": "Haircut"})
    await update_staff(session, staff_id=staff.id, names={"en": "Vitaly"})
    appointment = await make_appointment(
        session,
        client=await make_client(session),
        staff=staff,
        service=service,
        starts_at=clock.now() + timedelta(days=2),
        now=clock.now(),
    )

    def context(locale: str) -> tuple[str, str]:
        found = MessageContext.of(appointment, locale=locale, salon_name="Lotos", zone=RULES.zone)
        return found.service, found.staff

    assert context("es") == ("Corte", "Виталий")
    assert context("en") == ("Haircut", "Vitaly")
    assert context("ru") == ("Стрижка", "Виталий")
