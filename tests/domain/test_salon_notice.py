"""When a client hears that the salon cancelled their visit (quiet hours 21:00–09:00, Madrid)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.domain.reminders import QuietHours, salon_notice_due
from tests.domain.test_reminders import MADRID, NIGHT, local

NO_QUIET = QuietHours(start=time(0), end=time(0))


def due(start: str, cancelled: str, quiet: QuietHours = NIGHT) -> str | None:
    found = salon_notice_due(
        starts_at=local(start), cancelled_at=local(cancelled), quiet=quiet, zone=MADRID
    )
    return None if found is None else found.astimezone(MADRID).strftime("%m-%d %H:%M")


@pytest.mark.parametrize(
    ("start", "cancelled", "expected"),
    [
        # by day: two minutes later (an admin's wrong /cancel can still be booked again)
        ("2026-11-25T15:00", "2026-11-23T10:00", "11-23 10:02"),
        # at night, for an afternoon visit: in the morning, 3 h before the visit or more
        ("2026-11-24T15:00", "2026-11-23T23:00", "11-24 09:00"),
        ("2026-11-24T12:00", "2026-11-23T23:00", "11-24 09:00"),
        # …but a morning visit is told at once: the morning would leave too little time
        ("2026-11-24T11:59", "2026-11-23T23:00", "11-23 23:02"),
        ("2026-11-24T09:00", "2026-11-24T06:30", "11-24 06:32"),
        # two minutes later falls in the quiet hours (they start at 21:00)
        ("2026-11-24T15:00", "2026-11-23T20:58", "11-24 09:00"),
        ("2026-11-24T15:00", "2026-11-23T20:57", "11-23 20:59"),
        # the visit is closer than the two minutes: at once
        ("2026-11-23T10:01", "2026-11-23T10:00", "11-23 10:00"),
        ("2026-11-23T10:02", "2026-11-23T10:00", "11-23 10:00"),
        ("2026-11-23T10:03", "2026-11-23T10:00", "11-23 10:02"),
    ],
)
def test_when_the_notice_goes_out(start: str, cancelled: str, expected: str) -> None:
    assert due(start, cancelled) == expected


@pytest.mark.parametrize("cancelled", ["2026-11-23T10:00", "2026-11-23T12:00"])
def test_no_notice_once_the_visit_has_started(cancelled: str) -> None:
    assert due("2026-11-23T10:00", cancelled) is None


def test_without_quiet_hours_it_goes_two_minutes_later_at_night() -> None:
    assert due("2026-11-24T15:00", "2026-11-23T23:00", NO_QUIET) == "11-23 23:02"


def test_the_due_time_is_utc() -> None:
    found = salon_notice_due(
        starts_at=datetime(2026, 11, 24, 14, tzinfo=UTC),
        cancelled_at=datetime(2026, 11, 23, 22, tzinfo=UTC),
        quiet=NIGHT,
        zone=MADRID,
    )
    assert found == datetime(2026, 11, 24, 8, tzinfo=UTC)  # 09:00 in Madrid
