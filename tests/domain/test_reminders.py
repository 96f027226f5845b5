from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.domain.durations import format_duration
from bot.domain.reminders import (
    CONFIRMATION_KIND,
    MIN_GAP,
    QuietHours,
    ReminderRules,
    Script,
    awake,
    is_stale,
    plan_messages,
    reminder_due,
)

MADRID = ZoneInfo("Europe/Madrid")
NIGHT = QuietHours(start=time(21), end=time(9))
RULES = ReminderRules(offsets=(timedelta(hours=24), timedelta(hours=1)), quiet=NIGHT, zone=MADRID)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MADRID).astimezone(UTC)


def plan(start: str, booked: str) -> dict[str, tuple[Script, str]]:
    return {
        p.kind: (p.script, p.due_at.astimezone(MADRID).strftime("%m-%d %H:%M"))
        for p in plan_messages(starts_at=local(start), booked_at=local(booked), rules=RULES)
    }


def test_a_normal_booking_gets_a_confirmation_and_two_reminders() -> None:
    assert plan("2026-11-25T15:00", "2026-11-20T12:00") == {
        CONFIRMATION_KIND: (Script.BOOKING_CONFIRMATION, "11-20 12:00"),
        "reminder:1d": (Script.REMINDER_ASK, "11-24 15:00"),
        "reminder:1h": (Script.REMINDER_LIGHT, "11-25 14:00"),
    }


def test_a_morning_appointment_is_reminded_the_evening_before_but_not_at_night() -> None:
    # 24 h before 09:30 is 09:30 — fine; 1 h before is 08:30, quiet: moving it to 20:59 the
    # evening before is a shift of 11.5 h, more than half an hour: dropped.
    assert plan("2026-11-25T09:30", "2026-11-20T12:00") == {
        CONFIRMATION_KIND: (Script.BOOKING_CONFIRMATION, "11-20 12:00"),
        "reminder:1d": (Script.REMINDER_ASK, "11-24 09:30"),
    }
    # 24 h before 08:00 is 08:00, quiet: moved to 20:59 two evenings before (11 h ≤ 12 h)
    assert plan("2026-11-25T08:00", "2026-11-20T12:00")["reminder:1d"] == (
        Script.REMINDER_ASK,
        "11-23 20:59",
    )


def test_reminders_whose_moment_has_passed_are_not_planned() -> None:
    # booked 3 h before: the 24 h reminder's moment is gone; the 1 h one is 2 h away
    assert set(plan("2026-11-25T15:00", "2026-11-25T12:00")) == {CONFIRMATION_KIND, "reminder:1h"}
    # booked 1 h 20 min before: the 1 h reminder would come 20 min after the confirmation
    assert set(plan("2026-11-25T15:00", "2026-11-25T13:40")) == {CONFIRMATION_KIND}


def test_a_booking_at_night_is_confirmed_in_the_morning() -> None:
    assert plan("2026-11-26T15:00", "2026-11-25T23:30")[CONFIRMATION_KIND] == (
        Script.BOOKING_CONFIRMATION,
        "11-26 09:00",
    )
    # …unless the appointment itself is before the morning
    assert plan("2026-11-26T08:00", "2026-11-25T23:30") == {}  # 24h: passed; 1h: 07:00, dropped


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        ("2026-11-25T20:59", False),  # the last minute of the evening
        ("2026-11-25T21:00", True),  # the first minute of quiet hours
        ("2026-11-26T00:00", True),
        ("2026-11-26T08:59", True),  # the last quiet minute
        ("2026-11-26T09:00", False),  # the morning
    ],
)
def test_the_edges_of_the_default_quiet_hours(moment: str, quiet: bool) -> None:
    assert NIGHT.contains(local(moment), MADRID) is quiet


@pytest.mark.parametrize(
    ("booked", "confirmed"),
    [
        ("2026-11-25T20:59", "11-25 20:59"),
        ("2026-11-25T21:00", "11-26 09:00"),
        ("2026-11-26T08:59", "11-26 09:00"),
        ("2026-11-26T09:00", "11-26 09:00"),
    ],
)
def test_a_confirmation_waits_exactly_for_the_end_of_quiet_hours(
    booked: str, confirmed: str
) -> None:
    assert plan("2026-11-27T15:00", booked)[CONFIRMATION_KIND] == (
        Script.BOOKING_CONFIRMATION,
        confirmed,
    )


def test_nothing_is_planned_for_an_appointment_that_has_started() -> None:
    assert plan("2026-11-25T15:00", "2026-11-25T15:00") == {}


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # clocks go back on 25 Oct 2026: 24 h before 08:00 is 09:00 the day before, not quiet
        ("2026-10-25T08:00", "10-24 09:00"),
        # clocks go forward on 29 Mar 2026: 24 h before 09:30 is 08:30 the day before, quiet,
        # so it moves to 20:59 the evening before that
        ("2026-03-29T09:30", "03-27 20:59"),
    ],
)
def test_reminders_count_real_hours_across_dst_changes(start: str, expected: str) -> None:
    due = reminder_due(
        starts_at=local(start),
        booked_at=local("2026-01-01T12:00"),
        offset=timedelta(hours=24),
        rules=RULES,
    )
    assert due is not None
    assert due.astimezone(MADRID).strftime("%m-%d %H:%M") == expected


def test_a_daytime_window_is_supported() -> None:
    lunch = QuietHours(start=time(13), end=time(14))
    assert lunch.contains(local("2026-11-25T13:30"), MADRID)
    assert not lunch.contains(local("2026-11-25T14:00"), MADRID)
    assert not QuietHours(start=time(0), end=time(0)).contains(local("2026-11-25T03:00"), MADRID)


ZONES = [ZoneInfo(z) for z in ("Europe/Madrid", "America/New_York", "Europe/Moscow", "Asia/Tokyo")]


@settings(max_examples=400)
@given(
    start_minutes=st.integers(min_value=0, max_value=2 * 366 * 24 * 60),
    lead_minutes=st.integers(min_value=1, max_value=10 * 24 * 60),
    zone=st.sampled_from(ZONES),
    quiet_start=st.integers(min_value=0, max_value=23),
    quiet_end=st.integers(min_value=0, max_value=23),
    offsets=st.lists(
        st.integers(min_value=15, max_value=72 * 60), min_size=1, max_size=3, unique=True
    ),
)
def test_planning_invariants(
    start_minutes: int,
    lead_minutes: int,
    zone: ZoneInfo,
    quiet_start: int,
    quiet_end: int,
    offsets: list[int],
) -> None:
    """Over two years (every DST change included), in several zones and quiet windows."""
    starts_at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=start_minutes)
    booked_at = starts_at - timedelta(minutes=lead_minutes)
    quiet = QuietHours(start=time(quiet_start), end=time(quiet_end))
    rules = ReminderRules(
        offsets=tuple(timedelta(minutes=m) for m in offsets), quiet=quiet, zone=zone
    )
    planned = plan_messages(starts_at=starts_at, booked_at=booked_at, rules=rules)
    kinds = [p.kind for p in planned]
    assert len(kinds) == len(set(kinds))
    for message in planned:
        assert booked_at <= message.due_at < starts_at
        assert not quiet.contains(message.due_at, zone), message
        if message.script is not Script.BOOKING_CONFIRMATION:
            offset = next(timedelta(minutes=m) for m in offsets if message.kind.endswith(_fmt(m)))
            ideal = starts_at - offset
            assert message.due_at <= ideal
            assert ideal - message.due_at <= offset / 2
            assert message.due_at - booked_at >= MIN_GAP
    asks = [p for p in planned if p.script is Script.REMINDER_ASK]
    assert len(asks) <= 1


def _fmt(minutes: int) -> str:
    return ":" + format_duration(timedelta(minutes=minutes))


@given(
    offset_minutes=st.integers(min_value=30, max_value=48 * 60),
    zone=st.sampled_from(ZONES),
    start_minutes=st.integers(min_value=0, max_value=366 * 24 * 60),
)
def test_a_reminder_outside_quiet_hours_is_exactly_on_time(
    offset_minutes: int, zone: ZoneInfo, start_minutes: int
) -> None:
    starts_at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=start_minutes)
    offset = timedelta(minutes=offset_minutes)
    rules = ReminderRules(offsets=(offset,), quiet=NIGHT, zone=zone)
    assume(not NIGHT.contains(starts_at - offset, zone))
    due = reminder_due(
        starts_at=starts_at, booked_at=starts_at - timedelta(days=30), offset=offset, rules=rules
    )
    assert due == starts_at - offset


@pytest.mark.parametrize(
    ("script", "due_hours_before", "now_hours_before", "stale"),
    [
        (Script.REMINDER_ASK, 24, 23, False),
        (Script.REMINDER_ASK, 24, 11, True),
        (Script.REMINDER_LIGHT, 1, 0.4, True),
        (Script.BOOKING_CONFIRMATION, 48, 1, False),
        (Script.BOOKING_CONFIRMATION, 48, 0, True),
        # the salon's cancellation: news however late, until the visit would have started
        (Script.SALON_CANCELLED, 48, 0.01, False),
        (Script.SALON_CANCELLED, 1, 0, True),
        # the answer to a move: until the visit begins, however late (a day at most)
        (Script.RESCHEDULE_DECLINED, 20, 1 / 60, False),
        (Script.RESCHEDULE_DECLINED, 20, 0, True),
        (Script.RESCHEDULE_MOVED, 50, 26, False),
        (Script.RESCHEDULE_LAPSED, 50, 25.99, True),
    ],
)
def test_stale_messages(
    script: Script, due_hours_before: float, now_hours_before: float, stale: bool
) -> None:
    starts_at = local("2026-11-25T15:00")
    assert (
        is_stale(
            script=script,
            due_at=starts_at - timedelta(hours=due_hours_before),
            starts_at=starts_at,
            now=starts_at - timedelta(hours=now_hours_before),
        )
        is stale
    )


def test_a_message_due_in_quiet_hours_goes_when_they_end() -> None:
    assert awake(local("2026-11-25T20:59"), RULES) == local("2026-11-25T20:59")
    assert awake(local("2026-11-25T21:00"), RULES) == local("2026-11-26T09:00")
    assert awake(local("2026-11-26T08:59"), RULES) == local("2026-11-26T09:00")
    assert awake(local("2026-11-26T09:00"), RULES) == local("2026-11-26T09:00")
    assert awake(local("2026-11-25T23:00"), None) == local("2026-11-25T23:00")
