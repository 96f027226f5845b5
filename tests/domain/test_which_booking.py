"""``booking_named``: which of a client's bookings a message names by its day."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.replies.which import booking_named

MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=MADRID)  # Tuesday
THURSDAY = datetime(2026, 12, 3, 10, 0, tzinfo=MADRID)
SATURDAY = datetime(2026, 12, 5, 12, 0, tzinfo=MADRID)
NEXT_SATURDAY = datetime(2026, 12, 12, 12, 0, tzinfo=MADRID)
TOMORROW_LATE = datetime(2026, 12, 2, 23, 30, tzinfo=MADRID)  # Wednesday, 22:30 UTC


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("cancel my Saturday appointment", "en", 1),
        ("отмените запись на субботу", "ru", 1),
        ("cancela mi cita del sábado", "es", 1),
        ("cumartesi randevumu iptal edin", "tr", 1),
        ("see you on thursday", "en", 0),
        ("на 5 декабря не смогу", "ru", 1),
        ("el 3 de diciembre no puedo", "es", 0),
        ("5.12 не приду", "ru", 1),
        ("move thursday to saturday", "en", None),  # both: neither for sure
        ("cancel my monday appointment", "en", None),  # no booking on a Monday
        ("yes", "en", None),
        ("", "en", None),
    ],
)
def test_the_day_named_picks_the_booking(text: str, locale: str, expected: int | None) -> None:
    assert booking_named(text, [THURSDAY, SATURDAY], now=NOW, tz=MADRID, locale_hint=locale) == (
        expected
    )


def test_a_weekday_names_that_weekdays_booking_even_a_week_off() -> None:
    starts = [THURSDAY, NEXT_SATURDAY]
    assert booking_named("cancel saturday", starts, now=NOW, tz=MADRID, locale_hint="en") == 1


def test_two_bookings_on_the_weekday_named_are_not_told_apart() -> None:
    starts = [SATURDAY, NEXT_SATURDAY]
    assert booking_named("cancel saturday", starts, now=NOW, tz=MADRID, locale_hint="en") is None


def test_tomorrow_is_the_salons_tomorrow_not_utcs() -> None:
    # 23:30 in Madrid on Wednesday is still Wednesday there (22:30 UTC)
    starts = [TOMORROW_LATE, SATURDAY]
    assert booking_named("tomorrow I can't", starts, now=NOW, tz=MADRID, locale_hint="en") == 0
    late_evening = datetime(2026, 12, 1, 23, 59, tzinfo=MADRID)  # still Tuesday in Madrid
    assert (
        booking_named("tomorrow I can't", starts, now=late_evening, tz=MADRID, locale_hint="en")
        == 0
    )
    after_midnight = datetime(2026, 12, 2, 0, 0, tzinfo=MADRID)  # Wednesday: tomorrow is Thu
    assert (
        booking_named("tomorrow I can't", starts, now=after_midnight, tz=MADRID, locale_hint="en")
        is None
    )
