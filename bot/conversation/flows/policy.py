"""The salon's rules and the client's "I agree". State ``policy``: the rules were shown at the
end of the intake and the answer is awaited.

"I agree" is a tap (under the rules, or under a first booking confirmation that carries their
short form), its label typed, or a plain yes. Each tap gets a short thanks, and a second tap
changes nothing. A reply about a booking ("да, приду" with a booking to confirm) is not an
agreement: the booking flow handles it, and the rules are shown again after it, unless they
were shown less than ``RESHOW_AFTER`` ago (they are still right above, with their button: a
client who answers every reminder is not sent the rules every time).
"""

from __future__ import annotations

from datetime import timedelta

from bot.channels.base import DialogReply
from bot.conversation.flows.turn import AGREE, IDLE, Cue, Turn
from bot.domain.replies import Intent, fold

POLICY = "policy"
MAX_LABEL = 40  # longer than any button label: no need to render the script to compare
RESHOW_AFTER = timedelta(hours=24)  # the rules again after a booking reply, at most this often


def show(turn: Turn) -> list[DialogReply]:
    """The rules with their "I agree" button; the answer is awaited."""
    turn.state.state = POLICY
    turn.client.policy_shown_at = turn.now  # the last time the chat showed them
    return [turn.ask("policy", None)]


def agree(turn: Turn) -> list[DialogReply]:
    """The client accepts the rules (again: nothing changes); a short thanks."""
    turn.client.policy_accepted_at = turn.client.policy_accepted_at or turn.now
    if turn.state.state == POLICY:
        turn.state.state = IDLE
    return [turn.say("ack_agreed", None)]


def says_agree(turn: Turn) -> bool:
    """The "I agree" tap, or its label typed by a client who was shown the rules (in any
    state: on WhatsApp and in the console people type what the button says)."""
    message = turn.message
    if message.button is not None:
        return message.button.intent == AGREE
    return turn.client.policy_shown_at is not None and _label_typed(turn)


def _label_typed(turn: Turn) -> bool:
    if turn.message.kind != "text" or len(turn.message.text) > MAX_LABEL:
        return False
    _, labels = turn.setup.scripts.render_named(
        "policy", locale=turn.locale, variables=turn.variables(None)
    )  # the confirmation's "I agree" says the same in the default scripts
    typed = fold(turn.message.text).strip(" .!")
    return typed == fold(labels.get(AGREE, "")).strip(" .!")


class Policy:
    name = "policy"

    async def pending(self, turn: Turn) -> bool:
        return turn.state.state == POLICY

    def takes(self, turn: Turn, cue: Cue) -> bool:
        message = turn.message
        if message.kind != "text" or message.button is not None:
            return False
        return cue.intent is Intent.CONFIRM and not (cue.about_visit and cue.has_booking)

    async def answer(self, turn: Turn, cue: Cue) -> list[DialogReply]:
        return agree(turn)

    async def resume(self, turn: Turn, cue: Cue) -> list[DialogReply]:
        """After a reply about the client's booking, the rules again (they still await an
        answer) when they were last shown ``RESHOW_AFTER`` ago or more; after anything else (a
        question, a voice note, a booking matter without a booking), nothing: the rules stay
        above with their button."""
        if not (cue.about_visit and cue.has_booking):
            return []
        shown = turn.client.policy_shown_at
        return show(turn) if shown is None or turn.now - shown >= RESHOW_AFTER else []
