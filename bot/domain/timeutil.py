"""Moving between the salon's wall clock and UTC, refusing times a DST change skips."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import InvalidInputError


def localize(moment: datetime, zone: ZoneInfo, *, field: str = "start") -> datetime:
    """An aware UTC datetime; a naive ``moment`` is read as wall-clock time in ``zone``.

    A wall-clock time that does not exist (skipped by a DST change) is refused; an ambiguous one
    (repeated by a DST change) takes its first occurrence.
    """
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    aware = moment.replace(tzinfo=zone)
    round_trip = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != moment:
        raise InvalidInputError(
            f"{moment:%Y-%m-%d %H:%M} does not exist in {zone.key} (the clocks skip it)",
            field=field,
            code="no_such_time",
            params={"when": f"{moment:%Y-%m-%d %H:%M}", "zone": zone.key},
        )
    return aware.astimezone(UTC)


def shown_at(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as a person in the salon reads it, naming the zone so nobody is misled:
    "2026-11-24 01:37 (Europe/Moscow, UTC+03:00)"."""
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    if zone.key == "UTC":
        return f"{local:%Y-%m-%d %H:%M} (UTC)"
    return f"{local:%Y-%m-%d %H:%M} ({zone.key}, UTC{offset[:3]}:{offset[3:]})"


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants at which ``day`` starts and ends in ``zone`` (23, 24 or 25 hours)."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)
