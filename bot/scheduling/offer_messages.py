"""The dispatcher's side of waitlist offers: loading them and deciding whether their message is
still wanted (the context they are rendered with is ``waitlist_flow.offer_context``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.waitlist import OfferStatus, hold_lapsed
from bot.ledger.waitlist_offers import GONE_KIND, OFFER_KIND
from bot.scheduling.claims import Claim
from db.models import WaitlistEntry, WaitlistOffer


@dataclass(frozen=True, slots=True)
class LoadedOffer:
    offer: WaitlistOffer
    moving: bool  # it would move the client's booking ("anything earlier?")


async def load_offers(session: AsyncSession, ids: set[int]) -> dict[int, LoadedOffer]:
    """The offers (with their client and identities) of the claimed offer messages."""
    if not ids:
        return {}
    rows = await session.execute(
        select(WaitlistOffer, WaitlistEntry.earlier)
        .join(WaitlistEntry, WaitlistEntry.id == WaitlistOffer.entry_id)
        .where(WaitlistOffer.id.in_(sorted(ids)))
    )
    return {
        offer.id: LoadedOffer(
            offer=offer,
            moving=earlier,
        )
        for offer, earlier in rows
    }


def offer_unwanted(claim: Claim, loaded: LoadedOffer | None, now: datetime) -> str | None:
    """Why the message must not go out any more, or None when it still should."""
    if loaded is None:
        return "offer deleted"
    offer = loaded.offer
    if claim.kind == OFFER_KIND:
        if offer.status is not OfferStatus.PENDING:
            return f"offer {offer.status.value}"
        if hold_lapsed(expires_at=offer.expires_at, now=now):
            return "the offer lapsed before it could be sent"
        return None
    if claim.kind == GONE_KIND and now >= offer.starts_at:
        return "the slot has begun"
    return None
