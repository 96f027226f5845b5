"""Free start times: working hours minus time off minus appointments (with the buffer).

Pure rules, no database: ``bot.ledger.slots.find_slots`` loads what one query needs and calls
``free_starts`` once per master. Every instant is an aware UTC datetime; the salon's zone only
decides where the working windows lie (see ``bot.domain.schedules.windows``).

How a start is found: candidate starts step through each working window from its opening
(09:00, 09:15, 09:30 … with a 15-minute step); a candidate is free when the whole service,
``[start, start + duration)``, lies inside the window and meets neither a time off nor an
appointment widened by the buffer on both sides (``[start - buffer, end + buffer)``).
Intervals are half-open: an appointment ending at 10:00 leaves 10:00 free.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

Interval = tuple[datetime, datetime]

#: the longest range one query may cover (the API's ``days`` is bounded by it too)
MAX_DAYS = 31


@dataclass(frozen=True, slots=True)
class Slot:
    """A free start for a service with one master."""

    staff_id: int
    staff_name: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC: starts_at + the service's duration
    local: datetime  # the same start on the salon's wall clock (aware, in the salon's zone)


def blocked(
    *, time_off: Iterable[Interval], busy: Iterable[Interval], buffer: timedelta
) -> list[Interval]:
    """Time off as is and every appointment widened by ``buffer`` on both sides, merged."""
    spans = sorted(
        [*time_off, *((start - buffer, end + buffer) for start, end in busy)],
    )
    merged: list[Interval] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def free_starts(
    *,
    windows: Sequence[Interval],
    blocked: Sequence[Interval],
    duration: timedelta,
    step: timedelta,
    start: datetime,
    end: datetime,
    not_before: datetime | None = None,
) -> list[datetime]:
    """Every free start in [start, end) (and not before ``not_before``), earliest first.

    ``windows`` are the working windows (sorted, disjoint), ``blocked`` what ``blocked()``
    returns (sorted, merged). A start is on the window's grid: its opening plus a whole number
    of ``step``s.
    """
    if step <= timedelta(0) or duration <= timedelta(0):
        raise ValueError("step and duration must be positive")
    lower = max(start, not_before) if not_before is not None else start
    found: list[datetime] = []
    index = 0
    for opens, closes in windows:
        for free_from, free_to in _free_parts(opens, closes, blocked, index):
            first = max(free_from, lower)
            steps = -((opens - first) // step)  # ceil((first - opens) / step)
            candidate = opens + steps * step
            while candidate + duration <= free_to and candidate < end:
                found.append(candidate)
                candidate += step
    return found


def _free_parts(
    opens: datetime, closes: datetime, blocked: Sequence[Interval], index: int
) -> list[Interval]:
    """The parts of one window that no blocked interval touches."""
    parts: list[Interval] = []
    cursor = opens
    for start, end in blocked[index:]:
        if end <= cursor:
            continue
        if start >= closes:
            break
        if start > cursor:
            parts.append((cursor, start))
        cursor = max(cursor, end)
        if cursor >= closes:
            break
    if cursor < closes:
        parts.append((cursor, closes))
    return parts


def inside(windows: Sequence[Interval], start: datetime, end: datetime) -> bool:
    """Does [start, end) lie inside one working window?"""
    return any(opens <= start and end <= closes for opens, closes in windows)


def meets(intervals: Iterable[Interval], start: datetime, end: datetime) -> Interval | None:
    """The first interval that [start, end) overlaps (half-open: touching is not meeting)."""
    for first, last in intervals:
        if first < end and start < last:
            return (first, last)
    return None


def pick(slots: list[Slot], *, near: datetime | None, limit: int | None) -> list[Slot]:
    """The slots in time order, or the ``limit`` nearest to ``near`` (then in time order)."""
    ordered = sorted(slots, key=lambda s: (s.starts_at, s.staff_name, s.staff_id))
    if near is not None:
        closest = sorted(ordered, key=lambda s: (abs(s.starts_at - near), s.starts_at))
        chosen = closest[:limit] if limit is not None else closest
        return sorted(chosen, key=lambda s: (s.starts_at, s.staff_name, s.staff_id))
    return ordered[:limit] if limit is not None else ordered
