"""The slot engine at its edges, with literal times (UTC unless a zone is named)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.schedules import WeeklyHours, parse_week, windows
from bot.domain.slots import Slot, blocked, free_starts, inside, meets, pick
from bot.domain.timeutil import day_bounds

MADRID = ZoneInfo("Europe/Madrid")
MIN = timedelta(minutes=1)


def at(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def starts(
    *,
    window: tuple[datetime, datetime] = (at(9), at(18)),
    busy: list[tuple[datetime, datetime]] | None = None,
    off: list[tuple[datetime, datetime]] | None = None,
    minutes: int = 60,
    step: int = 15,
    buffer: int = 0,
    not_before: datetime | None = None,
) -> list[str]:
    shut = blocked(time_off=off or [], busy=busy or [], buffer=timedelta(minutes=buffer))
    found = free_starts(
        windows=[window],
        blocked=shut,
        duration=timedelta(minutes=minutes),
        step=timedelta(minutes=step),
        start=at(0),
        end=at(0, day=24),
        not_before=not_before,
    )
    return [f"{moment:%H:%M}" for moment in found]


def test_an_appointment_ending_when_the_next_starts_leaves_no_gap_and_no_overlap() -> None:
    assert starts(window=(at(9), at(12)), busy=[(at(10), at(11))], step=60) == ["09:00", "11:00"]
    assert meets([(at(10), at(11))], at(11), at(12)) is None
    assert meets([(at(10), at(11))], at(9), at(10)) is None
    assert meets([(at(10), at(11))], at(10, 59), at(11, 30)) == (at(10), at(11))


def test_a_buffer_that_exactly_fills_the_gap() -> None:
    busy = [(at(9), at(10)), (at(11), at(12))]
    # 10:00 + 10 min buffer = 10:10; 10:10 + 40 min = 10:50; 10:50 + 10 min = 11:00
    assert starts(window=(at(9), at(12)), busy=busy, minutes=40, step=10, buffer=10) == ["10:10"]
    assert starts(window=(at(9), at(12)), busy=busy, minutes=41, step=10, buffer=10) == []
    assert starts(window=(at(9), at(12)), busy=busy, minutes=60, step=10, buffer=0) == ["10:00"]


def test_time_off_to_the_minute() -> None:
    found = starts(window=(at(12), at(16)), off=[(at(13), at(14, 30))], minutes=30)
    assert found == ["12:00", "12:15", "12:30", "14:30", "14:45", "15:00", "15:15", "15:30"]
    one_minute = starts(window=(at(12), at(13)), off=[(at(12, 29), at(12, 30))], minutes=30)
    assert one_minute == ["12:30"]


def test_the_last_start_that_still_fits_before_closing() -> None:
    found = starts(minutes=45)
    assert found[0] == "09:00"
    assert found[-1] == "17:15"  # 17:15 + 45 min = 18:00, the closing time
    assert "17:30" not in found
    assert len(found) == 34


def test_the_grid_starts_at_the_opening_and_not_before_now() -> None:
    assert starts(window=(at(9, 10), at(10, 40)), minutes=30)[:3] == ["09:10", "09:25", "09:40"]
    # after an appointment ending off the grid, the next start is the next grid point
    assert starts(window=(at(9), at(11)), busy=[(at(9), at(9, 50))], minutes=30) == [
        "10:00",
        "10:15",
        "10:30",
    ]
    later = starts(window=(at(9), at(11)), minutes=60, not_before=at(9, 1))
    assert later == ["09:15", "09:30", "09:45", "10:00"]


def test_overlapping_blocks_merge() -> None:
    merged = blocked(
        time_off=[(at(10), at(11))],
        busy=[(at(10, 30), at(12)), (at(14), at(15))],
        buffer=timedelta(minutes=5),
    )
    assert merged == [(at(10), at(12, 5)), (at(13, 55), at(15, 5))]


def test_a_lunch_break_splits_the_day() -> None:
    week = parse_week("mon 10:00-14:00,15:00-19:00")
    day = datetime(2026, 11, 23, tzinfo=UTC)  # a Monday
    assert windows(week, ZoneInfo("UTC"), day, day + timedelta(days=1)) == [
        (at(10), at(14)),
        (at(15), at(19)),
    ]
    assert inside(windows(week, ZoneInfo("UTC"), at(13), at(14)), at(13), at(14))
    across = windows(week, ZoneInfo("UTC"), at(13, 30), at(14, 30))
    assert not inside(across, at(13, 30), at(14, 30))


def _day_starts(week: WeeklyHours | None, day: date, minutes: int) -> list[str]:
    lower, upper = day_bounds(day, MADRID)
    found = free_starts(
        windows=windows(week, MADRID, lower, upper),
        blocked=[],
        duration=timedelta(minutes=minutes),
        step=timedelta(minutes=60),
        start=lower,
        end=upper,
    )
    return [f"{m.astimezone(MADRID):%H:%M%z}" for m in found]


def test_spring_forward_day_in_madrid_has_23_hours_of_starts() -> None:
    found = _day_starts(None, date(2026, 3, 29), 60)
    assert len(found) == 23
    assert found[:4] == ["00:00+0100", "01:00+0100", "03:00+0200", "04:00+0200"]
    assert found[-1] == "23:00+0200"
    hours = _day_starts(parse_week("daily 09:00-18:00"), date(2026, 3, 29), 60)
    assert (hours[0], hours[-1], len(hours)) == ("09:00+0200", "17:00+0200", 9)
    lower, _ = day_bounds(date(2026, 3, 29), MADRID)
    assert lower == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)


def test_fall_back_day_in_madrid_repeats_two_oclock() -> None:
    found = _day_starts(None, date(2026, 10, 25), 60)
    assert len(found) == 25
    assert found[1:4] == ["01:00+0200", "02:00+0200", "02:00+0100"]
    hours = _day_starts(parse_week("sun 09:00-18:00"), date(2026, 10, 25), 60)
    assert (hours[0], len(hours)) == ("09:00+0100", 9)


def test_pick_nearest_then_in_time_order() -> None:
    slots = [
        Slot(staff_id=1, staff_name="Vitaly", starts_at=at(h), ends_at=at(h + 1), local=at(h))
        for h in (9, 10, 11, 12, 13)
    ]
    chosen = pick(slots, near=at(11, 20), limit=3)
    assert [s.starts_at.hour for s in chosen] == [10, 11, 12]
    assert [s.starts_at.hour for s in pick(slots, near=None, limit=2)] == [9, 10]
