"""The waitlist's tick: offer freed slots, move on when a hold lapses, tell admins of refills.

Runs every second beside the outbox (``WAITLIST_EVERY``); what it decides is in the database
(``bot.ledger.waitlist_offers``), so any number of processes may tick. When it made offers it
wakes the outbox, so the first offer goes out within moments of the cancellation.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from babel.numbers import format_currency
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.texts import AdminTexts
from bot.clock import Clock
from bot.domain.waitlist import WaitlistRules
from bot.ledger.waitlist_offers import Round, offer_freed_slots
from bot.ledger.waitlist_report import Refill, claim_refills

logger = logging.getLogger(__name__)

WAITLIST_EVERY = timedelta(seconds=1)


class WaitlistWorker:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        rules: WaitlistRules,
        tell_admins: Callable[[str], Awaitable[object]],
        texts: AdminTexts,
        zone: ZoneInfo,
        currency: str = "EUR",
        on_offers: Callable[[], None] = lambda: None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._rules = rules
        self._tell_admins = tell_admins
        self._t = texts
        self._zone = zone
        self._currency = currency
        self.on_offers = on_offers  # the outbox scheduler's wake-up, once it exists

    async def tick(self) -> Round:
        """One round; returns what it did."""
        now = self._clock.now()
        async with self._sessions() as session:
            done = await offer_freed_slots(session, now=now, rules=self._rules)
            refills = await claim_refills(session, now=now)
            await session.commit()
        if done.offered:
            logger.info("waitlist: %d offer(s) made", len(done.offered))
            self.on_offers()
        for refill in refills:
            try:
                await self._tell_admins(self.refill_text(refill))
            except Exception:  # the refill stands; only the news of it is lost
                logger.exception("could not tell the admins of a refilled slot")
        return done

    def refill_text(self, refill: Refill) -> str:
        """ "✅ A freed slot was refilled…", in the salon's language."""
        appointment = refill.appointment
        price = refill.slot.filled_price
        return self._t(
            "waitlist.refilled_moved" if refill.moved else "waitlist.refilled",
            when=self._t.moment(appointment.starts_at.astimezone(self._zone)),
            master=appointment.staff.name,
            name=appointment.client.name,
            service=appointment.service.name,
            price=(
                format_currency(price, self._currency, locale=self._t.locale)
                if price is not None
                else "—"
            ),
        )
