"""The waitlist's rules at their edges: days and ranges, who fits where, notice, quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.reminders import QuietHours
from bot.domain.waitlist import (
    Availability,
    Candidate,
    FreedInterval,
    WaitlistMode,
    WaitlistRules,
    first_fit,
    hold_lapsed,
    offer_timing,
)
from bot.errors import InvalidInputError

MADRID = ZoneInfo("Europe/Madrid")
#: Monday 23 November 2026, 10:00 in Madrid
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RULES = WaitlistRules(
    mode=WaitlistMode.SEQUENTIAL,
    hold=timedelta(minutes=15),
    min_notice=timedelta(hours=2),
    quiet=QuietHours(start=time(21), end=time(9)),
    zone=MADRID,
)


def madrid(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=MADRID).astimezone(UTC)


def test_days_and_ranges_in_every_language() -> None:
    assert Availability.parse(["mon-fri"], ["09:00-13:00"]).days == frozenset(range(5))
    assert Availability.parse(["weekdays"]).days == frozenset(range(5))
    assert Availability.parse(["пн-пт"]).days == frozenset(range(5))
    assert Availability.parse(["lun, mié"]).days == frozenset({0, 2})
    assert Availability.parse(["Cumartesi"]).days == frozenset({5})
    assert Availability.parse(["fri-mon"]).days == frozenset({4, 5, 6, 0})
    assert Availability.parse(["any"]).any_time
    both = Availability.parse((), ["17-19, 09:00-13:00"])
    assert both.ranges == ((time(9), time(13)), (time(17), time(19)))
    assert both.describe() == "09:00-13:00,17:00-19:00"
    with pytest.raises(InvalidInputError, match="not a day") as bad_day:
        Availability.parse(["someday"])
    assert bad_day.value.field == "days"
    with pytest.raises(InvalidInputError, match="not a time range") as bad_range:
        Availability.parse((), ["13:00-09:00"])
    assert bad_range.value.field == "times"


def test_a_visit_must_fit_inside_one_range_both_ends_included() -> None:
    mornings = Availability.parse(["mon-fri"], ["09:00-13:00"])
    assert mornings.suits(madrid(23, 12), madrid(23, 13), MADRID)  # ends exactly at 13:00
    assert not mornings.suits(madrid(23, 12, 1), madrid(23, 13, 1), MADRID)
    assert mornings.suits(madrid(23, 9), madrid(23, 10), MADRID)  # starts exactly at 09:00
    assert not mornings.suits(madrid(23, 8, 59), madrid(23, 9, 59), MADRID)
    assert not mornings.suits(madrid(28, 10), madrid(28, 11), MADRID)  # a Saturday
    assert Availability().suits(madrid(28, 23), madrid(29, 1), MADRID)


def _candidate(**changes: object) -> Candidate:
    values: dict[str, object] = {
        "entry_id": 1,
        "client_id": 7,
        "staff_id": None,
        "duration": timedelta(minutes=60),
        "availability": Availability(),
        "valid_until": None,
        "blocked": False,
    }
    values.update(changes)
    return Candidate(**values)  # type: ignore[arg-type]


SLOT = FreedInterval(
    staff_id=3, starts_at=madrid(23, 15), ends_at=madrid(23, 16), freed_by_client=9
)


def _fit(candidate: Candidate, *starts: datetime) -> datetime | None:
    """Where in ``SLOT`` (15:00-16:00) the candidate's visit starts, of the free ``starts``
    (default: the freed start itself)."""
    return first_fit(candidate, SLOT, starts or (SLOT.starts_at,), now=NOW, zone=MADRID)


def test_who_fits_a_freed_hour_and_where() -> None:
    at_three = madrid(23, 15)
    assert _fit(_candidate()) == at_three
    assert _fit(_candidate(staff_id=3)) == at_three
    assert _fit(_candidate(staff_id=4)) is None  # waits for another master
    assert _fit(_candidate(blocked=True)) is None
    assert _fit(_candidate(client_id=9)) is None  # freed it
    assert _fit(_candidate(valid_until=NOW)) is None  # ends now
    assert _fit(_candidate(valid_until=NOW + timedelta(seconds=1))) == at_three
    # "anything earlier?": only starts before the booking it would move
    assert _fit(_candidate(booked_at=madrid(23, 15, 1))) == at_three
    assert _fit(_candidate(booked_at=madrid(23, 15))) is None
    # the first free start inside the freed hour that suits them; 16:00 is not inside it
    afternoons = _candidate(availability=Availability.parse((), ["15:30-19:00"]))
    assert _fit(afternoons) is None
    assert _fit(afternoons, at_three, madrid(23, 15, 30), madrid(23, 15, 45)) == madrid(23, 15, 30)
    assert _fit(afternoons, madrid(23, 16)) is None
    assert _fit(_candidate(), madrid(23, 14, 45)) is None  # before the freed time


def test_a_slot_exactly_at_min_notice_is_offered_a_minute_less_is_not() -> None:
    exactly = offer_timing(starts_at=NOW + timedelta(hours=2), now=NOW, rules=RULES)
    assert exactly is not None
    assert exactly.offered_at == NOW
    assert exactly.expires_at == NOW + timedelta(minutes=15)
    assert offer_timing(starts_at=NOW + timedelta(minutes=119), now=NOW, rules=RULES) is None
    assert offer_timing(starts_at=NOW - timedelta(minutes=1), now=NOW, rules=RULES) is None


def test_the_hold_has_lapsed_at_exactly_fifteen_minutes() -> None:
    timing = offer_timing(starts_at=NOW + timedelta(hours=5), now=NOW, rules=RULES)
    assert timing is not None
    assert not hold_lapsed(
        expires_at=timing.expires_at, now=NOW + timedelta(minutes=14, seconds=59)
    )
    assert hold_lapsed(expires_at=timing.expires_at, now=NOW + timedelta(minutes=15))


def test_quiet_hours_first_minute_waits_for_the_morning() -> None:
    tomorrow_noon = madrid(24, 12)
    before = offer_timing(starts_at=tomorrow_noon, now=madrid(23, 20, 59), rules=RULES)
    assert before is not None
    assert before.offered_at == madrid(23, 20, 59)
    first_quiet_minute = offer_timing(starts_at=tomorrow_noon, now=madrid(23, 21), rules=RULES)
    assert first_quiet_minute is not None
    assert first_quiet_minute.offered_at == madrid(24, 9)
    assert first_quiet_minute.expires_at == madrid(24, 9, 15)
    # a slot at 10:00 the next morning: offered at 09:00 with less than two hours' notice: no
    assert offer_timing(starts_at=madrid(24, 10), now=madrid(23, 21), rules=RULES) is None
    assert offer_timing(starts_at=madrid(24, 11), now=madrid(23, 21), rules=RULES) is not None


def test_broadcast_offers_stand_until_the_slot_starts() -> None:
    rules = WaitlistRules(
        mode=WaitlistMode.BROADCAST,
        hold=timedelta(minutes=15),
        min_notice=timedelta(hours=2),
        quiet=RULES.quiet,
        zone=MADRID,
    )
    timing = offer_timing(starts_at=madrid(23, 15), now=NOW, rules=rules)
    assert timing is not None
    assert timing.expires_at == madrid(23, 15)
