"""Parts of the day a client may name instead of an hour ("friday evening", "в пятницу вечером",
"el viernes por la tarde", "cuma akşam"), as windows of the salon's wall clock.

The windows are defined here once, for the reply reader and for the search of free times alike:

- morning: 06:00–12:00 (a salon's "before lunch");
- afternoon: 12:00–17:00 (Spanish "la tarde" is read as this; "por la noche" is the evening);
- evening: 17:00–24:00 (the end is the salon's closing, which the working hours already set).

A window is half-open, ``[start, end)``: a slot starting at 12:00 is the afternoon's.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class DayPart(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


#: each part's window on the salon's wall clock: the hour it starts and the hour it ends
WINDOWS: dict[DayPart, tuple[int, int]] = {
    DayPart.MORNING: (6, 12),
    DayPart.AFTERNOON: (12, 17),
    DayPart.EVENING: (17, 24),
}


def window(part: DayPart, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The part of ``day`` as aware datetimes in ``zone``, ``[start, end)``."""
    start, end = WINDOWS[part]
    ends = day + timedelta(days=end // 24)
    return (
        datetime.combine(day, time(start), tzinfo=zone),
        datetime.combine(ends, time(end % 24), tzinfo=zone),
    )


__all__ = ["WINDOWS", "DayPart", "window"]
