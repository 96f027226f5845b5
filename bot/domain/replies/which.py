"""Which of a client's bookings a message names, when they hold several: "cancel my Saturday
appointment" with a visit on Thursday and one on Saturday is about Saturday's, whatever was
written to them last. A booking is named by its weekday, its date ("12 марта", "5.12", "the
12th") or "today" / "tomorrow" / "the day after tomorrow" when it falls then. A message naming
the days of two bookings ("move Thursday to Saturday") names none of them for sure, and the
caller keeps its usual choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.replies.dates import days_named
from bot.domain.replies.language import LEXICONS, detect_language
from bot.domain.replies.text import fold


def booking_named(
    text: str,
    starts: Sequence[datetime],
    *,
    now: datetime,
    tz: ZoneInfo,
    locale_hint: str | None = None,
) -> int | None:
    """The index in ``starts`` of the one booking whose day ``text`` names; None when it names
    none of them, or the days of several."""
    raw = text.strip()
    folded = fold(raw)
    language = detect_language(raw, folded, hint=locale_hint)
    if not folded or language is None:
        return None
    dates, weekdays = days_named(folded, LEXICONS[language], now.astimezone(tz).date())
    if not dates and not weekdays:
        return None
    days = [start.astimezone(tz).date() for start in starts]
    named = [n for n, day in enumerate(days) if day in dates or day.weekday() in weekdays]
    return named[0] if len(named) == 1 else None
