"""Human-friendly durations such as ``24h``, ``90m``, ``1d12h`` or ``1h30m``."""

from __future__ import annotations

import re
from datetime import timedelta

_PART = re.compile(r"(\d+)\s*([dhms])", re.IGNORECASE)
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_duration(text: str) -> timedelta:
    """Parse ``24h``, ``90m``, ``1d``, ``1h30m`` (units d, h, m, s) into a timedelta.

    Raises ValueError with the accepted format when the text is not a duration.
    """
    cleaned = text.strip().replace(" ", "")
    if not cleaned or _PART.sub("", cleaned) != "":
        raise ValueError(f"{text!r} is not a duration; write it like 24h, 90m, 1d or 1h30m")
    total = timedelta()
    for amount, unit in _PART.findall(cleaned):
        total += timedelta(**{_UNITS[unit.lower()]: int(amount)})
    return total


def format_duration(value: timedelta) -> str:
    """The inverse of parse_duration, e.g. ``timedelta(hours=36)`` -> ``1d12h``."""
    seconds = int(value.total_seconds())
    if seconds == 0:
        return "0m"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return "".join(parts)
