"""Conversations with clients: what an incoming message means and what ShowUp answers.

State lives in ``dialog_states`` (one row per client), so any process can take any message and a
restart forgets nothing. ``Dialog`` is the dispatcher: it finds (or creates) the client, reads
what the message carries, and hands it to a flow (``bot.conversation.flows``: intake, the rules,
the no-show answer, replies about a booking). A reply about a booking is handled as one in any
state, and the step it interrupted is asked again or kept open; an "I agree" tap is the rules'
in any state. Every message gets an answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import DialogReply, InboundMessage
from bot.conversation.flows import Flow, policy
from bot.conversation.flows.booking import ASKED_CANCEL, BookingReplies
from bot.conversation.flows.intake import Intake
from bot.conversation.flows.noshow import NoShowAnswers
from bot.conversation.flows.policy import POLICY, Policy
from bot.conversation.flows.turn import IDLE, DialogSetup, Turn
from bot.conversation.flows.waitlist import WaitlistAnswers
from bot.conversation.render import UNNAMED
from bot.conversation.waitlist_flow import WaitlistSetup
from bot.domain.locales import supported_locale
from bot.domain.replies import language_of
from bot.ledger.clients import Known, create_client, find_known, link_identity
from db.models import Client, DialogState

__all__ = ["ASKED_CANCEL", "IDLE", "POLICY", "Dialog", "DialogSetup"]


class Dialog:
    """Handles one inbound message inside the caller's transaction."""

    def __init__(
        self,
        session: AsyncSession,
        setup: DialogSetup,
        now: datetime,
        waitlist: WaitlistSetup | None = None,  # None: offers cannot be answered in words
    ) -> None:
        self._session = session
        self._setup = setup
        self._now = now
        self.client: Client | None = None  # set by handle(): who wrote
        self.client_id: int | None = None
        self.is_new = False  # …and whether they were a stranger until now
        self._booking = BookingReplies()
        self._intake = Intake()
        self._policy = Policy()
        #: the flows whose step may be pending, in this order: the question asked back, the
        #: no-show's (sent by us, with a deadline), then the intake's and the rules' (from
        #: the first contact). A waitlist offer (a slot held for a while) goes after the
        #: no-show's.
        self._flows: tuple[Flow, ...] = (
            self._booking,
            NoShowAnswers(),
            WaitlistAnswers(waitlist),
            self._intake,
            self._policy,
        )

    async def handle(
        self, message: InboundMessage, *, known: Known | None = None
    ) -> list[DialogReply]:
        """``known``: the sender's identity and client, when the caller looked them up."""
        client, is_new = await self._client(message, known)
        self.client, self.client_id, self.is_new = client, client.id, is_new
        client.locale = client.locale or language_of(message.text)
        state = await self._session.get(DialogState, client.id)
        if state is None:
            state = DialogState(client_id=client.id, state=IDLE, updated_at=self._now)
            self._session.add(state)
        state.updated_at = self._now
        turn = Turn(
            session=self._session,
            setup=self._setup,
            now=self._now,
            client=client,
            state=state,
            message=message,
        )
        turn.log("in", turn.text)
        replies = await self._dispatch(turn, is_new=is_new)
        for reply in replies:
            turn.log("out", reply.text)
        await self._session.flush()
        return replies

    async def _dispatch(self, turn: Turn, *, is_new: bool) -> list[DialogReply]:
        cue = await turn.cue()
        if is_new:
            return await self._intake.start(turn, cue)
        waiting = await self._pending(turn)
        handler: Flow = self._booking
        if policy.says_agree(turn):
            handler, replies = self._policy, policy.agree(turn)
        else:
            if waiting is not None and waiting.takes(turn, cue):
                handler = waiting
            replies = await handler.answer(turn, cue)
        turn.acted()
        after = await self._pending(turn)  # "cancel your visit?" may now wait in front
        if after is not None and after is not handler and after is not self._booking:
            replies += await after.resume(turn, cue)
        return replies

    async def _pending(self, turn: Turn) -> Flow | None:
        for flow in self._flows:
            if await flow.pending(turn):
                return flow
        return None

    async def _client(self, message: InboundMessage, known: Known | None) -> tuple[Client, bool]:
        known = known or await find_known(
            self._session, channel=message.channel, external_id=message.sender
        )
        if known is not None:
            known.identity.last_inbound_at = self._now
            return known.client, False
        client = await create_client(
            self._session,
            # the admins know a client without a profile name by their number, when it is told
            name=message.display_name or message.phone or UNNAMED,
            phone=None,
            phone_region=None,
            locale=supported_locale(message.language_code),
        )
        linked = await link_identity(
            self._session, client_id=client.id, channel=message.channel, external_id=message.sender
        )
        linked.last_inbound_at = self._now
        return client, True
