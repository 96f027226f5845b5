"""Replies about a booking: confirm, cancel, reschedule, running late, by tap or in words.

A reply is applied to the appointment its button or replied-to message is about, else to the
client's next open appointment; a button of an appointment that changed since gets an honest
answer and changes nothing. A reschedule request is shown the free times (``reschedule``);
running late reaches the admins' inbox, and so does anything unclear, a voice note or a photo
("passed to the admin"). A cancellation read from text with less than ``CANCEL_AT_ONCE``
confidence is asked back with two buttons ("Yes, cancel" / "No, I'll come") before anything
changes; while that question is open the state is ``asked_cancel``, or ``cancel?<state>`` when
another flow's step waits behind it (that step is taken up again once the question is answered).
"""

from __future__ import annotations

from datetime import date, datetime

from bot.channels.base import Button, DialogReply
from bot.conversation.flows.reschedule import MOVE_INTENTS, Rescheduling
from bot.conversation.flows.turn import AGREE, IDLE, Cue, Turn
from bot.domain.appointments import Action, Actor, CancelledBy
from bot.domain.replies import CANCEL_AT_ONCE, Intent, Reply, answers_yes, intent_from_button
from bot.errors import IllegalTransitionError
from bot.ledger import appointments as ledger
from bot.ledger.attendance import late_cancel_excused
from db.models import Appointment

ASKED_CANCEL = "asked_cancel"  # waiting for the answer to "cancel your visit?"
ASKED_BEFORE = "cancel?"  # …with another flow's step waiting behind it: "cancel?intake:…"
BUTTON_INTENTS = frozenset(intent.value for intent in Intent)


def asked(state: str) -> bool:
    return state == ASKED_CANCEL or state.startswith(ASKED_BEFORE)


def _asking(state: str) -> str:
    """The state while "cancel your visit?" is open, keeping the step it interrupts."""
    behind = state.removeprefix(ASKED_BEFORE) if asked(state) else state
    return ASKED_CANCEL if behind in {IDLE, ASKED_CANCEL} else f"{ASKED_BEFORE}{behind}"


def _answered(state: str) -> str:
    """The state once "cancel your visit?" has had its answer (or was passed over)."""
    return state.removeprefix(ASKED_BEFORE) if state.startswith(ASKED_BEFORE) else IDLE


class BookingReplies:
    """The flow every message falls to when no other flow's step is waiting for it."""

    name = "booking"

    def __init__(self) -> None:
        self._moves = Rescheduling()

    async def pending(self, turn: Turn) -> bool:
        return asked(turn.state.state)

    def takes(self, turn: Turn, cue: Cue) -> bool:
        return True

    async def resume(self, turn: Turn, cue: Cue) -> list[DialogReply]:
        return []

    async def answer(self, turn: Turn, cue: Cue) -> list[DialogReply]:
        message, state = turn.message, turn.state
        was_asked = asked(state.state)
        if was_asked:
            state.state = _answered(state.state)
        if message.button is not None:
            return await self._tap(turn, message.button)
        if message.kind != "text":
            return await turn.to_admin(None, "other")
        return await self._words(turn, cue, asked=was_asked)

    async def _words(self, turn: Turn, cue: Cue, *, asked: bool) -> list[DialogReply]:
        """A reply in words: applied, asked back, or passed to the admins."""
        state = turn.state
        target = await turn.target()
        reply = self._read(turn, target, cue, asked=asked)
        if reply.intent is Intent.OTHER:
            return await turn.to_admin(target, "other")
        if target is None:
            if reply.intent is Intent.RESCHEDULE:  # no booking to move: a wish to book again
                return await self._move(turn, None, reply)
            return await turn.to_admin(None, "other")
        state.appointment_id = target.id
        if reply.intent is Intent.CANCEL and reply.confidence < CANCEL_AT_ONCE:
            state.state = _asking(state.state)
            return [turn.ask("confirm_cancel", target)]
        return await self._apply(turn, target, reply)

    def _read(self, turn: Turn, target: Appointment | None, cue: Cue, *, asked: bool) -> Reply:
        """A free-text reply about ``target``; after "cancel your visit?", a plain yes cancels
        and a plain no keeps the visit."""
        text = turn.message.text
        if asked:
            answer = answers_yes(text, locale_hint=turn.locale)
            if answer is not None:
                return Reply(Intent.CANCEL if answer else Intent.CONFIRM, None, 1.0)
        reply = cue.reply if cue.reply is not None else turn.read(text, target)
        if asked and reply.intent is Intent.CANCEL:
            return Reply(Intent.CANCEL, reply.when, 1.0, reply.language)
        return reply

    async def _tap(self, turn: Turn, button: Button) -> list[DialogReply]:
        """A reply button acts on its own appointment: the client's, in the version shown."""
        if button.intent == AGREE:  # the dispatcher gives these to the policy flow
            return []
        if button.intent in MOVE_INTENTS:  # a free time offered for moving a booking
            return await self._moves.tap(turn, button)
        target = await turn.session.get(Appointment, button.appointment_id)
        if target is None or target.client_id != turn.client.id:
            return await turn.to_admin(None, "other")
        if (
            target.version != button.version
            or not turn.is_open(target)
            or button.intent not in BUTTON_INTENTS  # a button of another release
        ):
            return [turn.say("ack_stale", target)]
        reply = intent_from_button(button.intent)
        if reply.intent is Intent.OTHER:
            return await turn.to_admin(target, "other")
        turn.state.appointment_id = target.id
        return await self._apply(turn, target, reply)

    async def _apply(self, turn: Turn, target: Appointment, reply: Reply) -> list[DialogReply]:
        who = ledger.Who(actor=Actor.CLIENT, channel=turn.message.channel)
        try:
            if reply.intent is Intent.CONFIRM:
                await ledger.mark_appointment(
                    turn.session,
                    appointment_id=target.id,
                    action=Action.CONFIRM,
                    who=who,
                    now=turn.now,
                )
                return [turn.say("ack_confirmed", target)]
            if reply.intent is Intent.CANCEL:
                cancelled = await ledger.cancel_appointment(
                    turn.session,
                    appointment_id=target.id,
                    cancelled_by=CancelledBy.CLIENT,
                    late_window=turn.setup.late_window,
                    who=who,
                    now=turn.now,
                    reason=turn.message.text[:500] or None,
                    policy=turn.setup.policy,
                )
                excused = cancelled.late_cancel and await late_cancel_excused(
                    turn.session, appointment_id=cancelled.id
                )
                late = cancelled.late_cancel
                return [turn.say("ack_cancelled", cancelled, late=late, excused=excused)]
        except IllegalTransitionError:
            return [turn.say("ack_stale", target)]
        if reply.intent is Intent.LATE:
            await ledger.note_running_late(
                turn.session,
                appointment_id=target.id,
                who=who,
                now=turn.now,
                text=turn.message.text,
            )
            await turn.to_admin(target, "running_late", reply=False)
            return [turn.say("ack_late", target)]
        return await self._move(turn, target, reply)

    async def _move(
        self, turn: Turn, target: Appointment | None, reply: Reply
    ) -> list[DialogReply]:
        """A wish for another time: the free times to move the booking to (``reschedule``);
        without a booking, or with moving in the chat off, to the admins (with the time, when
        one was named)."""
        if target is not None:
            offered = await self._moves.offer(turn, target, reply.when, reply.part)
            if offered is not None:
                return offered
        proposed = reply.when if isinstance(reply.when, datetime) else None
        await turn.to_admin(target, "reschedule_request", reply=False, proposed=proposed)
        return [turn.say("ack_reschedule", target, proposed=shown_time(turn, reply.when))]


def shown_time(turn: Turn, when: datetime | date | None) -> str | None:
    """A proposed time as the client's language writes it, or just the day when no hour was
    named; None when none was."""
    return turn.setup.scripts.when_text(when, turn.locale) if when is not None else None
