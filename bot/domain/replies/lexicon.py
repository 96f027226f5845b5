"""What a lexicon holds (per language), compiled once into regexes over folded text.

Each language has its own words, so a word of one language never fires in another where it
means something else (Spanish "hasta" is not Turkish "hasta"). Phrases are regexes written in
natural spelling; they are folded (lower case, no diacritics, no repeated letters) like the
messages they are matched against. Upper-case regex escapes (``\\W``, ``\\D``) cannot be used:
folding lowers them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

from bot.domain.replies.text import fold, pattern


@dataclass(frozen=True, slots=True)
class Words:
    """One language's phrases, by the role they play in reading a reply."""

    noise: tuple[str, ...] = ()  # taken out first: "sorry for the late reply", "if possible"
    common: tuple[str, ...] = ()  # frequent words that only tell the language
    not_reschedule: tuple[str, ...] = ()  # "no need to reschedule", "перезапишусь сама"
    positive: tuple[str, ...] = ()  # negations that mean yes: "не забуду", "don't cancel"
    late: tuple[str, ...] = ()
    reschedule: tuple[str, ...] = ()  # asking to move the booking
    proposal: tuple[str, ...] = ()  # "can we", "давайте": a refusal plus this is a reschedule
    later_period: tuple[str, ...] = ()  # "next week"
    doubt: tuple[str, ...] = ()
    cancel: tuple[str, ...] = ()  # refusals and cancel verbs
    cancel_request: tuple[str, ...] = ()  # "please cancel", "I need to cancel"
    cancel_ask: tuple[str, ...] = ()  # "can you cancel it?": a request even as a question
    no: tuple[str, ...] = ()  # a bare no, at the start of the message
    confirm_strong: tuple[str, ...] = ()  # "I'll come": with a refusal, a contradiction
    confirm_weak: tuple[str, ...] = ()  # "yes", "ok": with a refusal, it just acknowledges
    question: tuple[str, ...] = ()  # at a clause's start, makes it a question without "?"
    ask_slots: tuple[str, ...] = ()  # "what other times do you have?": a wish to move
    confused: tuple[str, ...] = ()  # "I thought it was another day": never an answer
    wh: tuple[str, ...] = ()  # question words that only ask ("how do I reschedule?")
    surely_late: tuple[str, ...] = ()  # "no way I won't be late": read before the negations
    question_anywhere: tuple[str, ...] = ()  # particles: "ли", Turkish "mi"
    conditional: tuple[str, ...] = ()  # "if", "если": a hypothetical, never an action
    complaint: tuple[str, ...] = ()
    # a waitlist offer and the waitlist (``bot.domain.replies.waitlist``)
    take: tuple[str, ...] = ()  # taking an offered slot: "беру", "lo quiero", "alırım"
    pass_on: tuple[str, ...] = ()  # turning it down: "не подходит", "no me viene bien"
    sooner: tuple[str, ...] = ()  # an earlier time: "пораньше", "más pronto", "daha erken"
    openings: tuple[str, ...] = ()  # asking what is free: "есть", "hay hueco", "var mı"
    leave_list: tuple[str, ...] = ()  # "take me off the waitlist", "ya no lo necesito"
    names_booking: tuple[str, ...] = ()  # "my appointment", "cancel": about the booking held
    keep_booking: tuple[str, ...] = ()  # "I'll keep my appointment": a no to the offer
    # dates
    today: tuple[str, ...] = ()
    tomorrow: tuple[str, ...] = ()
    after_tomorrow: tuple[str, ...] = ()
    weekdays: tuple[tuple[str, ...], ...] = ()  # Monday first
    day_parts: tuple[tuple[str, ...], ...] = ()  # morning, afternoon, evening (``DayPart``)
    months: tuple[str, ...] = ()  # January first
    next_week_day: tuple[str, ...] = ()  # "next" before a weekday: the week after this one
    same_time: tuple[str, ...] = ()
    next_day: tuple[str, ...] = ()  # "the next day": the day after the booked one
    from_today: tuple[str, ...] = ()  # "a week from today": counted from now
    replaced: tuple[str, ...] = ()  # the old time or day being replaced: "instead of 3"
    later: tuple[str, ...] = ()  # "later", "позже": a duration after the booking
    earlier: tuple[str, ...] = ()
    instead: tuple[str, ...] = ()  # "instead": another day keeps the booked time
    hour: str = "(?!)"  # the unit words, as one alternation
    minute: str = "(?!)"
    day: str = "(?!)"
    week: str = "(?!)"
    in_: str = "(?!)"  # "in", "через": before a duration from now
    after: str = "(?!)"  # "sonra": after a duration (Turkish puts it last)
    numbers: dict[str, int] = field(default_factory=dict)  # words for small numbers
    ordinal: str = "(?!)"  # a day of the month on its own ("17-го", "the 19th"), one group


_ROLES = [
    "noise",
    "cancel_ask",
    "not_reschedule",
    "surely_late",
    "ask_slots",
    "confused",
    "positive",
    "late",
    "reschedule",
    "proposal",
    "later_period",
    "doubt",
    "cancel",
    "cancel_request",
    "confirm_strong",
    "confirm_weak",
    "question_anywhere",
    "conditional",
    "complaint",
    "take",
    "pass_on",
    "sooner",
    "openings",
    "leave_list",
    "names_booking",
    "keep_booking",
    "today",
    "tomorrow",
    "after_tomorrow",
    "next_week_day",
    "same_time",
    "next_day",
    "from_today",
    "replaced",
    "later",
    "earlier",
    "instead",
    "common",
]


class Lexicon:
    """A language's words compiled: one attribute per role, each a regex over folded text."""

    def __init__(self, code: str, words: Words) -> None:
        self.code = code
        self.words = words
        for role in _ROLES:
            setattr(self, role, pattern(*getattr(words, role)))
        self.no = re.compile("^" + pattern(*words.no).pattern.removeprefix(r"(?<!\w)"))
        alternatives = "|".join(f"(?:{fold(p)})" for p in words.question)
        self.question = re.compile(
            rf"^\W*(?:(?:а|и|and|but|so|y|pero|ve|peki|ama|also|ну|да|ok|oh|hi|hola)\W+)?"
            rf"(?:{alternatives or '(?!)'})(?!\w)"
        )
        wh = "|".join(f"(?:{fold(p)})" for p in words.wh)
        self.wh = re.compile(
            rf"^\W*(?:(?:а|и|and|but|so|y|pero|ve|peki|ama|also|ну|ok|oh|hi|hola)\W+)?"
            rf"(?:{wh or '(?!)'})(?!\w)"
        )
        self.weekdays = [pattern(*names) for names in words.weekdays]
        self.day_parts = [pattern(*names) for names in words.day_parts]
        self.months = [pattern(name) for name in words.months]
        self.month_alternation = "|".join(f"(?:{fold(name)})" for name in words.months)
        #: the units of durations, folded ("weeks?" is "weks?")
        self.hour, self.minute = fold(words.hour), fold(words.minute)
        self.day, self.week = fold(words.day), fold(words.week)
        self.in_, self.after = fold(words.in_), fold(words.after)
        #: whether a message may name a day or a time at all (dates are read only then)
        self.date_cue = pattern(
            *words.today,
            *words.tomorrow,
            *words.after_tomorrow,
            *words.next_day,
            *words.same_time,
            *words.later,
            *words.earlier,
            *words.next_week_day,
            *words.months,
            *(name for names in words.weekdays for name in names),
            rf"(?:{words.hour}|{words.minute}|{words.day}|{words.week})",
            *words.numbers,
            r"\w*\d\w*",
            r"noon|midday|mediodia|oglen|полдень|пол\w+го",
            r"четверт\w*",
            r"media hora|yarim|half",
        )
        self.numbers = {fold(word): value for word, value in words.numbers.items()}
        self.ordinal = re.compile(rf"(?<!\w){fold(words.ordinal)}(?!\w)")
        every = [
            phrase
            for role in fields(words)
            if role.name in _ROLES
            for phrase in getattr(words, role.name)
        ]
        #: every phrase of the language that is not a date word: how much of it a message has
        self.signal = pattern(
            *sorted(every, key=len, reverse=True),
            *words.no,
            *words.question,
            *words.wh,
            *words.months,
            *(name for names in words.weekdays for name in names),
        )

    noise: re.Pattern[str]
    not_reschedule: re.Pattern[str]
    common: re.Pattern[str]
    next_day: re.Pattern[str]
    from_today: re.Pattern[str]
    replaced: re.Pattern[str]
    positive: re.Pattern[str]
    late: re.Pattern[str]
    reschedule: re.Pattern[str]
    proposal: re.Pattern[str]
    later_period: re.Pattern[str]
    doubt: re.Pattern[str]
    cancel: re.Pattern[str]
    cancel_request: re.Pattern[str]
    cancel_ask: re.Pattern[str]
    confirm_strong: re.Pattern[str]
    confirm_weak: re.Pattern[str]
    question: re.Pattern[str]
    ask_slots: re.Pattern[str]
    confused: re.Pattern[str]
    wh: re.Pattern[str]
    surely_late: re.Pattern[str]
    question_anywhere: re.Pattern[str]
    conditional: re.Pattern[str]
    complaint: re.Pattern[str]
    take: re.Pattern[str]
    pass_on: re.Pattern[str]
    sooner: re.Pattern[str]
    openings: re.Pattern[str]
    leave_list: re.Pattern[str]
    names_booking: re.Pattern[str]
    keep_booking: re.Pattern[str]
    today: re.Pattern[str]
    tomorrow: re.Pattern[str]
    after_tomorrow: re.Pattern[str]
    next_week_day: re.Pattern[str]
    same_time: re.Pattern[str]
    later: re.Pattern[str]
    earlier: re.Pattern[str]
    instead: re.Pattern[str]
