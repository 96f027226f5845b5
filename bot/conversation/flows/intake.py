"""The intake: a new person's first questions (how they heard of the salon, a preferred
master, past experience), one at a time; the answers are stored on the client and the rules
follow (``policy``). States: ``intake:<step>``, the step whose answer is awaited.

A message that is a reply about a booking (``Cue.about_visit``: "да, приду", a tap, a voice
note…) is not taken as the answer: the booking flow handles it and the question is asked
again. A bare "yes" or "no" is an answer ("Do you want a particular master?" "No"); an answer
that asks something is kept and its question passed to the admins.
"""

from __future__ import annotations

from bot.channels.base import DialogReply
from bot.conversation.flows import policy
from bot.conversation.flows.turn import Cue, Turn
from bot.conversation.scripts import INTAKE_STEPS

PREFIX = "intake:"
#: what a new person may say in a form the intake cannot take as words (a voice note…)
SPOKEN = frozenset({"voice", "audio", "video", "video_note", "photo", "document"})


def _asks(text: str) -> bool:
    """An answer with a question in it ("Instagram. How much is a haircut?"): kept as the
    answer, and the question goes to the admins too."""
    return "?" in text


class Intake:
    name = "intake"

    async def pending(self, turn: Turn) -> bool:
        return turn.state.state.startswith(PREFIX)

    def takes(self, turn: Turn, cue: Cue) -> bool:
        message = turn.message
        return message.kind == "text" and message.button is None and not cue.about_visit

    async def start(self, turn: Turn, cue: Cue) -> list[DialogReply]:
        """A new person's first message: the first question. What they wrote reaches the
        admins as a new person's message; one about a booking, or a voice note or a photo, is
        told so (their own phone number, shared with the contact button, is not)."""
        first = INTAKE_STEPS[0]
        turn.state.state = f"{PREFIX}{first}"
        said_something = cue.about_visit or turn.message.kind in SPOKEN
        return (
            [turn.say("fallback", None), turn.step(first)]
            if said_something
            else [turn.step(first)]
        )

    async def answer(self, turn: Turn, cue: Cue) -> list[DialogReply]:
        client, state, message = turn.client, turn.state, turn.message
        step = state.state.removeprefix(PREFIX)
        client.intake = {**(client.intake or {}), step: message.text}
        if step == "heard_from":
            client.heard_from = message.text or None
        asks = await turn.to_admin(None, "other") if _asks(message.text) else []
        position = INTAKE_STEPS.index(step) if step in INTAKE_STEPS else len(INTAKE_STEPS)
        if position + 1 < len(INTAKE_STEPS):
            following = INTAKE_STEPS[position + 1]
            state.state = f"{PREFIX}{following}"
            return [*asks, turn.step(following)]
        return [*asks, *policy.show(turn)]

    async def resume(self, turn: Turn, cue: Cue) -> list[DialogReply]:
        """The question still waiting, asked again."""
        step = turn.state.state.removeprefix(PREFIX)
        return [turn.step(step if step in INTAKE_STEPS else INTAKE_STEPS[0])]
