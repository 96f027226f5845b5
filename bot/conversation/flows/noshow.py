"""The answer to "what happened?" after a no-show: the reason is recorded (and the miss decided:
forgiven or a strike), the client is thanked and offered a new time; a time they propose goes
to the admins as a rebooking request. Pending while the question was sent, is unanswered and
its deadline has not passed (a ``NoShowFollowUp`` row), and then, for the next message only,
while the offer of a new time waits (state ``rebook``, about the missed appointment): "на
четверг" then is a rebooking request for the missed visit, not a move of another booking.

A reply about another, open booking ("да, приду" to its reminder, a tap, "отмените и пятницу")
is handled by the booking flow and the question stays open for the next message. A wish to
come another time is the answer's rebooking request, not a move of another booking.
"""

from __future__ import annotations

from datetime import datetime

from bot.channels.base import DialogReply
from bot.conversation.flows.booking import shown_time
from bot.conversation.flows.intake import PREFIX as INTAKE
from bot.conversation.flows.turn import IDLE, Cue, Turn
from bot.domain.replies import Intent
from bot.ledger.attendance import open_followup, record_answer
from db.models import Appointment, NoShowFollowUp

#: the intents that, about an open booking, are replies to it rather than the answer
ABOUT_ANOTHER = frozenset({Intent.CONFIRM, Intent.CANCEL, Intent.LATE})
REBOOK = "rebook"  # "would you like another time?" was asked about state.appointment_id


class NoShowAnswers:
    name = "noshow"

    def __init__(self) -> None:  # one per message (``Dialog``): what it finds is kept
        self._looked_up = False
        self._open: NoShowFollowUp | None = None

    async def _followup(self, turn: Turn) -> NoShowFollowUp | None:
        if turn.setup.policy is None:
            return None
        if not self._looked_up:
            self._looked_up = True
            if (await turn.open_matters()).followup:
                self._open = await open_followup(
                    turn.session, client_id=turn.client.id, now=turn.now
                )
        return self._open

    async def pending(self, turn: Turn) -> bool:
        followup = await self._followup(turn)
        return turn.state.state == REBOOK or (
            followup is not None and followup.answered_at is None
        )

    def takes(self, turn: Turn, cue: Cue) -> bool:
        message = turn.message
        if message.kind != "text" or message.button is not None:
            return False
        if turn.state.state == REBOOK:
            wish = turn.read(message.text, None)
            return message.reply_to_appointment is None and (
                wish.when is not None or wish.intent is Intent.RESCHEDULE
            )
        return not (cue.about_visit and cue.has_booking and cue.intent in ABOUT_ANOTHER)

    async def resume(self, turn: Turn, cue: Cue) -> list[DialogReply]:
        """The question stays open (the next message answers it); an offer of a new time
        lasts one message."""
        if turn.state.state == REBOOK:
            turn.state.state = IDLE
        return []

    async def answer(self, turn: Turn, cue: Cue) -> list[DialogReply]:
        if turn.state.state == REBOOK:
            return await self._rebook(turn)
        followup = await self._followup(turn)
        policy = turn.setup.policy
        assert followup is not None  # noqa: S101 - pending() said so
        assert policy is not None  # noqa: S101 - …and it needs a policy
        text = turn.message.text
        reason = await record_answer(
            turn.session, followup=followup, text=text, policy=policy, now=turn.now
        )
        missed = await turn.session.get(Appointment, followup.appointment_id)
        await turn.to_admin(
            missed,
            "noshow_reason",
            reply=False,
            text=text,
            note={
                "code": "noshow_reason",
                "params": {"reason": reason.value, "decision": followup.decision},
            },
        )
        wish = turn.read(text, None)
        shown = None  # the day or time they named, when they did: passed on, not asked again
        if wish.when is not None or wish.intent is Intent.RESCHEDULE:
            proposed = wish.when if isinstance(wish.when, datetime) else None
            await turn.to_admin(missed, "reschedule_request", reply=False, proposed=proposed)
            shown = shown_time(turn, wish.when)
        elif turn.state.state == IDLE or turn.state.state.startswith(INTAKE):
            # the thanks asks when would suit them: the next message may say (an intake
            # still open from the first contact is closed; the rules would stay first)
            turn.state.state = REBOOK
            turn.state.appointment_id = followup.appointment_id
        return [turn.say("noshow_reply", missed, proposed=shown)]

    async def _rebook(self, turn: Turn) -> list[DialogReply]:
        """A time for the missed visit, after "would you like another time?"."""
        turn.state.state = IDLE
        missed_id = turn.state.appointment_id
        missed = await turn.session.get(Appointment, missed_id) if missed_id else None
        wish = turn.read(turn.message.text, None)
        proposed = wish.when if isinstance(wish.when, datetime) else None
        await turn.to_admin(missed, "reschedule_request", reply=False, proposed=proposed)
        return [turn.say("ack_reschedule", None, proposed=shown_time(turn, wish.when))]
