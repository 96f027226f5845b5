"""The waitlist in the client's own words: the answer to a slot offered ("sí, lo quiero", "no
puedo a esa hora"), "anything earlier?" ("¿hay hueco antes?") and "take me off the list" ("ya no
lo necesito"); the same in Russian and Turkish (``bot.domain.replies.waitlist``).

Pending while the client has an open offer (``offer_for_reply``): the next message that reads
as yes or no to it answers it (``answer_offer``, as the buttons do). A message about the booking
they hold ("cancel my appointment tomorrow", "I'm running late", a reply to its reminder) is the
booking flow's, and one that says neither ("how much is it?") goes to the admins: nothing is
accepted.
Asking for an earlier time, or to leave the list, is this flow's in any state in which no flow
before it waits: an entry (``wait_for_earlier``) for the client's next open booking, or the
client's entries removed. Without a booking, "anything earlier?" stays the booking flow's
(a wish for another time, to the admins), as before.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.base import DialogReply
from bot.conversation.flows.turn import Cue, Turn
from bot.conversation.waitlist_flow import WaitlistSetup, answer_offer, offer_for_reply
from bot.domain.appointments import Actor
from bot.domain.replies import Intent
from bot.domain.replies.waitlist import Meaning, waitlist_meaning
from bot.domain.slots import Slot
from bot.domain.waitlist import EntryStatus, OfferStatus
from bot.errors import InvalidInputError
from bot.ledger.appointments import Who
from bot.ledger.slots import find_slots
from bot.ledger.waitlist import list_entries, remove_entry, wait_for_earlier
from db.models import (
    Appointment,
    OutboxStatus,
    ScheduledMessage,
    WaitlistEntry,
    WaitlistOffer,
)

#: what this flow answers; anything else is another flow's
OURS = frozenset({Meaning.ACCEPT, Meaning.DECLINE, Meaning.EARLIER, Meaning.LEAVE})


class WaitlistAnswers:
    name = "waitlist"

    def __init__(self, setup: WaitlistSetup | None) -> None:
        self._setup = setup  # None: no waitlist in this dialog (offers cannot be answered)
        self._looked_up = False
        self._offer: WaitlistOffer | None = None
        self._entries: list[WaitlistEntry] = []
        self._meaning: Meaning | None = None

    async def _look_up(self, turn: Turn) -> None:
        if self._looked_up:
            return
        self._looked_up = True
        client_id = turn.client.id
        matters = await turn.open_matters()
        if matters.offer:
            self._offer = await offer_for_reply(turn.session, client_id=client_id, now=turn.now)
        if matters.entry:
            self._entries = await list_entries(
                turn.session, status=EntryStatus.ACTIVE, client_id=client_id
            )

    def _open(self, turn: Turn) -> WaitlistOffer | None:
        offer = self._offer
        if offer is None or offer.status is not OfferStatus.PENDING:
            return None
        return offer if offer.expires_at > turn.now else None

    async def _meaning_of(self, turn: Turn) -> Meaning:
        message = turn.message
        if message.kind != "text" or message.button is not None or self._setup is None:
            return Meaning.OTHER
        if self._meaning is None:
            await self._look_up(turn)
            offer = self._open(turn)
            meaning = waitlist_meaning(
                message.text,
                locale_hint=turn.locale,
                offer_open=offer is not None,
                waiting=bool(self._entries),
                plain_answers=offer is None or not await self._may_be_the_bookings(turn, offer),
            )
            if meaning is Meaning.EARLIER:
                target = await turn.target()
                if target is None:  # no booking to bring forward: to the admins, as before
                    meaning = Meaning.OTHER
                elif turn.read(message.text, target).when is not None:
                    meaning = Meaning.OTHER  # "earlier, on Thursday?": a move to that day
            self._meaning = meaning
        return self._meaning

    async def _may_be_the_bookings(self, turn: Turn, offer: WaitlistOffer) -> bool:
        """Whether a bare "yes" may be about a booking the client holds rather than the offer:
        they have an open booking (a reminder of it may be what they answer, whenever it was
        sent: "да, приду", "sí, ahí estaré"), or a message about one went out after the offer.
        Then only the offer's own words answer it ("me lo quedo", "I take it"), or a tap."""
        if await turn.target() is not None:
            return True
        found = await turn.session.scalar(
            select(ScheduledMessage.id)
            .join(Appointment, Appointment.id == ScheduledMessage.appointment_id)
            .where(
                Appointment.client_id == turn.client.id,
                ScheduledMessage.status == OutboxStatus.SENT,
                ScheduledMessage.sent_at > offer.offered_at,
                ScheduledMessage.sent_at <= turn.now,
            )
            .limit(1)
        )
        return found is not None

    async def pending(self, turn: Turn) -> bool:
        if self._setup is None:
            return False
        await self._look_up(turn)
        meaning = await self._meaning_of(turn)
        return self._open(turn) is not None or meaning in {Meaning.EARLIER, Meaning.LEAVE}

    def takes(self, turn: Turn, cue: Cue) -> bool:
        if turn.message.reply_to_appointment is not None:
            return False  # a reply to a message about a booking is about that booking
        if self._meaning in OURS:
            return True
        # a no that may be to the offer or to the booking held: a human tells, nothing is
        # cancelled (a "no" that names the booking, "cancel my appointment", is the booking's)
        return self._meaning is Meaning.OTHER and cue.intent is Intent.CANCEL

    async def resume(self, turn: Turn, cue: Cue) -> list[DialogReply]:
        """The offer stays open for the next message, without being asked again."""
        return []

    async def answer(self, turn: Turn, cue: Cue) -> list[DialogReply]:
        meaning = await self._meaning_of(turn)
        if meaning is Meaning.LEAVE:
            return await self._leave(turn)
        if meaning is Meaning.EARLIER:
            return await self._earlier(turn)
        offer = self._open(turn)
        assert self._setup is not None  # noqa: S101 - pending() said so
        reply = None
        if offer is not None and meaning in {Meaning.ACCEPT, Meaning.DECLINE}:
            reply = await answer_offer(
                turn.session,
                client=turn.client,
                offer_id=offer.id,
                accept=meaning is Meaning.ACCEPT,
                channel=turn.message.channel,
                setup=self._setup,
                now=turn.now,
            )
        if reply is None:  # unclear, or the offer ended meanwhile
            return await turn.to_admin(None, "other")
        return [reply]

    def _who(self, turn: Turn) -> Who:
        return Who(actor=Actor.CLIENT, channel=turn.message.channel)

    async def _leave(self, turn: Turn) -> list[DialogReply]:
        for entry in self._entries:
            await remove_entry(
                turn.session,
                entry_id=entry.id,
                who=self._who(turn),
                now=turn.now,
                reason=turn.message.text[:500] or None,
            )
        self._entries = []
        return [turn.say("waitlist_left", None)]

    async def _earlier(self, turn: Turn) -> list[DialogReply]:
        booking = await turn.target()
        assert booking is not None  # noqa: S101 - _meaning_of() said so
        turn.state.appointment_id = booking.id
        already = any(entry.service_id == booking.service_id for entry in self._entries)
        entry = await wait_for_earlier(
            turn.session,
            client_id=turn.client.id,
            who=self._who(turn),
            now=turn.now,
            appointment_id=booking.id,
        )
        if already:
            return [turn.say("waitlist_already", booking)]
        self._entries.append(entry)
        free = await self._free_before(turn, booking)
        shown = turn.setup.scripts.when_text(free.local, turn.locale) if free else None
        await turn.to_admin(
            booking,
            "waitlist_joined",
            reply=False,
            proposed=free.starts_at if free is not None else None,
            note={"code": "waitlist_joined", "params": {"entry": entry.id}},
        )
        return [turn.say("waitlist_joined", booking, proposed=shown)]

    async def _free_before(self, turn: Turn, booking: Appointment) -> Slot | None:
        """The first start free right now before the booking, with its master and service
        (None when there is none, or the booking is too far ahead to look)."""
        assert self._setup is not None  # noqa: S101 - pending() said so
        start = turn.now + self._setup.waitlist.min_notice
        if booking.starts_at <= start:
            return None
        try:
            found = await find_slots(
                turn.session,
                service_id=booking.service_id,
                staff_id=booking.staff_id,
                start=start,
                end=booking.starts_at,
                now=turn.now,
                limit=1,
            )
        except InvalidInputError:  # more days ahead than one search covers
            return None
        return found[0] if found else None
