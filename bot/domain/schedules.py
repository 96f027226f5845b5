"""Working hours as a weekly pattern: read from text, shown as text, turned into UTC windows.

A pattern is what a salon writes on its door: ``mon-fri 09:00-19:00; sat 10:00-16:00``. Days not
named are days off; a day may have several ranges (a lunch break: ``mon 10:00-14:00,15:00-19:00``);
``24:00`` ends a day. Ranges never cross midnight: a night shift is two days' ranges.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from babel.dates import get_day_names

from bot.domain.locales import SUPPORTED_LOCALES
from bot.domain.salon import WEEKDAYS, WorkingHours
from bot.errors import InvalidInputError

DAY_MINUTES = 24 * 60
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ALWAYS = {"always", "24/7", "all day", "open all day", "всегда", "siempre", "her zaman"}
_EVERY_DAY = {"daily", "every day", "everyday", "all", "ежедневно", "diario", "hergün"}
_OFF = {"off", "closed", "-", "выходной", "закрыто", "cerrado", "libre", "kapalı", "kapali"}  # noqa: RUF001 - Turkish
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Part of a day in salon time, as minutes after midnight: [start, end)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= DAY_MINUTES:
            raise InvalidInputError(
                f"{self} is not a range inside one day (the end after the start, at most 24:00)",
                field="hours",
                code="hours_range",
                params={"range": str(self)},
            )

    def __str__(self) -> str:
        return f"{clock_text(self.start)}-{clock_text(self.end)}"


def clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_clock(text: str, *, field: str = "hours") -> int:
    """``9:00``, ``09:30``, ``24:00`` → minutes after midnight."""
    found = _CLOCK.fullmatch(text.strip())
    if found is None:
        raise InvalidInputError(
            f"{text.strip()!r} is not a time of day; write it like 09:00",
            field=field,
            code="hours_clock",
            params={"text": text.strip()},
        )
    hours, minutes = int(found[1]), int(found[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise InvalidInputError(
            f"{text.strip()!r} is not a time of day (00:00 to 24:00)",
            field=field,
            code="hours_clock",
            params={"text": text.strip()},
        )
    return hours * 60 + minutes


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Ranges per weekday (Monday first); an empty day is a day off."""

    days: tuple[tuple[Span, ...], ...]

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError("a week has seven days")
        for name, spans in zip(WEEKDAYS, self.days, strict=True):
            for earlier, later in pairwise(spans):
                if later.start < earlier.end:
                    raise InvalidInputError(
                        f"{name}: {earlier} and {later} overlap",
                        field="hours",
                        code="hours_overlap",
                        params={"day": name, "first": str(earlier), "second": str(later)},
                    )

    @classmethod
    def build(cls, days: Mapping[int, Iterable[Span]]) -> WeeklyHours:
        return cls(tuple(tuple(sorted(days.get(weekday, ()))) for weekday in range(7)))

    @classmethod
    def always(cls) -> WeeklyHours:
        return cls.build({weekday: [Span(0, DAY_MINUTES)] for weekday in range(7)})

    @classmethod
    def from_working_hours(cls, hours: WorkingHours) -> WeeklyHours:
        """The salon's stored hours (one range a day) as a pattern."""
        days: dict[int, list[Span]] = {}
        for weekday in range(7):
            day = hours.for_weekday(weekday)
            if day is not None:
                end = day.close.hour * 60 + day.close.minute
                days[weekday] = [Span(day.open.hour * 60 + day.open.minute, end)]
        return cls.build(days)

    def to_working_hours(self) -> WorkingHours:
        """One range a day, as the salon row stores them; several ranges are refused."""
        values: dict[str, dict[str, str] | None] = {}
        for name, spans in zip(WEEKDAYS, self.days, strict=True):
            if len(spans) > 1:
                raise InvalidInputError(
                    f"{name}: the salon's hours take one range a day (give breaks per master)",
                    field="hours",
                    code="hours_one_range",
                    params={"day": name},
                )
            if spans and spans[0].end == DAY_MINUTES:
                raise InvalidInputError(
                    f"{name}: the salon's hours close by 23:59 (or write `always`)",
                    field="hours",
                    code="hours_range",
                    params={"range": str(spans[0])},
                )
            values[name] = (
                {"open": clock_text(spans[0].start), "close": clock_text(spans[0].end)}
                if spans
                else None
            )
        return WorkingHours.model_validate(values)

    @property
    def is_always(self) -> bool:
        return all(spans == (Span(0, DAY_MINUTES),) for spans in self.days)

    def as_dict(self) -> dict[str, list[str]]:
        """``{"mon": ["09:00-18:00"], "sun": []}``: the API's and the events' form."""
        return {
            name: [str(span) for span in spans]
            for name, spans in zip(WEEKDAYS, self.days, strict=True)
        }

    @classmethod
    def from_dict(cls, value: Mapping[str, Sequence[str]]) -> WeeklyHours:
        unknown = sorted(set(value) - set(WEEKDAYS))
        if unknown:
            raise InvalidInputError(
                f"unknown day(s) {', '.join(unknown)}; days are {' '.join(WEEKDAYS)}",
                field="hours",
                code="hours_day",
                params={"day": ", ".join(unknown)},
            )
        return cls.build(
            {
                WEEKDAYS.index(name): [_span(text) for text in ranges]
                for name, ranges in value.items()
            }
        )

    def describe(self, names: Sequence[str] = WEEKDAYS) -> str:
        """Back to the door sign: ``mon-fri 09:00-19:00; sat 10:00-16:00`` (``closed``);
        ``names`` are the day names to write (``day_names("ru")``: ``пн-пт 09:00-19:00``)."""
        if self.is_always:
            return "always"
        parts: list[str] = []
        weekday = 0
        while weekday < 7:
            spans = self.days[weekday]
            last = weekday
            while last + 1 < 7 and self.days[last + 1] == spans:
                last += 1
            if spans:
                days = names[weekday] + (f"-{names[last]}" if last > weekday else "")
                parts.append(f"{days} {','.join(str(span) for span in spans)}")
            weekday = last + 1
        return "; ".join(parts) or "closed"


def _span(text: str) -> Span:
    start, sep, end = text.strip().partition("-")
    if not sep:
        raise InvalidInputError(
            f"{text.strip()!r} is not a range; write it like 09:00-18:00",
            field="hours",
            code="hours_clock",
            params={"text": text.strip()},
        )
    return Span(parse_clock(start), parse_clock(end))


def _local_day_names() -> dict[str, int]:
    """Day names an admin may write in any of the four languages: пн, mié, Pzt, lunes…"""
    found: dict[str, int] = {}
    for locale in SUPPORTED_LOCALES:
        for width in ("abbreviated", "wide", "short"):
            for weekday, name in get_day_names(width, locale=locale).items():
                found.setdefault(name.lower().rstrip("."), weekday)
    return found


_LOCAL_DAYS = _local_day_names()


def day_names(locale: str) -> tuple[str, ...]:
    """The seven abbreviated day names of ``locale`` (Monday first), as ``describe`` takes them."""
    names = get_day_names("abbreviated", locale=locale)
    return tuple(names[weekday].lower().rstrip(".") for weekday in range(7))


def _day(name: str) -> int:
    key = name.strip().lower().rstrip(".")
    for names in (WEEKDAYS, _FULL_NAMES):
        if key in names:
            return names.index(key)
    if key in _LOCAL_DAYS:
        return _LOCAL_DAYS[key]
    raise InvalidInputError(
        f"{name.strip()!r} is not a day; days are {' '.join(WEEKDAYS)}",
        field="hours",
        code="hours_day",
        params={"day": name.strip()},
    )


def _days(text: str) -> list[int]:
    if text.strip().lower() in _EVERY_DAY:
        return list(range(7))
    days: list[int] = []
    for part in text.split(","):
        first, sep, last = part.partition("-")
        if sep:
            start, end = _day(first), _day(last)
            days += (
                list(range(start, end + 1))
                if start <= end
                else [*range(start, 7), *range(end + 1)]
            )
        else:
            days.append(_day(first))
    return days


def parse_week(text: str) -> WeeklyHours:
    """Read a pattern: ``mon-fri 09:00-19:00; sat 10:00-14:00,15:00-17:00; sun off``.

    Entries are separated by ``;`` or new lines; days by ``,`` or a range ``mon-fri``
    (``daily`` for all seven); ``always`` means every day around the clock. A day named twice
    takes the later entry; a day never named is a day off.
    """
    if text.strip().lower() in _ALWAYS:
        return WeeklyHours.always()
    days: dict[int, list[Span]] = {}
    entries = [entry.strip() for entry in re.split(r"[;\n]", text) if entry.strip()]
    if not entries:
        raise InvalidInputError(
            "no hours given; write them like mon-fri 09:00-19:00; sat 10:00-16:00",
            field="hours",
            code="hours_empty",
        )
    for entry in entries:
        found = re.fullmatch(r"(?P<days>[^\d]+?)\s+(?P<ranges>[\d:,\- ]+|[^\d\s]+)", entry)
        if found is None:
            raise InvalidInputError(
                f"{entry!r}: write the days, then the hours, e.g. mon-fri 09:00-19:00",
                field="hours",
                code="hours_entry",
                params={"text": entry},
            )
        ranges = found["ranges"].strip().lower()
        spans = (
            []
            if ranges in _OFF
            else [_span(part) for part in ranges.replace(" ", "").split(",") if part]
        )
        for weekday in _days(found["days"].replace(" ", "")):
            days[weekday] = spans
    return WeeklyHours.build(days)


def local_moment(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """``minutes`` after the start of ``day`` on the salon's wall clock, as a UTC instant.

    A wall-clock time a DST change skips is read with the offset before the change (02:30 on a
    spring-forward night is 03:30 summer time); a repeated one takes its first occurrence.
    """
    if minutes == DAY_MINUTES:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    wall = time(minutes // 60, minutes % 60)
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def windows(
    week: WeeklyHours | None, zone: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The working windows (UTC, sorted, touching ones merged) that meet [start, end).

    ``None`` means open around the clock. Whole local days around the range are included, so a
    window that began before ``start`` comes back whole (its opening anchors the slot grid).
    """
    if week is None:
        week = WeeklyHours.always()
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    found: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        for span in week.days[day.weekday()]:
            opens, closes = local_moment(day, span.start, zone), local_moment(day, span.end, zone)
            if closes <= opens:  # a range swallowed by a DST change
                continue
            if found and found[-1][1] >= opens:
                found[-1] = (found[-1][0], max(found[-1][1], closes))
            else:
                found.append((opens, closes))
        day += timedelta(days=1)
    return [(opens, closes) for opens, closes in found if opens < end and closes > start]
