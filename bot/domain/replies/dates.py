"""The day and time a reply proposes, read against ``now`` and the booking being answered.

Relative to the booking: "same time", "an hour later", "push it back 30 minutes", "a day later",
"на день позже", "bir saat sonra". Relative to now: "tomorrow", "in two days", "через неделю",
a weekday ("Friday" is the first one after today; "next Friday" / "haftaya cuma" is the one in
the week after this), a day of the month ("17-го", "the 19th", "el 20") and dates with month
names ("12 марта", "March 12th", "el 3 de diciembre", "5 ocak"), the next such date on or after
today. A bare hour 1–7 is the afternoon. A time with no day is on the booked day when the booking
is known, else today (tomorrow once it has passed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.day_parts import DayPart
from bot.domain.replies.clock import find_duration, find_time
from bot.domain.replies.lexicon import Lexicon

_DAY_MONTH = re.compile(r"(?<![\d.:/])(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4}))?(?![\d:])")
_MONTH_CACHE: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def _month_patterns(lexicon: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """ "12 марта" / "el 3 de diciembre" / "5 ocak", and "March 12th"."""
    if (found := _MONTH_CACHE.get(lexicon.code)) is None:
        months = lexicon.month_alternation or "(?!)"
        found = (
            re.compile(
                rf"(?<![\d:.])(\d{{1,2}})(?:-?(?:го|е|ого|st|nd|rd|th)|'?(?:si|inde|sinde))?"
                rf"\s*(?:de\s+|of\s+)?({months})(?!\w)"
            ),
            re.compile(rf"(?<!\w)({months})\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?(?![\d:])"),
        )
        _MONTH_CACHE[lexicon.code] = found
    return found


def _month_number(name: str, lexicon: Lexicon) -> int:
    return next(i for i, p in enumerate(lexicon.months, start=1) if p.fullmatch(name))


def _next_date(today: date, month: int, day: int) -> date | None:
    try:
        found = date(today.year, month, day)
        return found if found >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


def _day_of_month(today: date, day: int) -> date | None:
    """The next ``day`` of a month on or after ``today``."""
    year, month = today.year, today.month
    for _ in range(3):
        try:
            found = date(year, month, day)
        except ValueError:
            found = None
        if found is not None and found >= today:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def find_day(  # noqa: PLR0911 - one return per way of naming a day
    text: str, lexicon: Lexicon, today: date, booked: _Booked | None = None
) -> tuple[date | None, str]:
    """The most specific day named, and the text without it (so its numbers are not read as
    a time): a date beats a weekday, which beats "tomorrow", which beats "today". For the
    weekdays named with the booking known, see ``_weekdays``."""
    day_first, month_first = _month_patterns(lexicon)
    if match := day_first.search(text):
        found = _next_date(today, _month_number(match.group(2), lexicon), int(match.group(1)))
        return found, _cut(text, match)
    if match := month_first.search(text):
        found = _next_date(today, _month_number(match.group(1), lexicon), int(match.group(2)))
        return found, _cut(text, match)
    if match := _DAY_MONTH.search(text):
        day, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return _next_date(today, month, day), _cut(text, match)
    if named := _weekdays(text, lexicon, today, booked):
        return named[0], text
    if match := lexicon.ordinal.search(text):
        return _day_of_month(today, int(match.group(1))), _cut(text, match)
    if lexicon.after_tomorrow.search(text):
        return today + timedelta(days=2), text
    if lexicon.tomorrow.search(text):
        return today + timedelta(days=1), text
    if lexicon.today.search(text):
        return today, text
    return None, text


def days_named(folded: str, lexicon: Lexicon, today: date) -> tuple[set[date], set[int]]:
    """Every date and weekday (Monday 0) a folded message names, for telling which of a
    client's bookings it is about (``which``)."""
    dates: set[date | None] = set()
    day_first, month_first = _month_patterns(lexicon)
    for match in day_first.finditer(folded):
        month = _month_number(match.group(2), lexicon)
        dates.add(_next_date(today, month, int(match.group(1))))
    for match in month_first.finditer(folded):
        month = _month_number(match.group(1), lexicon)
        dates.add(_next_date(today, month, int(match.group(2))))
    for match in _DAY_MONTH.finditer(folded):
        day, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            dates.add(_next_date(today, month, day))
    for match in lexicon.ordinal.finditer(folded):
        dates.add(_day_of_month(today, int(match.group(1))))
    if lexicon.after_tomorrow.search(folded):
        dates.add(today + timedelta(days=2))
    elif lexicon.tomorrow.search(folded):
        dates.add(today + timedelta(days=1))
    if lexicon.today.search(folded):
        dates.add(today)
    weekdays = {n for n, pattern in enumerate(lexicon.weekdays) if pattern.search(folded)}
    return {d for d in dates if d is not None}, weekdays


@dataclass(frozen=True, slots=True)
class _Booked:
    """The booked day, and whether its weekday named alone means that day (a reply that does
    not ask to move: "cancel my Saturday appointment", "see you Saturday")."""

    day: date
    named_alone: bool


def _weekdays(text: str, lexicon: Lexicon, today: date, booked: _Booked | None) -> list[date]:
    """The days the weekdays named stand for, Monday first: the first such day after today, or
    the one in the week after this with "next"/"следующ"/"haftaya". The booking's own weekday
    ("Saturday" for a booking on a Saturday, unless "next" puts it on another week) is the
    booked day: with another day named it is the day being replaced ("move Saturday to
    Monday"), so left out; named alone it is the booked day when ``booked.named_alone``."""
    named: list[tuple[date, bool]] = []
    for weekday, weekday_pattern in enumerate(lexicon.weekdays):
        if match := weekday_pattern.search(text):
            ahead = (weekday - today.weekday()) % 7 or 7
            before = text[max(0, match.start() - 24) : match.start()]
            after = text[match.end() : match.end() + 16]
            marked = bool(
                lexicon.next_week_day.search(before) or lexicon.next_week_day.search(after)
            )
            if marked:
                ahead = 7 - today.weekday() + weekday
            day = today + timedelta(days=ahead)
            is_booked = booked is not None and (
                day == booked.day or (weekday == booked.day.weekday() and not marked)
            )
            named.append((day, is_booked))
    if booked is None:
        return [day for day, _ in named]
    others = [day for day, is_booked in named if not is_booked]
    if others or not named:
        return others
    return [booked.day] if booked.named_alone else [day for day, _ in named]


def _cut(text: str, match: re.Match[str]) -> str:
    return f"{text[: match.start()]} {text[match.end() :]}"


def _shift(  # noqa: PLR0911 - one return per way a duration is anchored
    text: str, lexicon: Lexicon
) -> tuple[timedelta, bool] | None:
    """A duration and whether it counts from now ("in two days", "через неделю", "a week from
    today") rather than from the booking ("two days later", "на час позже", "push it back 30
    minutes", "move it 2 days"). Hours and minutes with no direction are later."""
    found = find_duration(text, lexicon)
    if found is None:
        return None
    amount, match = found
    before = text[max(0, match.start() - 12) : match.start()]
    after = text[match.end() : match.end() + 24]
    in_ = rf"(?<!\w)(?:{lexicon.in_})"
    if lexicon.later.match(after.lstrip()):  # "через 15 минут после начала"
        return amount, False
    if re.search(rf"{in_}\s*$", before) or re.match(in_, match.group(0)):
        return amount, True
    if lexicon.from_today.search(after):
        return amount, True
    window = text[max(0, match.start() - 30) : match.end() + 30]
    if lexicon.earlier.search(window):
        return -amount, False
    if lexicon.later.search(window):
        return amount, False
    if amount >= timedelta(days=1) and re.match(rf"\s*(?:{lexicon.after})", after):
        return amount, True
    return amount, False


def find_when(  # noqa: PLR0911, PLR0912 - one return per kind of proposal
    text: str,
    lexicon: Lexicon,
    *,
    now: datetime,
    tz: ZoneInfo,
    booked_at: datetime | None = None,
    names_booking: bool = False,
) -> datetime | date | None:
    """The day and/or time a folded message proposes, in ``tz``. With ``names_booking`` (a
    reply that does not ask to move), the booking's weekday named alone is the booked day."""
    text = lexicon.replaced.sub(" ", text)
    today = now.astimezone(tz).date()
    booked = booked_at.astimezone(tz) if booked_at is not None else None
    same_time = bool(lexicon.same_time.search(text))
    if booked is not None and lexicon.next_day.search(text):
        next_day = booked.date() + timedelta(days=1)
        shift = _shift(text, lexicon)
        if shift is not None and abs(shift[0]) < timedelta(days=1):
            return booked + timedelta(days=1) + shift[0]
        return _at(next_day, find_time(text) or booked.time(), tz)
    shift = _shift(text, lexicon)
    if shift is not None:
        amount, from_now = shift
        if abs(amount) < timedelta(days=1):  # hours or minutes: from the booked start
            if timedelta(minutes=-30) < amount < timedelta(0):
                return None  # "can I come 10 minutes early?" is not another time
            return booked + amount if booked is not None else None
        if from_now:
            if same_time and booked is not None:  # "через неделю в это же время"
                start = today if lexicon.from_today.search(text) else booked.date()
                return datetime.combine(start + amount, booked.time(), tzinfo=tz)
            return _at(today + amount, find_time(text), tz)
        if booked is None:
            return None
        return _at(booked.date() + amount, find_time(text) or booked.time(), tz)
    on = _Booked(booked.date(), names_booking) if booked is not None else None
    day, rest = find_day(text, lexicon, today, on)
    at = find_time(rest)
    if day is None and same_time and lexicon.later_period.search(text) and booked is not None:
        return booked + timedelta(weeks=1)
    if day is not None:
        if at is None and booked is not None and same_time:
            at = booked.time()
        return _at(day, at, tz)
    if at is None:
        return None
    if booked is not None:
        return datetime.combine(booked.date(), at, tzinfo=tz)
    day = today + timedelta(days=1) if at <= now.astimezone(tz).time() else today
    return datetime.combine(day, at, tzinfo=tz)


def _at(day: date | None, at: time | None, tz: ZoneInfo) -> datetime | date | None:
    if day is None or at is None:
        return day
    return datetime.combine(day, at, tzinfo=tz)


def find_part(text: str, lexicon: Lexicon) -> DayPart | None:
    """The part of the day named first ("friday evening", "в пятницу вечером", "el viernes por
    la tarde", "cuma akşam"), if any."""
    found = [
        (match.start(), part)
        for part, part_pattern in zip(DayPart, lexicon.day_parts, strict=False)
        if (match := part_pattern.search(text))
    ]
    return min(found)[1] if found else None


_LATE_BY = re.compile(r"(?<![\d:.])(\d{1,3})(?:ish|-ish)?\s+(?:\w+\s+)?(?:late|tarde|gec|behind)")


def late_when(
    text: str, lexicon: Lexicon, *, now: datetime, tz: ZoneInfo, booked_at: datetime | None
) -> datetime | None:
    """When someone running late expects to arrive: "10 min late" is the booked start plus
    10 minutes; "к 14:20" is 14:20 on the booked day."""
    del now
    if booked_at is None:
        return None
    booked = booked_at.astimezone(tz)
    found = find_duration(text, lexicon)
    if found is not None and found[0] < timedelta(hours=3):
        return booked + found[0]
    if match := _LATE_BY.search(text):
        return booked + timedelta(minutes=int(match.group(1)))
    at = find_time(text)
    if at is not None:
        return datetime.combine(booked.date(), at, tzinfo=tz)
    return None
