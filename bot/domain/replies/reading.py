"""What each part of a message says: the answer it gives, or that it only asks or supposes.

A message is cut into sentences, and sentences into comma-separated parts. A sentence with a
conditional ("if", "если", "si llego", "gelemezsem") supposes, and answers nothing; a part that
ends in "?" or starts with a question word asks, and answers nothing either, except a request to
move or to cancel ("can we move it to Friday?", "could you cancel it?"). Whatever a part asks
or supposes, the words that say yes despite a negation ("don't cancel", "не могу не прийти")
are taken out before the refusals are looked for, so their negation cannot turn into a no.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.domain.replies.lexicon import Lexicon

_SENTENCES = re.compile(
    r"(?<=[.!?;…])\s+|\n+|(?<=[?!])(?=\w)|\s+(?:but|pero|но|ama|fakat|however)\s+"
)
_PARTS = re.compile(r"\s*,\s*|\s+-\s+")
YES_EMOJI = re.compile(
    "[\U0001f44d\U0001f44c\u2705\u2714\U0001f197\U0001f64c\U0001f91d\U0001f4af]"
)
NO_EMOJI = re.compile("[\u274c\U0001f44e\U0001f6ab\u26d4\U0001f645\u2716]")


@dataclass(slots=True)
class Reading:
    """The signals found in the parts of a message that answer (not ask, not suppose)."""

    positive: bool = False
    late: bool = False
    reschedule: bool = False
    proposal: bool = False
    later_period: bool = False
    doubt: bool = False
    refused: bool = False
    requested_cancel: bool = False
    bare_no: bool = False
    strong: bool = False
    weak: bool = False
    complaint: bool = False
    confused: bool = False  # "I thought it was another day"
    asked: bool = False  # some part asks something
    supposed: bool = False  # some sentence is a hypothetical
    refusals: list[str] = field(default_factory=list)  # the parts that refuse
    proposing: list[str] = field(default_factory=list)  # the other parts that may propose

    @property
    def silent(self) -> bool:
        """Nothing was recognised at all: no answer, no question, no doubt."""
        return not any(
            (self.positive, self.late, self.reschedule, self.proposal, self.later_period,
             self.doubt, self.refused, self.requested_cancel, self.bare_no, self.strong,
             self.weak, self.complaint, self.confused, self.asked, self.supposed)
        )  # fmt: skip


def read(folded: str, raw: str, lexicon: Lexicon) -> Reading:
    """Collect the signals of ``folded`` (the message, folded) part by part."""
    reading = Reading()
    stripped = raw.strip()
    if stripped in {"+", "++", "+++"} or (YES_EMOJI.search(raw) and not NO_EMOJI.search(raw)):
        reading.weak = True
    if stripped in {"-", "--"} or (NO_EMOJI.search(raw) and not YES_EMOJI.search(raw)):
        reading.bare_no = True
    if lexicon.no.match(lexicon.positive.sub(" ", folded).lstrip(" ,.!")):
        reading.bare_no = True
    if lexicon.confused.search(folded):
        reading.confused = True
        return reading
    for said in _SENTENCES.split(folded):
        if not said or not said.strip(" .!?"):
            continue
        sentence = lexicon.noise.sub(" ", said)
        if lexicon.conditional.search(sentence):
            reading.supposed = True
            continue
        if lexicon.complaint.search(sentence):
            reading.complaint = True
            reading.asked |= "?" in sentence
            continue
        parts = [p for p in _PARTS.split(sentence) if p.strip(" .!?")]
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if (last and "?" in sentence) or _asks(part, lexicon, first=index == 0):
                reading.asked = True
                _asked_part(part, lexicon, reading)
            else:
                _answering_part(part, lexicon, reading)
    return reading


def _asks(part: str, lexicon: Lexicon, *, first: bool) -> bool:
    """Whether a part asks: a "?" or "¿", a question particle, or a question word opening the
    sentence ("как отменить, если что"); later in a sentence such a word is a conjunction
    ("no lo cambiéis, que voy")."""
    return (
        "?" in part
        or part.lstrip().startswith("¿")
        or bool(lexicon.question_anywhere.search(part))
        or (first and bool(lexicon.question.match(part) or lexicon.wh.match(part)))
    )


def _asked_part(part: str, lexicon: Lexicon, reading: Reading) -> None:
    """A question can still ask to move the booking, or ask the salon to cancel it; one that
    starts with a question word ("how do I reschedule?") only asks."""
    reading.proposing.append(part)
    if lexicon.wh.match(part):
        reading.reschedule |= bool(lexicon.ask_slots.search(part))
        return
    _, part = _take(lexicon.not_reschedule, part)
    positive, part = _take(lexicon.positive, part)
    reading.positive |= positive and not lexicon.conditional.search(part)
    reading.reschedule |= bool(lexicon.reschedule.search(part))
    reading.proposal |= bool(lexicon.proposal.search(part))
    reading.later_period |= bool(lexicon.later_period.search(part))
    if lexicon.cancel_ask.search(part) and not lexicon.conditional.search(part):
        reading.requested_cancel = True


def _answering_part(part: str, lexicon: Lexicon, reading: Reading) -> None:
    _, part = _take(lexicon.not_reschedule, part)
    late, part = _take(lexicon.surely_late, part)
    reading.late |= late
    positive, part = _take(lexicon.positive, part)
    reading.positive |= positive
    reading.late |= bool(lexicon.late.search(part))
    reading.reschedule |= bool(lexicon.reschedule.search(part))
    reading.proposal |= bool(lexicon.proposal.search(part))
    reading.later_period |= bool(lexicon.later_period.search(part))
    reading.doubt |= bool(lexicon.doubt.search(part))
    requested, _ = _take(lexicon.cancel_request, part)
    reading.requested_cancel |= requested
    refused, rest = _take(lexicon.cancel, part)
    (reading.refusals if refused else reading.proposing).append(part)
    part = rest
    reading.refused |= refused or requested
    reading.strong |= bool(lexicon.confirm_strong.search(part))
    reading.weak |= bool(lexicon.confirm_weak.search(part))


def _take(pattern: re.Pattern[str], text: str) -> tuple[bool, str]:
    """Whether ``pattern`` occurs, and the text with its occurrences blanked out."""
    rest, count = pattern.subn(" ", text)
    return count > 0, rest
