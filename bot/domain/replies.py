"""Understanding a client's free-text reply: confirm, cancel, reschedule, running late, or other.

Deterministic and fast (no I/O, precompiled patterns), in Russian (also typed in Latin letters),
English, Spanish and Turkish, mixed freely in one message. The order of the checks is the
design; a confirm/cancel mix-up is the worst possible error, so anything unclear is ``other``
and goes to a human:

1. Idioms that contain a negation but mean yes ("не забуду", "can't wait", "no problem") are
   read first and taken out of the text, so their negation cannot turn into a cancellation.
2. Running late beats everything ("yes, but 10 min late" is ``late``).
3. An explicit request to move, or a refusal together with a proposal ("can't today, can we do
   Friday?", "не смогу, давайте на следующей неделе"), is ``reschedule``; so is another day
   proposed without agreeing to the booked one ("давайте на послезавтра").
4. Doubt ("not sure", "может быть") is ``other``.
5. A refusal is ``cancel``, an agreement ``confirm``; both at once is ``other``, and so is an
   agreement phrased as a question ("Да? А во сколько?").

Dates and times ("tomorrow at 5 pm", "в четверг", "el viernes", "yarın saat 17'de", "25.11")
are read against ``now`` in the salon's zone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Intent(StrEnum):
    CONFIRM = "confirm"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    LATE = "late"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Reply:
    intent: Intent
    when: datetime | date | None = None
    confidence: float = 0.0


def normalize(text: str) -> str:
    """Lower case, diacritics folded (ğ→g, ñ→n, й→и, ё→е), apostrophes unified, one space."""
    lowered = text.replace("İ", "i").replace("I", "i").lower().replace("ı", "i")
    lowered = lowered.replace("’", "'").replace("`", "'").replace("´", "'")
    decomposed = unicodedata.normalize("NFKD", lowered)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(folded.split())


def _pattern(*phrases: str) -> re.Pattern[str]:
    """One regex for many phrases; each phrase is itself a regex over normalized text."""
    alternatives = "|".join(f"(?:{normalize(p)})" for p in phrases)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


# 1. negations that mean yes, read and removed first
POSITIVE_IDIOMS = _pattern(
    r"не забуду",
    r"не подведу",
    r"не переживайте",
    r"не волнуйтесь",
    r"без проблем",
    r"can'?t wait",
    r"no problem",
    r"no worries",
    r"won'?t forget",
    r"will not forget",
    r"sin problema",
    r"no te preocupes",
    r"no se preocupe",
    r"unutmam",
    r"sorun yok",
)
LATE = _pattern(
    r"опаздыва\w*",
    r"опозда\w*",
    r"задерж\w*",
    r"буду (?:чуть |немного )?позже",
    r"opazdyva\w*",
    r"opozda\w*",
    r"zaderzh\w*",
    r"late",
    r"running behind",
    r"(?:llego|llegare|llegar|voy|ire)\b(?:\s+\w+){0,3}\s+tarde",
    r"retras\w*",
    r"gec kal\w*",
    r"gecik\w*",
)
RESCHEDULE = _pattern(
    r"перенес\w*",
    r"перенос\w*",
    r"перенест\w*",
    r"другое время",
    r"другой день",
    r"другую дату",
    r"попозже",
    r"пораньше",
    r"сдвину\w*",
    r"подвину\w*",
    r"perenes\w*",
    r"perenos\w*",
    r"reschedul\w*",
    r"move (?:it|my|the)",
    r"another (?:time|day|date)",
    r"change (?:it|the)",
    r"instead",
    r"can we do",
    r"could we do",
    r"any chance for",
    r"come later",
    r"later time",
    r"cambiar",
    r"reprogram\w*",
    r"otro dia",
    r"otra hora",
    r"otro momento",
    r"pasarla",
    r"ertele\w*",
    r"baska (?:bir )?(?:gun|saat|zaman)",
    r"degistir\w*",
)
PROPOSAL = _pattern(
    r"можно",
    r"давайте",
    r"может",
    r"следующей неделе",
    r"mozhno",
    r"davayte",
    r"can we",
    r"could we",
    r"can i",
    r"could i",
    r"how about",
    r"maybe",
    r"next week",
    r"puede ser",
    r"se puede",
    r"podemos",
    r"semana que viene",
    r"proxima semana",
    r"olur mu",
    r"olabilir mi",
    r"alabilir miyiz",
    r"haftaya",
)
LATER_PERIOD = _pattern(
    r"следующей неделе",
    r"на неделе",
    r"next week",
    r"later this week",
    r"semana que viene",
    r"proxima semana",
    r"haftaya",
    r"gelecek hafta",
)
DOUBT = _pattern(
    r"не знаю",
    r"не уверен\w*",
    r"подумаю",
    r"может быть",
    r"посмотрим",
    r"ne znayu",
    r"not sure",
    r"i'?ll think",
    r"maybe",
    r"perhaps",
    r"don'?t know",
    r"quizas?",
    r"tal vez",
    r"no se",
    r"ya vere\w*",
    r"belki",
    r"bilmiyorum",
    r"emin degil\w*",
    r"bakaca\w*",
)
CANCEL = _pattern(
    r"не смогу",
    r"не приду",
    r"не получится",
    r"не буду",
    r"не сможем",
    r"не успею",
    r"не успеваю",
    r"не могу",
    r"отмен\w*",
    r"ne smogu",
    r"ne pridu",
    r"ne poluchitsya",
    r"otmen\w*",
    r"can'?t(?: \w+)?",
    r"cannot",
    r"can not",
    r"won'?t (?:\w+ )?(?:come|be able|make it)",
    r"will not (?:come|be able)",
    r"not coming",
    r"unable",
    r"cancel\w*",
    r"not going to make",
    r"no puedo",
    r"no podre",
    r"no voy a poder",
    r"no ire",
    r"no vo[yi]",
    r"cancel\w*",
    r"anul\w*",
    r"no asistire",
    r"no podre asistir",
    r"gelemeyecegim",
    r"gelemem",
    r"gelemiyorum",
    r"gelmeyecegim",
    r"gelemeyiz",
    r"iptal\w*",
)
BARE_NO = re.compile(r"^(?:нет|net|no|nope|hayir)(?!\w)")
CONFIRM = _pattern(
    r"да",
    r"приду",
    r"буду",
    r"подтвержда\w*",
    r"в силе",
    r"ок",
    r"окей",
    r"хорошо",
    r"конечно",
    r"обязательно",
    r"угу",
    r"ага",
    r"договорились",
    r"до встречи",
    r"da",
    r"pridu",
    r"budu",
    r"podtverzhda\w*",
    r"yes",
    r"yep",
    r"yeah",
    r"sure",
    r"confirm\w*",
    r"i'?ll be there",
    r"will be there",
    r"i'?ll come",
    r"i will come",
    r"see you",
    r"ok",
    r"okay",
    r"absolutely",
    r"definitely",
    r"sounds good",
    r"still on",
    r"coming",
    r"count me in",
    r"si",
    r"confirmo",
    r"alli estare",
    r"voy",
    r"ire",
    r"vale",
    r"nos vemos",
    r"claro",
    r"perfecto",
    r"de acuerdo",
    r"evet",
    r"gelecegim",
    r"geliyorum",
    r"onayliyorum",
    r"onay\w*",
    r"tamam\w*",
    r"gorusuruz",
    r"orada olacagim",
)
QUESTION_WORDS = _pattern(
    r"во сколько",
    r"когда",
    r"сколько",
    r"где",
    r"кто",
    r"what time",
    r"when",
    r"where",
    r"a que hora",
    r"cuando",
    r"donde",
    r"saat kac\w*",
    r"ne zaman",
    r"nerede",
)
YES_EMOJI = re.compile("[\U0001f44d\U0001f44c\u2705\u2714\U0001f197]")
NO_EMOJI = re.compile("[\u274c\U0001f44e\U0001f6ab\u26d4]")

# --- dates and times ------------------------------------------------------------------------

_WEEKDAYS = [
    ("понедельник\\w*", "ponedelnik\\w*", "monday", "lunes", "pazartesi\\w*"),
    ("вторник\\w*", "vtornik\\w*", "tuesday", "martes", "sali\\w*"),
    ("сред[аyу]", "sred[ua]", "wednesday", "miercoles", "carsamba\\w*"),
    ("четверг\\w*", "chetverg\\w*", "thursday", "jueves", "persembe\\w*"),
    ("пятниц\\w*", "pyatnic\\w*", "friday", "viernes", "cuma(?!rtesi)\\w*"),
    ("суббот\\w*", "subbot\\w*", "saturday", "sabado", "cumartesi\\w*"),
    ("воскресен\\w*", "voskresen\\w*", "sunday", "domingo", "pazar(?!tesi)\\w*"),
]
WEEKDAY = [_pattern(*names) for names in _WEEKDAYS]
TODAY = _pattern(r"сегодня", r"segodnya", r"today", r"hoy", r"bugun")
TOMORROW = _pattern(r"завтра", r"zavtra", r"tomorrow", r"manana(?! por)", r"yarin")
AFTER_TOMORROW = _pattern(
    r"послезавтра", r"poslezavtra", r"day after tomorrow", r"pasado manana", r"obur gun"
)
DAY_MONTH = re.compile(r"(?<![\d.:])(\d{1,2})[./](\d{1,2})(?![\d:])")
CLOCK = re.compile(r"(?<![\d.])(\d{1,2}):(\d{2})(?!\d)")
AT_HOUR = re.compile(
    r"(?:(?<!\w)(?:в|к|at|a las|a la|saat|v)\s+|часов в\s+)(\d{1,2})(?!\s*(?:мин|min|dak))"
    r"(?:\s*(am|pm|утра|вечера|дня|de la tarde|de la noche|de la manana))?(?![\d:])"
)
HOUR_SUFFIX = re.compile(
    r"(?<![\d.:])(\d{1,2})\s*(am|pm)\b|(?<![\d.:])(\d{1,2})'?(?:de|da|te|ta)(?!\w)"
)
_PM = {"pm", "вечера", "дня", "de la tarde", "de la noche"}


def _hour(number: int, marker: str | None) -> int | None:
    if not 0 <= number <= 23:
        return None
    if marker in _PM and number < 12:
        return number + 12
    if marker == "am" and number == 12:
        return 0
    if marker is None and 1 <= number <= 7:
        return number + 12  # "at 5" in a salon means the afternoon
    return number


def _find_time(text: str) -> time | None:
    if match := CLOCK.search(text):
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours <= 23 and minutes <= 59:
            return time(hours, minutes)
    if match := AT_HOUR.search(text):
        marker = normalize(match.group(2)) if match.group(2) else None
        if (at := _hour(int(match.group(1)), marker)) is not None:
            return time(at)
    if match := HOUR_SUFFIX.search(text):
        number = match.group(1) or match.group(3)
        if (suffixed := _hour(int(number), match.group(2))) is not None:
            return time(suffixed)
    return None


def _find_day(text: str, today: date) -> date | None:  # noqa: PLR0911 - one return per form
    """The most specific day named: a weekday or a date beats "tomorrow", which beats "today"
    ("can't tomorrow, can we do Friday?" proposes Friday)."""
    for weekday, pattern in enumerate(WEEKDAY):
        if pattern.search(text):
            ahead = (weekday - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead)
    if match := DAY_MONTH.search(text):
        day, month = int(match.group(1)), int(match.group(2))
        try:
            found = date(today.year, month, day)
        except ValueError:
            return None
        return found if found >= today else date(today.year + 1, month, day)
    if AFTER_TOMORROW.search(text):
        return today + timedelta(days=2)
    if TOMORROW.search(text):
        return today + timedelta(days=1)
    if TODAY.search(text):
        return today
    return None


def find_when(text: str, *, now: datetime, tz: ZoneInfo) -> datetime | date | None:
    """The day and/or time a normalized message proposes, in ``tz``; a time alone is today's
    (tomorrow's when it has passed)."""
    local_now = now.astimezone(tz)
    day = _find_day(text, local_now.date())
    at = _find_time(text)
    if at is None:
        return day
    if day is None:
        day = local_now.date()
        if at <= local_now.time():
            day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=tz)


# --- the decision ---------------------------------------------------------------------------


def intent_from_button(intent: str) -> Reply:
    """A button press is unambiguous."""
    return Reply(Intent(intent), None, 1.0)


def parse_reply(  # noqa: PLR0911 - the rules are an ordered list, each ending in its verdict
    text: str, *, now: datetime, tz: ZoneInfo, locale_hint: str | None = None
) -> Reply:
    """Read a client's message; see the module docstring for the order of the rules.

    ``locale_hint`` is accepted for callers that know the client's language; every language's
    lexicon is always consulted, because clients mix them.
    """
    del locale_hint
    raw = text.strip()
    norm = normalize(raw)
    if not norm:
        return Reply(Intent.OTHER, None, 0.0)
    when = (
        find_when(norm, now=now, tz=tz)
        if any(ch.isdigit() for ch in norm) or _has_day(norm)
        else None
    )
    question = "?" in raw
    positive, rest = _take(POSITIVE_IDIOMS, norm)
    if LATE.search(rest):
        return Reply(Intent.LATE, when, 0.9)
    refused, rest = _take(CANCEL, rest)
    refused = refused or bool(BARE_NO.match(rest)) or bool(NO_EMOJI.search(raw)) or raw == "-"
    proposes = bool(PROPOSAL.search(rest))
    offers_day = isinstance(when, date) and when != now.astimezone(tz).date()
    later = bool(LATER_PERIOD.search(rest))
    if RESCHEDULE.search(rest) or (refused and proposes and (question or offers_day or later)):
        return Reply(Intent.RESCHEDULE, when, 0.85)
    agreed = positive or bool(CONFIRM.search(rest)) or bool(YES_EMOJI.search(raw)) or raw == "+"
    if offers_day and proposes and not agreed:
        return Reply(Intent.RESCHEDULE, when, 0.7)
    if DOUBT.search(rest):
        return Reply(Intent.OTHER, when, 0.4)
    if refused and agreed:
        return Reply(Intent.OTHER, when, 0.3)
    if refused:
        return Reply(Intent.CANCEL, when, 0.9)
    if agreed:
        if question and (QUESTION_WORDS.search(rest) or not positive):
            return Reply(Intent.OTHER, when, 0.4)
        return Reply(Intent.CONFIRM, when, 0.9)
    return Reply(Intent.OTHER, when, 0.5)


def _take(pattern: re.Pattern[str], text: str) -> tuple[bool, str]:
    """Whether ``pattern`` occurs, and the text with its occurrences blanked out."""
    rest, count = pattern.subn(" ", text)
    return count > 0, rest


def _has_day(text: str) -> bool:
    return bool(
        TOMORROW.search(text)
        or AFTER_TOMORROW.search(text)
        or TODAY.search(text)
        or any(p.search(text) for p in WEEKDAY)
    )
