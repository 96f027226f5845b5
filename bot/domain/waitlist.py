"""The waitlist's rules: when a waiting client suits a freed slot, and when an offer goes out.

A freed interval (a cancellation, a reschedule away, an admin freeing it) is offered to the
entries that suit it, in waitlist order:

* the entry is active and not past its ``valid_until``; its client is not blocked and is not the
  one whose booking freed the slot;
* the master is the entry's, or the entry takes any (and does the entry's service);
* the visit starts in the freed interval: at its start, or at the first free start of the
  master's grid (``SHOWUP_SLOT_STEP``) after it, found by the slot engine, so a visit may run on
  into time that was free already, and a long interval (a vacation cancelled) is offered from
  the first time that suits; the visit (start to start + the service's length) lies inside one
  of the entry's time ranges, on one of its days, in the salon's wall-clock time (no days and
  no ranges: any time);
* an "anything earlier?" entry (one that would move its booking) only hears of slots before that
  booking.

An offer goes out now, or when quiet hours end when now is inside them. It is not made when the
slot would then start in less than ``min_notice`` (exactly ``min_notice`` is still offered) or
has started. In ``sequential`` mode it holds the slot for ``hold`` from that moment (the hold has
lapsed at exactly ``offered_at + hold``); in ``broadcast`` mode every suitable entry hears at
once and each offer stands until the slot starts; the first acceptance wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from babel import Locale as BabelLocale

from bot.domain.locales import SUPPORTED_LOCALES
from bot.domain.reminders import QuietHours
from bot.errors import InvalidInputError


class WaitlistMode(StrEnum):
    SEQUENTIAL = "sequential"  # one client at a time, each holding the slot for a while
    BROADCAST = "broadcast"  # everyone who suits at once; the first acceptance wins


class EntryStatus(StrEnum):
    ACTIVE = "active"
    BOOKED = "booked"  # took an offered slot (booked, or moved their booking there)
    REMOVED = "removed"  # by the client or an admin
    EXPIRED = "expired"  # its valid_until passed


class OfferStatus(StrEnum):
    PENDING = "pending"  # sent (or about to be), waiting for an answer
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"  # the hold ran out without an answer
    TAKEN = "taken"  # someone else accepted first (broadcast)
    GONE = "gone"  # the slot was no longer free when accepted, or before the offer went out
    UNDELIVERED = "undelivered"  # the offer message could not be sent


class SlotStatus(StrEnum):
    OPEN = "open"  # being offered (or waiting for someone to suit it)
    FILLED = "filled"  # a waiting client took it
    CLOSED = "closed"  # nobody took it, or it is no longer free


ACTIVE_ENTRY = EntryStatus.ACTIVE
OPEN_OFFER = OfferStatus.PENDING


@dataclass(frozen=True, slots=True)
class WaitlistRules:
    mode: WaitlistMode
    hold: timedelta
    min_notice: timedelta
    quiet: QuietHours
    zone: ZoneInfo
    step: timedelta = timedelta(minutes=15)  # the grid of starts inside freed time (slot step)


# -- when a client is free ----------------------------------------------------------------------

_RANGE = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*[-–]\s*(\d{1,2})(?::(\d{2}))?\s*$")
_ANY = frozenset({"any", "anytime", "any time", "*", "все", "любое", "любые", "cualquiera", "her"})
_WEEKDAYS = frozenset({"weekdays", "будни", "laborables", "hafta içi", "haftaiçi"})
_WEEKENDS = frozenset({"weekends", "weekend", "выходные", "fines de semana", "hafta sonu"})
_KNOWN_PHRASES = _ANY | _WEEKDAYS | _WEEKENDS
_DAY_NAMES: dict[str, int] = {}


def _day_names() -> dict[str, int]:
    """Every way a day is written in the four languages (Babel's names and abbreviations), plus
    the English three letters and the ISO numbers 1 (Monday) to 7."""
    if not _DAY_NAMES:
        for locale in SUPPORTED_LOCALES:
            days = BabelLocale.parse(locale).days
            for context in ("format", "stand-alone"):
                for width in ("wide", "abbreviated", "short"):
                    for number, name in days[context][width].items():
                        _DAY_NAMES[name.lower().rstrip(".")] = number
        for number, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
            _DAY_NAMES[name] = number
            _DAY_NAMES[str(number + 1)] = number
    return _DAY_NAMES


def _day(text: str) -> int:
    found = _day_names().get(text.strip().lower().rstrip("."))
    if found is None:
        raise InvalidInputError(
            f"{text!r} is not a day of the week; write mon, tue… (or 1–7, or weekdays)",
            field="days",
            code="waitlist_days",
            params={"text": text},
        )
    return found


@dataclass(frozen=True, slots=True)
class Availability:
    """The days (0 = Monday) and wall-clock ranges that suit a client; empty means any."""

    days: frozenset[int] = frozenset()
    ranges: tuple[tuple[time, time], ...] = ()

    @property
    def any_time(self) -> bool:
        return not self.days and not self.ranges

    @classmethod
    def parse(cls, days: Iterable[str] = (), times: Iterable[str] = ()) -> Availability:
        """From ``["mon-fri"]`` or ``["mon", "wed"]`` and ``["09:00-13:00", "17-19"]``."""
        chosen: set[int] = set()
        for raw in days:
            for part in re.split(r"[,;]", raw):
                phrase = part.strip().lower()
                words = [phrase] if phrase in _KNOWN_PHRASES else phrase.split()
                for word in words:
                    chosen |= _days(word)
        ranges = []
        for raw in times:
            for part in raw.split(","):
                if part.strip():
                    ranges.append(_time_range(part))
        return cls(frozenset(chosen), tuple(sorted(ranges)))

    @classmethod
    def from_stored(cls, days: list[int] | None, ranges: list[list[str]] | None) -> Availability:
        return cls(
            frozenset(days or ()),
            tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in ranges or ()),
        )

    def stored_days(self) -> list[int] | None:
        return sorted(self.days) or None

    def stored_ranges(self) -> list[list[str]] | None:
        return [[f"{a:%H:%M}", f"{b:%H:%M}"] for a, b in self.ranges] or None

    def suits(self, starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> bool:
        """Does the visit from ``starts_at`` to ``ends_at`` fall on a chosen day, inside one
        chosen range (both ends included)?"""
        start = starts_at.astimezone(zone)
        end = ends_at.astimezone(zone)
        if self.days and start.weekday() not in self.days:
            return False
        if not self.ranges:
            return True
        if end.date() != start.date():
            return False
        return any(a <= start.time() and end.time() <= b for a, b in self.ranges)

    def describe(self, locale: str | None = None) -> str:
        """``mon-fri 09:00-13:00`` (``пн-пт 09:00-13:00`` in Russian…); empty when any time
        suits."""
        names: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        if locale is not None:
            shown = BabelLocale.parse(locale).days["format"]["abbreviated"]
            names = tuple(str(shown[number]).rstrip(".") for number in range(7))
        days = ",".join(names[d] for d in sorted(self.days))
        if self.days == frozenset(range(5)):
            days = f"{names[0]}-{names[4]}"
        times = ",".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in self.ranges)
        return " ".join(part for part in (days, times) if part)


def _days(text: str) -> set[int]:
    part = text.strip().lower()
    if not part or part in _ANY:
        return set()
    if part in _WEEKDAYS:
        return set(range(5))
    if part in _WEEKENDS:
        return {5, 6}
    if "-" in part:
        first, _, last = part.partition("-")
        a, b = _day(first), _day(last)
        return set(range(a, b + 1)) if a <= b else set(range(a, 7)) | set(range(b + 1))
    return {_day(part)}


def _time_range(text: str) -> tuple[time, time]:
    match = _RANGE.match(text)
    problem = InvalidInputError(
        f"{text!r} is not a time range; write it like 09:00-13:00",
        field="times",
        code="waitlist_times",
        params={"text": text},
    )
    if match is None:
        raise problem
    h1, m1, h2, m2 = (int(group or 0) for group in match.groups())
    try:
        start = time(h1, m1)
        end = time(23, 59) if (h2, m2) == (24, 0) else time(h2, m2)
    except ValueError:
        raise problem from None
    if end <= start:
        raise problem
    return start, end


# -- who suits a freed slot ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FreedInterval:
    staff_id: int
    starts_at: datetime
    ends_at: datetime
    freed_by_client: int | None = None  # whose booking it was: not offered back to them


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entry as the matching sees it."""

    entry_id: int
    client_id: int
    staff_id: int | None  # None: any master
    duration: timedelta  # of the entry's service
    availability: Availability
    valid_until: datetime | None
    blocked: bool
    booked_at: datetime | None = None  # "anything earlier?": the start of the booking to move
    service_id: int = 0  # what the offer will be for
    appointment_id: int | None = None  # "anything earlier?": the booking to move


def eligible(candidate: Candidate, slot: FreedInterval, *, now: datetime) -> bool:
    """Whether ``candidate`` may hear of ``slot`` at all, wherever in it their visit would
    start: active, not blocked, not the client who freed it, the entry's master or any."""
    if candidate.blocked or candidate.client_id == slot.freed_by_client:
        return False
    if candidate.valid_until is not None and candidate.valid_until <= now:
        return False
    return candidate.staff_id is None or candidate.staff_id == slot.staff_id


def first_fit(
    candidate: Candidate,
    slot: FreedInterval,
    starts: Iterable[datetime],
    *,
    now: datetime,
    zone: ZoneInfo,
) -> datetime | None:
    """The first of ``starts`` (free starts of the candidate's visit with the slot's master, in
    time order) that lies in the freed time and suits the candidate: on their days, inside
    their ranges, before the booking they would move. None when none does. The visit may run
    past the freed time into time that was free already (a whole gap)."""
    if not eligible(candidate, slot, now=now):
        return None
    for start in starts:
        if not slot.starts_at <= start < slot.ends_at:
            continue
        if candidate.booked_at is not None and start >= candidate.booked_at:
            return None
        if candidate.availability.suits(start, start + candidate.duration, zone):
            return start
    return None


@dataclass(frozen=True, slots=True)
class OfferTiming:
    offered_at: datetime  # when it goes out (and the hold starts)
    expires_at: datetime  # when the offer lapses


def useful_from(*, now: datetime, rules: WaitlistRules) -> tuple[datetime, datetime]:
    """When an offer made now goes out (after quiet hours) and the earliest start worth
    offering then (``min_notice`` later: exactly that is still offered)."""
    offered_at = now
    if rules.quiet.contains(now, rules.zone):
        offered_at = rules.quiet.period_end(now, rules.zone)
    return offered_at, offered_at + rules.min_notice


def offer_timing(
    *, starts_at: datetime, now: datetime, rules: WaitlistRules
) -> OfferTiming | None:
    """When an offer of a slot starting at ``starts_at`` goes out and until when it stands;
    None when it would start too soon to be useful."""
    offered_at, earliest = useful_from(now=now, rules=rules)
    if starts_at < earliest:
        return None
    if rules.mode is WaitlistMode.SEQUENTIAL:
        return OfferTiming(offered_at, min(offered_at + rules.hold, starts_at))
    return OfferTiming(offered_at, starts_at)


def hold_lapsed(*, expires_at: datetime, now: datetime) -> bool:
    """An offer can be accepted until just before ``expires_at``; at that moment it has lapsed."""
    return now >= expires_at
