"""Salon-wide facts the rules need: working hours per weekday."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _wall_clock(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("give a time of day in the salon's zone, without an offset (09:00)")
    return value


#: a time of day on the salon's wall clock: 09:00 or 09:00:00, never with an offset
WallClock = Annotated[
    time,
    AfterValidator(_wall_clock),
    WithJsonSchema({"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"}),
]


class DayHours(BaseModel):
    """Opening and closing time of one day, in the salon's time zone."""

    model_config = ConfigDict(frozen=True)

    open: WallClock
    close: WallClock

    @model_validator(mode="after")
    def _close_after_open(self) -> DayHours:
        if self.close <= self.open:
            raise ValueError(f"closing time {self.close} must be after opening time {self.open}")
        return self


OptionalDay = Annotated[DayHours | None, Field(default=None)]


class WorkingHours(BaseModel):
    """Hours per weekday; a missing or null day means the salon is closed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mon: OptionalDay
    tue: OptionalDay
    wed: OptionalDay
    thu: OptionalDay
    fri: OptionalDay
    sat: OptionalDay
    sun: OptionalDay

    def for_weekday(self, weekday: int) -> DayHours | None:
        """Hours for ``weekday`` as ``date.weekday()`` numbers it (Monday is 0)."""
        day: DayHours | None = getattr(self, WEEKDAYS[weekday])
        return day


DEFAULT_WORKING_HOURS = WorkingHours(
    **{day: DayHours(open=time(9), close=time(21)) for day in WEEKDAYS[:6]}
)
