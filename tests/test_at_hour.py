"""The night-run helper moves the clock to the wanted local time, never into the future."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tests.at_hour import main, offset_to

NOW = datetime(2026, 11, 30, 18, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("wanted", "zone", "seconds"),
    [
        (time(23, 30), "UTC", -(18 * 3600 + 40 * 60)),  # yesterday 23:30
        (time(18, 10), "UTC", 0),  # right now
        (time(18, 9), "UTC", -60),
        (time(3, 0), "Pacific/Kiritimati", -(5 * 3600 + 10 * 60)),  # it is already 08:10 there
        (time(3, 0), "America/Adak", -(5 * 3600 + 10 * 60)),  # 08:10 -10:00
        (time(23, 30), "Europe/Madrid", -(19 * 3600 + 40 * 60)),  # 19:10 there
    ],
)
def test_the_offset_reaches_the_latest_moment_the_zone_read_that_time(
    wanted: time, zone: str, seconds: int
) -> None:
    assert offset_to(wanted, ZoneInfo(zone), NOW) == seconds


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["23:30", "--zone", "UTC"])
    assert "give the command to run after --" in capsys.readouterr().err
