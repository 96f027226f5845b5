"""The conversation flows, one module each, each owning its dialog states.

=============  ==========================  ================================================
flow           its pending step (state)    what answers it
=============  ==========================  ================================================
``intake``     ``intake:<step>``           the next free-text message
``policy``     ``policy``                  "I agree": the tap, its label typed, a plain yes
``noshow``     an open no-show question    the next free-text message (the reason)
``booking``    ``asked_cancel``,           everything else: taps and replies about a
               ``cancel?<state>``          booking, questions, voice notes (to the admins)
=============  ==========================  ================================================

``bot.conversation.dialog.Dialog`` reads what a message carries (``turn.Cue``), gives it to
the first flow whose step is pending if that flow ``takes`` it, and otherwise to ``booking``,
after which the pending flow ``resume``\\ s (asks its question again, or keeps it open). So a
reply about a booking is never taken as an intake answer or as agreeing to the rules.

A new flow (the waitlist's slot offers) is a class with ``pending``, ``takes``, ``answer``
and ``resume`` (``Flow``), with its own state names, added to ``Dialog``'s list of flows.
"""

from __future__ import annotations

from typing import Protocol

from bot.channels.base import DialogReply
from bot.conversation.flows.turn import Cue, Turn


class Flow(Protocol):
    name: str

    async def pending(self, turn: Turn) -> bool:
        """This flow has asked the client something and waits for the answer."""
        ...

    def takes(self, turn: Turn, cue: Cue) -> bool:
        """The message is the answer to this flow's pending step (not a reply about a
        booking, nor a voice note it cannot read)."""
        ...

    async def answer(self, turn: Turn, cue: Cue) -> list[DialogReply]:
        """Handle the answer; the replies to send."""
        ...

    async def resume(self, turn: Turn, cue: Cue) -> list[DialogReply]:
        """After another flow handled the message: the pending step asked again, or nothing
        when it stays open without being asked."""
        ...
