"""A waiting client's answer to a waitlist offer, in their language.

The offer message carries two buttons, ``waitlist_accept`` and ``waitlist_decline``, whose
payload is the offer's id (``Button.appointment_id``) and ``OFFER_VERSION``. The front desk
hands such a tap to :func:`answer_offer`; a free-text answer ("yes!", "no puedo a esa
hora") is read by the waitlist flow (``bot.conversation.flows.waitlist``) and handed to it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import DialogReply
from bot.conversation.render import MessageContext, addressable_name
from bot.conversation.scripts import ScriptBook
from bot.domain.appointments import Actor
from bot.domain.names import localized_name
from bot.domain.reminders import ReminderRules
from bot.domain.waitlist import OfferStatus, WaitlistRules
from bot.ledger.appointments import Who
from bot.ledger.attendance import AttendancePolicy
from bot.ledger.waitlist_answers import Answer, Outcome, accept_offer, decline_offer
from db.models import (
    Appointment,
    Client,
    OutboxStatus,
    ScheduledMessage,
    WaitlistEntry,
    WaitlistOffer,
)

ACCEPT = "waitlist_accept"
DECLINE = "waitlist_decline"
WAITLIST_INTENTS = frozenset({ACCEPT, DECLINE})
OFFER_VERSION = 1  # an offer's buttons carry (offer id, 1): an offer never changes


@dataclass(frozen=True, slots=True)
class WaitlistSetup:
    """What answering an offer needs: the salon's scripts and rules."""

    scripts: ScriptBook
    zone: ZoneInfo
    salon_name: str
    default_locale: str
    rules: ReminderRules
    waitlist: WaitlistRules
    policy: AttendancePolicy | None = None
    currency: str = "EUR"


def offer_context(
    offer: WaitlistOffer,
    *,
    moving: bool,
    locale: str,
    salon_name: str,
    zone: ZoneInfo,
    currency: str = "EUR",
) -> MessageContext:
    """The offer as a script sees it; its buttons carry (offer id, ``OFFER_VERSION``). A hold
    is told only when it ends before the slot starts (sequential mode)."""
    held = offer.expires_at < offer.starts_at
    return MessageContext(
        appointment_id=offer.id,
        version=OFFER_VERSION,
        client_name=addressable_name(offer.client.name),
        locale=locale,
        salon_name=salon_name,
        service=localized_name(offer.service.name, offer.service.names, locale),
        staff=localized_name(offer.staff.name, offer.staff.names, locale),
        starts_at=offer.starts_at,
        zone=zone,
        currency=currency,
        hold=offer.expires_at - offer.offered_at if held else None,
        moving=moving,
    )


async def answer_offer(
    session: AsyncSession,
    *,
    client: Client,
    offer_id: int,
    accept: bool,
    channel: str,
    setup: WaitlistSetup,
    now: datetime,
) -> DialogReply | None:
    """Accept or decline offer ``offer_id`` for ``client`` and say what came of it; None when
    the client has no such offer (the caller treats the message as any other)."""
    who = Who(actor=Actor.CLIENT, channel=channel)
    if accept:
        answer = await accept_offer(
            session,
            offer_id=offer_id,
            client_id=client.id,
            who=who,
            now=now,
            rules=setup.rules,
            waitlist_rules=setup.waitlist,
            policy=setup.policy,
        )
    else:
        answer = await decline_offer(
            session, offer_id=offer_id, client_id=client.id, who=who, now=now
        )
    if answer.offer is None:
        return None
    return await _reply(session, answer, client=client, setup=setup, accept=accept)


# an offer a free-text answer may be about (bound: client_id, now): open, and its message
# delivered (a client cannot answer what they never saw)
_OFFER_OPEN = (
    WaitlistOffer.client_id == bindparam("client_id"),
    WaitlistOffer.status == OfferStatus.PENDING,
    WaitlistOffer.offered_at <= bindparam("now"),
    WaitlistOffer.expires_at > bindparam("now"),
    select(ScheduledMessage.id)
    .where(
        ScheduledMessage.offer_id == WaitlistOffer.id,
        ScheduledMessage.status == OutboxStatus.SENT,
    )
    .exists(),
)
_OFFER_FOR_REPLY = (
    select(WaitlistOffer)
    .where(*_OFFER_OPEN)
    .order_by(WaitlistOffer.offered_at.desc(), WaitlistOffer.id.desc())
    .limit(1)
)
#: whether ``offer_for_reply`` finds one: a cheap test (bound: client_id, now)
HAS_OFFER_FOR_REPLY = select(WaitlistOffer.id).where(*_OFFER_OPEN).exists()


async def offer_for_reply(
    session: AsyncSession, *, client_id: int, now: datetime
) -> WaitlistOffer | None:
    """The client's open offer, newest first: what a free-text "yes" or "no" answers."""
    found: WaitlistOffer | None = await session.scalar(
        _OFFER_FOR_REPLY, {"client_id": client_id, "now": now}
    )
    return found


async def _reply(
    session: AsyncSession, answer: Answer, *, client: Client, setup: WaitlistSetup, accept: bool
) -> DialogReply:
    offer = answer.offer
    assert offer is not None  # noqa: S101 - checked by the caller
    locale = client.locale or setup.default_locale
    entry = await session.get(WaitlistEntry, offer.entry_id)
    moving = entry is not None and entry.earlier
    script = {
        Outcome.BOOKED: "waitlist_accepted",
        Outcome.MOVED: "waitlist_accepted",
        Outcome.DECLINED: "waitlist_declined",
        Outcome.GONE: "waitlist_gone",
        Outcome.LAPSED: "waitlist_gone",
    }.get(answer.outcome)
    if script is None:  # answered before: say again how it ended
        script = "waitlist_gone"  # for a "yes" after a "no", or after the hold ran out
        if offer.status is OfferStatus.ACCEPTED:
            script = "waitlist_accepted"
        elif offer.status is OfferStatus.DECLINED and not accept:
            script = "waitlist_declined"
    context = offer_context(
        offer,
        moving=moving,
        locale=locale,
        salon_name=setup.salon_name,
        zone=setup.zone,
        currency=setup.currency,
    )
    if answer.appointment is not None or offer.appointment_id is not None:
        appointment = answer.appointment or await session.get(Appointment, offer.appointment_id)
        if appointment is not None:
            context = replace(
                MessageContext.of(
                    appointment, locale=locale, salon_name=setup.salon_name, zone=setup.zone
                ),
                moving=moving,
            )
    variables = setup.scripts.variables(context=context, locale=locale)
    text, _ = setup.scripts.render_named(script, locale=locale, variables=variables)
    return DialogReply(text, outcome=script)
