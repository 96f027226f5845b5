"""Reading a message about the waitlist: the answer to a slot offered ("да, беру!", "no puedo
a esa hora"), a wish for an earlier time ("есть что-нибудь раньше?"), a wish to leave the list
("ya no lo necesito").

The reading reuses the reply parser's: the same language detection, the same parts that ask or
suppose (``reading``), the same yes and no words; each language's lexicon adds the few phrases
only an offer has (``take``, ``pass_on``, ``sooner``, ``openings``, ``leave_list``,
``names_booking``). As for a booking, a slot taken by mistake costs more than a question to a
human: a message with a yes and a no, a doubt, a condition or only a question answers nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from babel import Locale as BabelLocale

from bot.domain.replies.language import LEXICONS, detect_language
from bot.domain.replies.lexicon import Lexicon
from bot.domain.replies.reading import Reading, read
from bot.domain.replies.text import fold


@dataclass(frozen=True, slots=True)
class _Read:
    lexicon: Lexicon
    folded: str
    reading: Reading


def _read(text: str, locale_hint: str | None) -> _Read:
    raw = text.strip()
    folded = fold(raw)
    lexicon = LEXICONS[detect_language(raw, folded, hint=locale_hint) or "en"]
    return _Read(lexicon, folded, read(folded, raw, lexicon))


#: "yes, but…": whatever follows may take the yes back ("да я бы с радостью но завтра занята")
CONTRAST = re.compile(
    r"(?<!\w)(?:но|однако|хотя|pero|aunque|sin embargo|ama|fakat|ancak|lakin|but|though|"
    r"however)(?!\w)"
)
WEAK_YES_WORDS = 3  # "ok" with more than this many words is no answer ("ок проверю и напишу")


@cache
def _day_names() -> re.Pattern[str]:
    """The days of the week in every language the replies are read in (folded, whole names,
    with a case ending: "в пятницу", "el sábado", "cumartesi")."""
    names: set[str] = set()
    for code in LEXICONS:
        days = BabelLocale.parse(code).days
        for context in ("format", "stand-alone"):
            names.update(fold(str(day)) for day in days[context]["wide"].values())
    stems = sorted({name.rstrip("аяеиоуыь") or name for name in names}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, stems)) + r")\w{0,3}(?!\w)")


def answers_offer(text: str, *, locale_hint: str | None = None) -> bool | None:
    """The answer to "a slot came free: do you want it?": True to take it, False to turn it
    down, None when the message does not say (a question, a doubt, both, neither).

    A slot taken by mistake costs a client a visit they did not want, so a yes counts only when
    nothing around it may take it back: not with a "but" ("sí, pero…"), not when the message
    names a day of the week (it may be about the booking held: "confirmo para el sábado"), not
    from an "ok" among other words ("ок проверю и напишу")."""
    seen = _read(text, locale_hint)
    folded, lexicon, reading = seen.folded, seen.lexicon, seen.reading
    if not folded or reading.doubt or reading.supposed or reading.confused or reading.late:
        return None
    passed = bool(lexicon.pass_on.search(folded))
    took = _takes(folded, lexicon)
    yes = took or reading.weak or reading.strong or reading.positive
    if CONTRAST.search(folded):
        return _after_but(seen, passed=passed, took=took)
    if _hedged(seen, yes=yes, took=took) or (reading.asked and not (took or passed)):
        return None  # "ok, and how much is it?": a question first
    if passed or reading.refused or reading.bare_no:
        if took or reading.strong:
            return None  # "да, беру... хотя нет"
        # "no... ok" says nothing
        unsure = reading.bare_no and reading.weak and not (passed or reading.refused)
        return None if unsure else False
    return True if yes else None


def _after_but(seen: _Read, *, passed: bool, took: bool) -> bool | None:
    """A message with a "but": "thanks but no" is a no; "yes, but…" says nothing yet."""
    reading = seen.reading
    last = list(CONTRAST.finditer(seen.folded))[-1]
    after = seen.folded[last.end() :].lstrip(" ,.!")
    said_no = passed or reading.refused or bool(seen.lexicon.no.match(after))
    return False if said_no and not (took or reading.strong or reading.weak) else None


def _hedged(seen: _Read, *, yes: bool, took: bool) -> bool:
    """A yes that may be about something else: a day of the week named ("confirmo para el
    sábado": maybe the booking held), or an "ok" among other words ("ок проверю и напишу")."""
    reading = seen.reading
    if yes and _day_names().search(seen.folded):
        return True
    only_ok = reading.weak and not (took or reading.strong)
    return only_ok and len(seen.folded.split()) > WEAK_YES_WORDS


def _takes(folded: str, lexicon: Lexicon) -> bool:
    """Whether a phrase that takes the slot stands outside every phrase that turns it down
    ("me viene bien" inside "uy no me viene bien" does not take it)."""
    covered: set[int] = set()
    for start in range(len(folded)):
        found = lexicon.pass_on.match(folded, start)
        if found is not None:
            covered.update(range(found.start(), found.end()))
    return any(
        not covered.issuperset(range(found.start(), found.end()))
        for found in lexicon.take.finditer(folded)
    )


def _offer_words(seen: _Read) -> bool:
    """Whether the message has a phrase only an offer's answer has ("беру", "no me viene")."""
    return bool(seen.lexicon.take.search(seen.folded) or seen.lexicon.pass_on.search(seen.folded))


def asks_earlier(text: str, *, locale_hint: str | None = None) -> bool:
    """Whether the message asks for an earlier time than the one booked ("anything earlier?",
    "¿hay hueco antes?", "daha erken yer var mı?"): a word for sooner with a question or a
    word for what is free, and no arrival ("I'll come earlier")."""
    seen = _read(text, locale_hint)
    folded, lexicon, reading = seen.folded, seen.lexicon, seen.reading
    if not lexicon.sooner.search(folded) or reading.late:
        return False
    return bool(reading.asked or lexicon.openings.search(folded)) and not (
        reading.strong and not reading.asked
    )


def asks_to_leave(text: str, *, locale_hint: str | None = None) -> bool:
    """Whether the message asks to be taken off the waitlist ("remove me from the waitlist",
    "уже не нужно", "ya no lo necesito"); a question about it is not."""
    seen = _read(text, locale_hint)
    if seen.reading.doubt or seen.reading.supposed:
        return False
    return bool(seen.lexicon.leave_list.search(seen.folded))


def names_the_booking(text: str, *, locale_hint: str | None = None) -> bool:
    """Whether the message is about the booking the client holds ("cancel my appointment
    tomorrow", "отмените мою запись"), not the slot offered."""
    seen = _read(text, locale_hint)
    return bool(seen.lexicon.names_booking.search(seen.folded))


class Meaning(StrEnum):
    """What a message means to the waitlist."""

    ACCEPT = "accept"  # takes the slot offered
    DECLINE = "decline"  # turns it down
    EARLIER = "earlier"  # "anything earlier?"
    LEAVE = "leave"  # "take me off the list"
    BOOKING = "booking"  # about the booking the client holds: the booking flow's
    OTHER = "other"  # none of these


def waitlist_meaning(
    text: str,
    *,
    locale_hint: str | None = None,
    offer_open: bool,
    waiting: bool,
    plain_answers: bool = True,
) -> Meaning:
    """What ``text`` means to the waitlist of a client who has an open offer (``offer_open``)
    and active entries (``waiting``). In this order: leaving the list (when on it), an earlier
    time, the booking they hold (cancelling it, moving it, running late), the offer's answer.
    Without ``plain_answers`` (a message about their booking went out after the offer) a bare
    "yes" or "no" is no answer to the offer: only its own words are ("беру", "no me viene")."""
    seen = _read(text, locale_hint)
    reading = seen.reading
    if waiting and asks_to_leave(text, locale_hint=locale_hint):
        return Meaning.LEAVE
    if asks_earlier(text, locale_hint=locale_hint):
        return Meaning.EARLIER
    if offer_open and seen.lexicon.keep_booking.search(seen.folded) and not reading.late:
        return Meaning.DECLINE  # "no, I'll keep my appointment"
    if reading.late or reading.reschedule or seen.lexicon.names_booking.search(seen.folded):
        return Meaning.BOOKING
    if offer_open:
        answer = answers_offer(text, locale_hint=locale_hint)
        if not plain_answers and not _offer_words(seen):
            answer = None
        if answer is not None:
            return Meaning.ACCEPT if answer else Meaning.DECLINE
    return Meaning.OTHER
