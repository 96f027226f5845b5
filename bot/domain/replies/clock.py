"""Times of day and durations in a folded message: "at 5 pm", "в 11", "a las 17:30",
"saat 17'de", "14.20", "half 3", "полшестого", "a las 5 menos cuarto", "4 buçukta";
"30 minutes", "полчаса", "минут на 10", "dos horas", "bir saat".

The patterns are written for folded text: no diacritics, no letter twice in a row ("saat" is
"sat", "llego" is "lego").
"""

from __future__ import annotations

import re
from datetime import time, timedelta

from bot.domain.replies.lexicon import Lexicon
from bot.domain.replies.text import fold


def _compile(source: str) -> re.Pattern[str]:
    """A pattern over folded text, itself folded ("noon" is matched as "non")."""
    return re.compile(fold(source))


_MARK = (
    r"am|pm|a\.m\.|p\.m\.|утра|вечера|дня|ночи|de la tarde|de la noche|de la manana|"
    r"en la tarde|por la tarde|h|hs"
)
_CLOCK = _compile(rf"(?<![\d.:/])(\d{{1,2}})[:.](\d{{2}})(?!\d)(?:\s*({_MARK})(?!\w))?")
_AT_HOUR = _compile(
    r"(?:(?<!\w)(?:в|во|к|на|at|by|for|around|to|a las|a la|las|sobre las|tipo|sat|v|k|"
    r"ak?sam|aksam|sabah|ogleden sonra|oglen|вечером|утром|днем)\s+"
    r"|часов в\s+|часам к\s+)(\d{1,2})(?!\s*(?:мин|min|dak|dk|дн|day|dia|gun|час|hour|hora|sat))"
    rf"(?:\s*({_MARK}|gibi|civari))?(?![\d:./])"
)
_SUFFIXED = _compile(
    r"(?<![\d.:/])(\d{1,2})\s*(am|pm|a\.m\.|p\.m\.|h|hs|de la tarde|de la noche|de la manana)"
    r"(?!\w)"
    r"|(?<![\d.:/])(\d{1,2})'?(?:de|da|te|ta|ye|ya|e|a)(?!\w)"
)
_HALF_PAST = _compile(
    r"(?<!\w)(?:half(?: past)? (\d{1,2})|(\d{1,2}) y media|(\d{1,2}) bucu?k\w*|"
    r"(\d{1,2}) (?:and a half|с половиной))"
)
_QUARTER = _compile(
    r"(?<!\w)(?:quarter past (\d{1,2})|(\d{1,2}) y cuarto|(\d{1,2})'?\w{0,2} ceyrek gece|"
    r"четверт[ьи] (\w+))"
)
_QUARTER_TO = _compile(
    r"(?<!\w)(?:quarter to (\d{1,2})|(\d{1,2}) menos cuarto|(\d{1,2})'?\w{0,2} ceyrek kala|"
    r"без четверти (\w+))"
)
_Y_MINUTES = _compile(
    r"(?<!\w)(?:a las |a la )?(\d{1,2})(?: y |'?\w{0,2} )(\d{1,2})(?: gece)?(?![\d:])"
)
_RU_HALF = _compile(r"(?<!\w)(?:пол|половин[аеу] )(\w+?)(?:го|о)(?!\w)")
_RU_ORDINAL = {
    "перво": 1,
    "второ": 2,
    "трет": 3,
    "третье": 3,
    "четверто": 4,
    "пято": 5,
    "шесто": 6,
    "седьмо": 7,
    "восьмо": 8,
    "девято": 9,
    "десято": 10,
    "одинадцато": 11,
    "двенадцато": 12,
}
_RU_CARDINAL = {
    "час": 1,
    "два": 2,
    "двух": 2,
    "три": 3,
    "трех": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
    "одинадцать": 11,
    "двенадцать": 12,
}
_NOON = _compile(r"(?<!\w)(?:noon|midday|mediodia|oglen(?: 12)?|полдень|в обед)(?!\w)")
_PM = {"pm", "p.m.", "вечера", "дня", "de la tarde", "de la noche", "aksam", "en la tarde"}
_PM |= {"por la tarde"}
_AM = {"am", "a.m.", "утра", "de la manana", "sabah", "ночи"}


def hour_of(number: int, marker: str | None = None) -> int | None:
    """The hour a client means: "at 5" in a salon is 17:00, "at 11" is 11:00."""
    if not 0 <= number <= 23:
        return None
    if marker in _PM and number < 12:
        return number + 12
    if marker in _AM:
        return 0 if number == 12 else number
    if 1 <= number <= 7:
        return number + 12
    return number


def _spoken(text: str) -> time | None:
    """Half and quarter hours as they are said."""
    if (match := _HALF_PAST.search(text)) and (at := hour_of(int(_first(match)))) is not None:
        return time(at, 30)
    if (match := _QUARTER_TO.search(text)) and (hour := _number(_first(match))) is not None:
        at = hour_of(hour - 1 if hour > 1 else 12)
        return time(at, 45) if at is not None else None
    if (match := _QUARTER.search(text)) and (hour := _number(_first(match))) is not None:
        if match.group(4):  # "четверть первого" is 12:15
            hour -= 1
        at = hour_of(hour or 12)
        return time(at, 15) if at is not None else None
    if match := _RU_HALF.search(text):
        ordinal = _RU_ORDINAL.get(match.group(1)) or _RU_ORDINAL.get(match.group(1) + "о")
        if ordinal is not None and (at := hour_of(ordinal - 1 or 12)) is not None:
            return time(at, 30)
    if match := _Y_MINUTES.search(text):
        at, minutes = hour_of(int(match.group(1))), int(match.group(2))
        if at is not None and minutes < 60:
            return time(at, minutes)
    return None


def _first(match: re.Match[str]) -> str:
    return next(group for group in match.groups() if group)


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _RU_CARDINAL.get(word) or _RU_ORDINAL.get(word.removesuffix("го"))


def find_times(text: str) -> list[time]:
    """Every time of day stated in ``text``, in order of precedence."""
    found: list[time] = []
    for match in _CLOCK.finditer(text):
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours <= 23 and minutes <= 59:
            marker = match.group(3)
            at = hour_of(hours, marker) if hours <= 12 else hours
            found.append(time(at if at is not None else hours, minutes))
    if (spoken := _spoken(text)) is not None:
        found.append(spoken)
    if _NOON.search(text):
        found.append(time(12))
    for match in _AT_HOUR.finditer(text):
        if (at := hour_of(int(match.group(1)), match.group(2))) is not None:
            found.append(time(at))
    for match in _SUFFIXED.finditer(text):
        number = match.group(1) or match.group(3)
        if (at := hour_of(int(number), match.group(2))) is not None:
            found.append(time(at))
    return found


def find_time(text: str) -> time | None:
    """The first time of day stated in ``text``."""
    found = find_times(text)
    return found[0] if found else None


def find_duration(text: str, lexicon: Lexicon) -> tuple[timedelta, re.Match[str]] | None:
    """The first duration in ``text`` ("2 hours", "полчаса", "минут на 10", "bir gün") and
    where it is."""
    for match in _durations(lexicon).finditer(text):
        if match.group("half"):
            return timedelta(minutes=30), match
        number = match.group("n") or match.group("w") or match.group("n2") or ""
        unit = match.group("unit") or match.group("unit2") or match.group("unit3")
        amount = int(number) if number.isdigit() else lexicon.numbers.get(number, 1)
        if re.fullmatch(lexicon.minute, unit):
            return timedelta(minutes=amount), match
        if re.fullmatch(lexicon.hour, unit):
            return timedelta(minutes=30) if amount == 0 else timedelta(hours=amount), match
        if re.fullmatch(lexicon.day, unit):
            return timedelta(days=amount or 1), match
        if re.fullmatch(lexicon.week, unit):
            return timedelta(weeks=amount or 1), match
    return None


_CACHE: dict[str, re.Pattern[str]] = {}


def _durations(lexicon: Lexicon) -> re.Pattern[str]:
    if (found := _CACHE.get(lexicon.code)) is None:
        words = lexicon.words
        numbers = "|".join(sorted(map(fold, words.numbers), key=len, reverse=True)) or "(?!)"
        units = f"{lexicon.minute}|{lexicon.hour}|{lexicon.day}|{lexicon.week}"
        found = re.compile(
            r"(?<!\w)(?:(?P<half>полчаса|полчасика|half an hour|half hour|media hora|yarim sat)"
            rf"|(?:(?P<n>\d{{1,3}})(?:\s*-?\s*|ish\s*)|(?P<w>{numbers})\s+)(?P<unit>{units})"
            rf"|(?P<unit2>{lexicon.minute})\s+(?:на\s+|na\s+|через\s+)?"
            rf"(?P<n2>\d{{1,3}}|{numbers})(?![\d:])"
            rf"|(?:{lexicon.in_}|на|na|a|an|una|un|bir|one)\s+(?P<unit3>{units}))(?!\w)"
        )
        _CACHE[lexicon.code] = found
    return found
