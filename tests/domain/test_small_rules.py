from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.durations import format_duration, parse_duration
from bot.domain.locales import supported_locale
from bot.domain.phones import normalize_phone
from bot.domain.salon import DEFAULT_WORKING_HOURS, WorkingHours
from bot.domain.timeutil import day_bounds, localize
from bot.errors import InvalidInputError

MADRID = ZoneInfo("Europe/Madrid")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", timedelta(hours=24)),
        ("90m", timedelta(minutes=90)),
        ("1d12h", timedelta(hours=36)),
        ("1h 30m", timedelta(minutes=90)),
        ("45s", timedelta(seconds=45)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "24", "h", "24x", "1h-5m"])
def test_parse_duration_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


@given(st.integers(min_value=0, max_value=10**7))
def test_format_and_parse_round_trip(seconds: int) -> None:
    value = timedelta(seconds=seconds)
    assert parse_duration(format_duration(value)) == value


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+7 900 123-45-67", None, "+79001234567"),
        ("8 (900) 123-45-67", "RU", "+79001234567"),
        ("600 111 222", "ES", "+34600111222"),
        ("+90 532 123 45 67", None, "+905321234567"),
    ],
)
def test_phones_become_e164(raw: str, region: str | None, expected: str) -> None:
    assert normalize_phone(raw, region=region) == expected


def test_a_local_number_without_region_says_how_to_fix_it() -> None:
    with pytest.raises(InvalidInputError, match=r"country code.*SHOWUP_PHONE_REGION"):
        normalize_phone("8 900 123-45-67", region=None)


@pytest.mark.parametrize("raw", ["", "hello", "+7 12"])
def test_bad_phones_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInputError):
        normalize_phone(raw, region="RU")


def test_supported_locale_maps_messenger_codes() -> None:
    assert supported_locale("ru-RU") == "ru"
    assert supported_locale("es") == "es"
    assert supported_locale("de") is None
    assert supported_locale(None) is None


def test_localize_reads_naive_times_as_salon_time() -> None:
    moment = localize(datetime(2026, 7, 1, 10, 0), MADRID)  # noqa: DTZ001 - naive on purpose
    assert moment == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def test_localize_refuses_a_time_the_clocks_skip() -> None:
    with pytest.raises(InvalidInputError, match="does not exist"):
        localize(datetime(2026, 3, 29, 2, 30), MADRID)  # noqa: DTZ001 - naive on purpose


def test_day_bounds_follow_dst() -> None:
    start, end = day_bounds(date(2026, 3, 29), MADRID)
    assert end - start == timedelta(hours=23)
    start, end = day_bounds(date(2026, 10, 25), MADRID)
    assert end - start == timedelta(hours=25)


def test_working_hours_validate() -> None:
    assert DEFAULT_WORKING_HOURS.for_weekday(6) is None
    assert DEFAULT_WORKING_HOURS.for_weekday(0) is not None
    with pytest.raises(ValueError, match="after opening"):
        WorkingHours.model_validate({"mon": {"open": "18:00", "close": "09:00"}})
