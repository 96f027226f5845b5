"""The conversation flows, one module each, each owning its dialog states.

=============  ==========================  ================================================
flow           its pending step (state)    what answers it
=============  ==========================  ================================================
``booking``    ``asked_cancel``,           a yes or no to "cancel your visit?"; and every
               ``cancel?<state>``          message no other flow takes: taps and replies
                                           about a booking, questions, voice notes (to the
                                           admins)
``noshow``     an open no-show question;   the next free-text message (the reason); then a
               ``rebook``                  day or time for the missed visit
``waitlist``   an open waitlist offer;     a yes or no to the offer in words; in any state,
               "anything earlier?", "take  an earlier time or leaving the list (not a reply
               me off the list"            about the booking held, nor an unclear message)
``intake``     ``intake:<step>``           the next free-text message
``policy``     ``policy``                  "I agree": the tap, its label typed, a plain yes
=============  ==========================  ================================================

``bot.conversation.dialog.Dialog`` reads what a message carries (``turn.Cue``) and gives it to
the first flow (in this order) whose step is pending if that flow ``takes`` it, otherwise to
``booking``; "I agree" goes to ``policy`` in any state. Then the flow still pending, if another
one, resumes: asks its question again, or keeps it open. So a reply about a booking is
never taken as an intake answer or as agreeing to the rules, and nothing goes unanswered.

A new flow is a class with ``pending``, ``takes``, ``answer`` and ``resume`` (``Flow``), with
its own state names, placed in ``Dialog``'s list of flows (as the waitlist's was).
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
