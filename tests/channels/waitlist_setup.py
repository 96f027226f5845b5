"""A Telegram salon where a slot is offered: Anna (chat 111) booked in 30 hours, Boris (chat
``WAITING_CHAT``, English) waiting for the same service; Anna cancels and the waitlist ticks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.domain.appointments import CancelledBy
from bot.ledger import waitlist
from bot.ledger.appointments import cancel_appointment
from bot.ledger.clients import link_identity
from bot.ledger.waitlist_offers import Round
from db.models import Appointment
from tests.channels.conftest import Telegram, book_client
from tests.factories import ADMIN, make_client

WAITING_CHAT = 222


@dataclass(frozen=True)
class Offered:
    boris: int  # the waiting client's id
    round: Round  # what the waitlist's tick did


async def offer_to_boris(telegram: Telegram) -> Offered:
    booked = await book_client(telegram, in_hours=30)
    async with telegram.sessions() as session:
        boris = await make_client(session, "Boris", "+34600111999")
        boris.locale = "en"
        await link_identity(
            session, client_id=boris.id, channel="telegram", external_id=str(WAITING_CHAT)
        )
        appointment = await session.get(Appointment, booked)
        assert appointment is not None
        await waitlist.add_entry(
            session,
            request=waitlist.EntryRequest(client_id=boris.id, service_id=appointment.service_id),
            who=ADMIN,
            now=telegram.clock.now(),
        )
        await cancel_appointment(
            session,
            appointment_id=booked,
            cancelled_by=CancelledBy.CLIENT,
            late_window=timedelta(hours=24),
            who=ADMIN,
            now=telegram.clock.now(),
        )
        await session.commit()
    worker = telegram.messengers.waitlist
    assert worker is not None
    return Offered(boris=boris.id, round=await worker.tick())
