"""A client who answers our asking reminder promptly is never penalised for its timing: the
late-cancellation rule at its exact edges, with literal moments (UTC-aware; no wall clock)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.policy import Rung, is_late_cancel, rung_applied
from bot.domain.reminders import QuietHours, ReminderRules, Script, plan_messages

START = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # the visit
DAY = timedelta(hours=24)
GRACE = timedelta(hours=2)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def late(cancelled_at: datetime, asked_at: datetime | None, grace: timedelta = GRACE) -> bool:
    return is_late_cancel(
        starts_at=START, cancelled_at=cancelled_at, window=DAY, asked_at=asked_at, grace=grace
    )


@pytest.mark.parametrize(
    ("cancelled_at", "expected"),
    [
        (at(23, 9, 59), False),  # 24 h 1 min before
        (at(23, 10, 0), False),  # exactly 24 h before: on time
        (at(23, 10, 1), True),  # 23 h 59 min before
        (at(24, 9, 0), True),
    ],
)
def test_without_a_reminder_the_window_alone_decides(
    cancelled_at: datetime, expected: bool
) -> None:
    assert late(cancelled_at, asked_at=None) is expected


@pytest.mark.parametrize(
    ("cancelled_at", "expected"),
    [
        (at(23, 10, 0), False),  # the moment the reminder arrives
        (at(23, 11, 0), False),  # an hour later: inside the window, but answering us
        (at(23, 11, 59), False),  # 1 minute before the grace ends
        (at(23, 12, 0), False),  # exactly at its end: still on time
        (at(23, 12, 1), True),  # 1 minute after: late
        (at(24, 8, 0), True),
    ],
)
def test_the_reminder_sent_exactly_24h_before_opens_a_grace(
    cancelled_at: datetime, expected: bool
) -> None:
    assert late(cancelled_at, asked_at=at(23, 10, 0)) is expected


@pytest.mark.parametrize(
    ("cancelled_at", "expected"),
    [
        (at(23, 13, 29), True),  # before the late reminder came: the client's own late cancel
        (at(23, 13, 30), False),
        (at(23, 15, 29), False),  # 1 minute before the grace ends
        (at(23, 15, 30), False),  # at its end
        (at(23, 15, 31), True),
    ],
)
def test_a_reminder_sent_late_gives_the_whole_grace_from_when_it_was_sent(
    cancelled_at: datetime, expected: bool
) -> None:
    """Planned for 10:00 the day before, sent at 13:30 (a retry, an outage, any shift)."""
    assert late(cancelled_at, asked_at=at(23, 13, 30)) is expected


def test_a_reminder_sent_before_the_window_adds_nothing_inside_it() -> None:
    """Sent 25 h before: the grace runs to 23 h before, then the window rules again."""
    asked = at(23, 9, 0)
    assert late(at(23, 10, 59), asked) is False
    assert late(at(23, 11, 0), asked) is False
    assert late(at(23, 11, 1), asked) is True


def test_a_grace_of_zero_is_off() -> None:
    assert late(at(23, 10, 1), asked_at=at(23, 10, 0), grace=timedelta(0)) is True
    assert late(at(23, 10, 0), asked_at=at(23, 10, 0), grace=timedelta(0)) is False  # the window


def test_with_the_default_plan_the_asking_reminder_is_exactly_at_the_boundary() -> None:
    """The case the rule is for: the defaults (24h,1h; window 24h) put the asking reminder on the
    window's edge, so a tap on its Cancel an hour later is late without the grace only."""
    rules = ReminderRules(
        offsets=(DAY, timedelta(hours=1)),
        quiet=QuietHours(start=time(21), end=time(9)),
        zone=ZoneInfo("Europe/Madrid"),
    )
    planned = plan_messages(starts_at=START, booked_at=at(20, 12, 0), rules=rules)
    [ask] = [p for p in planned if p.script is Script.REMINDER_ASK]
    assert ask.due_at == START - DAY  # 11:00 Madrid, outside quiet hours
    tap = ask.due_at + timedelta(hours=1)
    assert late(tap, asked_at=ask.due_at) is False
    assert late(tap, asked_at=ask.due_at, grace=timedelta(0)) is True


MADRID = ZoneInfo("Europe/Madrid")
QUIET = QuietHours(start=time(21), end=time(9))


@pytest.mark.parametrize(
    ("cancelled_at", "expected"),
    [
        (datetime(2026, 11, 22, 19, 59, tzinfo=UTC), False),  # 20:59 Madrid, as it arrives
        (datetime(2026, 11, 23, 7, 30, tzinfo=UTC), False),  # 08:30: the window is open
        (datetime(2026, 11, 23, 9, 58, tzinfo=UTC), False),  # 10:58: 1 min before the end
        (datetime(2026, 11, 23, 9, 59, tzinfo=UTC), False),  # 10:59: the end (1 min + 1 h 59)
        (datetime(2026, 11, 23, 10, 0, tzinfo=UTC), True),  # 11:00
    ],
)
def test_a_reminder_moved_to_the_evening_by_quiet_hours_can_be_answered_next_morning(
    cancelled_at: datetime, expected: bool
) -> None:
    """A visit at 08:00 Madrid: the 24 h reminder would fall in the quiet hours and is planned
    for 20:59 two evenings before. The grace does not run at night: 1 minute before 21:00, the
    rest from 09:00, so it ends at 10:59, after the window opened (08:00)."""
    starts = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 08:00 Madrid
    rules = ReminderRules(offsets=(DAY, timedelta(hours=1)), quiet=QUIET, zone=MADRID)
    planned = plan_messages(starts_at=starts, booked_at=at(20, 12, 0), rules=rules)
    [ask] = [p for p in planned if p.script is Script.REMINDER_ASK]
    assert ask.due_at == datetime(2026, 11, 22, 19, 59, tzinfo=UTC)  # 20:59 Madrid
    verdict = is_late_cancel(
        starts_at=starts,
        cancelled_at=cancelled_at,
        window=DAY,
        asked_at=ask.due_at,
        grace=GRACE,
        quiet=QUIET,
        zone=MADRID,
    )
    assert verdict is expected
    # counted in plain hours instead, the grace would have ended at 22:59 that evening
    next_morning = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
    assert is_late_cancel(
        starts_at=starts, cancelled_at=next_morning, window=DAY, asked_at=ask.due_at, grace=GRACE
    )


def test_a_reminder_delayed_into_the_night_starts_its_grace_in_the_morning() -> None:
    """Sent at 23:30 Madrid after an outage: the grace runs 09:00–11:00 the next morning."""
    asked = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)  # 23:30 Madrid
    assert QUIET.add_awake(asked, GRACE, MADRID) == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_without_quiet_hours_the_grace_is_plain_hours() -> None:
    off = QuietHours(start=time(0), end=time(0))
    asked = datetime(2026, 11, 22, 19, 59, tzinfo=UTC)
    assert off.add_awake(asked, GRACE, MADRID) == asked + GRACE
    # daytime, away from the quiet hours, the quiet-aware grace is plain hours too
    assert QUIET.add_awake(at(23, 10, 0), GRACE, MADRID) == at(23, 12, 0)


@pytest.mark.parametrize("wanted", list(Rung))
def test_a_deposit_or_a_block_needs_the_rules_to_have_been_shown(wanted: Rung) -> None:
    assert rung_applied(wanted, shown_rules=True) is wanted
    assert rung_applied(wanted, shown_rules=False) is min(wanted, Rung.WARNING)
    if wanted >= Rung.DEPOSIT:
        assert rung_applied(wanted, shown_rules=False) is Rung.WARNING
