"""Weekly hours written as on a salon's door."""

from __future__ import annotations

import pytest

from bot.domain.salon import DEFAULT_WORKING_HOURS
from bot.domain.schedules import Span, WeeklyHours, day_names, parse_week
from bot.errors import InvalidInputError


def test_a_door_sign_reads_and_reads_back() -> None:
    week = parse_week("mon-fri 09:00-19:00; sat 10:00-14:00,15:00-17:00; sun off")
    assert week.days[0] == (Span(540, 1140),)
    assert week.days[5] == (Span(600, 840), Span(900, 1020))
    assert week.days[6] == ()
    assert week.describe() == "mon-fri 09:00-19:00; sat 10:00-14:00,15:00-17:00"
    assert parse_week(week.describe()) == week


def test_shapes_people_write() -> None:
    assert parse_week("always").is_always
    assert parse_week("daily 00:00-24:00").is_always
    assert parse_week("Monday 9:00-13:00\nwed,fri 9:00-13:00").describe() == (
        "mon 09:00-13:00; wed 09:00-13:00; fri 09:00-13:00"
    )
    assert parse_week("fri-mon 10:00-12:00").describe() == "mon 10:00-12:00; fri-sun 10:00-12:00"
    assert WeeklyHours.from_dict({"tue": ["09:00-12:00"]}).describe() == "tue 09:00-12:00"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("mon-fry 09:00-18:00", "hours_day"),
        ("mon 18:00-09:00", "hours_range"),
        ("mon 22:00-02:00", "hours_range"),
        ("mon 09:00-25:00", "hours_clock"),
        ("mon 9-18", "hours_clock"),
        ("mon 09:00-13:00,12:00-18:00", "hours_overlap"),
        ("09:00-18:00", "hours_entry"),
        ("", "hours_empty"),
    ],
)
def test_wrong_hours_are_refused_with_a_reason(text: str, code: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_week(text)
    assert caught.value.code == code


def test_admins_write_days_in_their_own_language() -> None:
    week = parse_week("пн-пт 10:00-19:00; сб 10:00-16:00; вс выходной")
    assert week.describe() == "mon-fri 10:00-19:00; sat 10:00-16:00"
    assert week.describe(day_names("ru")) == "пн-пт 10:00-19:00; сб 10:00-16:00"
    assert parse_week("lun-vie 09:00-18:00; sáb 10:00-14:00").describe(day_names("es")) == (
        "lun-vie 09:00-18:00; sáb 10:00-14:00"
    )
    assert parse_week("Pzt-Cum 09:00-18:00; Cmt kapalı").describe(day_names("tr")) == (
        "pzt-cum 09:00-18:00"
    )


def test_the_salons_stored_hours_round_trip() -> None:
    week = WeeklyHours.from_working_hours(DEFAULT_WORKING_HOURS)
    assert week.describe() == "mon-sat 09:00-21:00"
    assert week.to_working_hours() == DEFAULT_WORKING_HOURS
    with pytest.raises(InvalidInputError):
        parse_week("mon 10:00-14:00,15:00-19:00").to_working_hours()
