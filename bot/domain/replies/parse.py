"""Reading a client's reply: confirm, cancel, reschedule, running late, or other.

Deterministic and explainable, in Russian (also typed in Latin letters), English, Spanish and
Turkish. A confirm/cancel mix-up is the worst possible error, so anything unclear is ``other``
and goes to a human. The order of the rules is the design:

1. The language is detected, and only its lexicon is used (see ``language``).
2. Parts that ask or suppose answer nothing (see ``reading``): "how do I cancel if I need to?"
   is ``other``; "Yes, I'll be there. Can I pay by card?" is a confirmation.
3. Running late beats everything ("yes, but 10 min late" is ``late``), and so does arriving
   after the booked start ("приду к 14:20" for 14:00).
4. A request to move, a refusal together with a proposal ("can't today, Friday?"), another day
   proposed without agreeing to the booked one, or a time relative to the booking ("an hour
   later?") is ``reschedule``.
5. Doubt ("not sure") and complaints are ``other``.
6. A refusal is ``cancel``; an agreement ``confirm``; a refusal with a firm agreement ("да,
   приду... хотя нет, не смогу") is ``other``, while a refusal with a mere "yes"/"confirming"
   ("Confirming I won't be there") is a cancellation.

``confidence`` says how sure the reading is. A cancellation below ``CANCEL_AT_ONCE`` (a bare
"no", an emoji, a refusal wrapped in other talk) is asked back before it is applied.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.day_parts import DayPart
from bot.domain.replies.dates import find_part, find_when, late_when
from bot.domain.replies.language import LEXICONS, detect_language
from bot.domain.replies.lexicon import Lexicon
from bot.domain.replies.reading import Reading, read
from bot.domain.replies.text import Intent, Reply, fold
from bot.domain.replies.typos import correct

#: a cancellation read from text at least this sure is applied at once; below, it is asked back
CANCEL_AT_ONCE = 0.9
_LATE_AT_MOST = timedelta(minutes=50)  # an arrival later than this is another time
_LONG = 30  # words: a longer message is read with less confidence
_TYPO_DOUBT = 0.9  # a reading that needed a typo fixed: a cancellation is then asked back


def intent_from_button(intent: str) -> Reply:
    """A button press is unambiguous."""
    return Reply(Intent(intent), None, 1.0)


def parse_reply(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    booked_at: datetime | None = None,
    locale_hint: str | None = None,
) -> Reply:
    """Read a client's message about the appointment that starts at ``booked_at``.

    ``locale_hint`` is the language to assume when the message is too short to tell (the
    client's stored language, else the salon's); ``Reply.language`` is the one used.
    """
    raw = text.strip()
    folded = fold(raw)
    language = detect_language(raw, folded, hint=locale_hint)
    if not folded:
        return Reply(Intent.OTHER, None, 0.0, language)
    if language is None:
        return replace(_unknown_language(raw, folded, now, tz, booked_at), language=None)
    return replace(
        _read_in(LEXICONS[language], raw, folded, now, tz, booked_at), language=language
    )


def _read_in(
    lexicon: Lexicon,
    raw: str,
    folded: str,
    now: datetime,
    tz: ZoneInfo,
    booked_at: datetime | None,
) -> Reply:
    """The reading with one language's words; a message that says nothing recognisable is read
    again with its typos fixed, less sure."""
    reading = read(folded, raw, lexicon)
    reply = _decide(raw, folded, lexicon, reading, now=now, tz=tz, booked_at=booked_at)
    if reply.intent is Intent.OTHER and reading.silent:
        corrected = correct(folded, lexicon)
        if corrected != folded:
            again = read(corrected, raw, lexicon)
            second = _decide(raw, corrected, lexicon, again, now=now, tz=tz, booked_at=booked_at)
            return replace(second, confidence=round(second.confidence * _TYPO_DOUBT, 2))
    return reply


def _unknown_language(
    raw: str, folded: str, now: datetime, tz: ZoneInfo, booked_at: datetime | None
) -> Reply:
    """A message too short to tell the language of, with no hint ("k", "si", "Evt"): read in
    each language; the answer stands only when every language that understands it agrees."""
    readings = [
        _read_in(lexicon, raw, folded, now, tz, booked_at) for lexicon in LEXICONS.values()
    ]
    answers = {reply.intent for reply in readings} - {Intent.OTHER}
    if len(answers) != 1:
        return Reply(Intent.OTHER, None, 0.4)
    return min(
        (reply for reply in readings if reply.intent is not Intent.OTHER),
        key=lambda reply: reply.confidence,
    )


def _decide(  # noqa: PLR0911, PLR0912 - the rules are an ordered list, each with its verdict
    raw: str,
    folded: str,
    lexicon: Lexicon,
    reading: Reading,
    *,
    now: datetime,
    tz: ZoneInfo,
    booked_at: datetime | None,
) -> Reply:
    """The verdict on one reading; see the module docstring for the order of the rules."""
    language = lexicon.code
    long = len(folded.split()) > _LONG

    if reading.confused:
        return Reply(Intent.OTHER, None, 0.4, language)
    agreed = reading.positive or reading.strong or reading.weak
    if reading.late and not (reading.refused and not agreed):
        arrival = late_when(folded, lexicon, now=now, tz=tz, booked_at=booked_at)
        return Reply(Intent.LATE, arrival, 0.9, language)
    proposed = None
    proposing = " , ".join(reading.proposing)
    if lexicon.date_cue.search(folded):
        proposed = find_when(
            proposing,
            lexicon,
            now=now,
            tz=tz,
            booked_at=booked_at,
            names_booking=not reading.reschedule,
        )
    if proposed is None and reading.refusals and lexicon.date_cue.search(folded):
        refused_day = " , ".join(reading.refusals)
        for day_word in (lexicon.today, lexicon.tomorrow):
            refused_day = day_word.sub(" ", refused_day)
        proposed = find_when(
            refused_day, lexicon, now=now, tz=tz, booked_at=booked_at, names_booking=True
        )
        if _is_booked_day(proposed, booked_at, tz):  # "can't make Saturday": the day refused
            proposed = None
        elif proposed is not None:
            proposing = refused_day
    if booked_at is not None and not reading.reschedule and _soon_after(proposed, booked_at):
        return Reply(Intent.LATE, proposed, 0.8, language)
    offers_day = proposed is not None and _differs(proposed, now, tz, booked_at)
    proposes = reading.proposal or reading.later_period
    later = reading.later_period and (reading.asked or reading.refused or reading.proposal)
    if (
        reading.reschedule
        or (later and not reading.strong)
        or (reading.refused and proposes and (reading.asked or offers_day))
    ):
        return Reply(
            Intent.RESCHEDULE, proposed, 0.85, language, _part(proposed, proposing, lexicon)
        )
    if offers_day and not (reading.positive or reading.strong) and not reading.supposed:
        return Reply(
            Intent.RESCHEDULE, proposed, 0.7, language, _part(proposed, proposing, lexicon)
        )
    if reading.doubt:
        return Reply(Intent.OTHER, None, 0.4, language)
    refused = reading.refused or reading.requested_cancel or (reading.bare_no and not agreed)
    if refused and (reading.strong or reading.positive):
        return Reply(Intent.OTHER, None, 0.3, language)
    if reading.complaint and not (refused or reading.strong or reading.positive):
        return Reply(Intent.OTHER, None, 0.5, language)
    if refused:
        sure = reading.requested_cancel or reading.refused
        confidence = 0.95 if sure else 0.75
        if reading.weak or reading.asked or reading.supposed or long:
            confidence -= 0.15
        return Reply(Intent.CANCEL, None, confidence, language)
    if agreed:
        return Reply(Intent.CONFIRM, None, 0.8 if long or reading.asked else 0.9, language)
    return Reply(Intent.OTHER, None, 0.5, language)


def answers_yes(text: str, *, locale_hint: str | None = None) -> bool | None:
    """The answer to a yes/no question ShowUp asked ("Cancel your visit?"): True for a plain
    yes ("да", "yes", "👍"), False for a plain no, None for anything else."""
    raw = text.strip()
    folded = fold(raw)
    lexicon = LEXICONS[detect_language(raw, folded, hint=locale_hint) or "en"]
    reading = read(folded, raw, lexicon)
    if reading.asked or reading.supposed or reading.doubt or reading.reschedule:
        return None
    plain_yes = reading.weak and not (reading.strong or reading.positive)
    if plain_yes and not (reading.bare_no or reading.refused):
        return True
    if reading.bare_no and not (reading.weak or reading.refused):
        return False
    return None


def speaks_of_the_visit(text: str, *, locale_hint: str | None = None) -> bool:
    """Whether a message speaks of the visit itself: coming ("приду", "I'll be there"), not
    coming or cancelling ("не смогу", "cancela mi cita"), moving it or running late. A bare
    yes or no, or one wrapped around another answer ("Да, к Марте", "no, anyone"), does not:
    that is how an answer to another question (the intake's, "what happened?") is told from
    a reply about the booking."""
    raw = text.strip()
    folded = fold(raw)
    lexicon = LEXICONS[detect_language(raw, folded, hint=locale_hint) or "en"]
    reading = read(folded, raw, lexicon)
    return any(
        (reading.strong, reading.refused, reading.requested_cancel, reading.reschedule,
         reading.late)
    )  # fmt: skip


def _differs(
    proposed: datetime | date, now: datetime, tz: ZoneInfo, booked_at: datetime | None
) -> bool:
    """Whether ``proposed`` is another day or time than the booked one (and not today)."""
    if booked_at is not None:
        booked = booked_at.astimezone(tz)
        if isinstance(proposed, datetime):
            return proposed != booked
        return proposed != booked.date()
    if isinstance(proposed, datetime):
        return True
    return proposed != now.astimezone(tz).date()


def _part(proposed: datetime | date | None, text: str, lexicon: Lexicon) -> DayPart | None:
    """The part of the day asked for, when no hour is ("el viernes por la tarde")."""
    return None if isinstance(proposed, datetime) else find_part(text, lexicon)


def _is_booked_day(
    proposed: datetime | date | None, booked_at: datetime | None, tz: ZoneInfo
) -> bool:
    """Whether ``proposed`` is just the booked day, with no time."""
    return (
        booked_at is not None
        and proposed is not None
        and not isinstance(proposed, datetime)
        and proposed == booked_at.astimezone(tz).date()
    )


def _soon_after(proposed: datetime | date | None, booked_at: datetime) -> bool:
    """Whether ``proposed`` is an arrival on the booked day, after the start and within
    ``_LATE_AT_MOST`` ("приду к 14:20" when booked at 14:00): running late, not a new time."""
    if not isinstance(proposed, datetime):
        return False
    return timedelta(0) < proposed - booked_at <= _LATE_AT_MOST
