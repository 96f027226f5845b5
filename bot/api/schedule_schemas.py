"""Bodies of the schedules and free-slots endpoints (``bot.api.routes.schedules``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.api.fields import Day, When
from bot.api.schemas import Body

Ranges = Annotated[list[Annotated[str, Field(max_length=11)]], Field(max_length=12)]
Week = dict[Annotated[str, Field(max_length=9)], Ranges]


class HoursIn(Body):
    week: Week | Annotated[str, Field(max_length=500)] | None = Field(
        description='{"mon": ["09:00-14:00", "15:00-19:00"], "sat": ["10:00-16:00"]} (days '
        'left out are days off), the same as text ("mon-fri 09:00-19:00; sat 10:00-16:00"), '
        "or null: work the salon's hours"
    )
    buffer_minutes: Annotated[int, Field(ge=0, le=240)] | None = Field(
        default=None, description="the master's pause after each appointment; null: the salon's"
    )
    reason: Annotated[str, Field(max_length=500)] | None = None


class HoursOut(BaseModel):
    staff_id: int
    source: str = Field(description="master (own hours), salon, or always (no hours set)")
    week: dict[str, list[str]] | None = Field(description="the hours in force; null: any time")
    text: str = Field(description="the same, as written on a door: mon-fri 09:00-19:00")
    buffer_minutes: int = Field(description="the buffer in force")
    own_buffer_minutes: int | None


class StaffEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    staff_id: int | None
    kind: str = Field(description="hours_set, hours_cleared, buffer_set, time_off_added…")
    actor: str
    channel: str | None
    reason: str | None
    data: dict[str, Any] | None
    created_at: datetime


class TimeOffIn(Body):
    """Either ``starts_at`` and ``ends_at``, or whole days: ``day`` (and ``last_day``)."""

    starts_at: When | None = Field(default=None, description="without an offset: salon time")
    ends_at: When | None = None
    day: Day | None = Field(default=None, description="a whole day off (salon time)")
    last_day: Day | None = Field(default=None, description="…through this day (inclusive)")
    reason: Annotated[str, Field(max_length=200)] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> TimeOffIn:
        moments = self.starts_at is not None or self.ends_at is not None
        days = self.day is not None or self.last_day is not None
        if moments == days:
            raise ValueError("give either starts_at and ends_at, or day (and last_day)")
        if moments and (self.starts_at is None or self.ends_at is None):
            raise ValueError("give both starts_at and ends_at")
        if days and self.day is None:
            raise ValueError("give day (the first day off)")
        return self


class TimeOffOut(BaseModel):
    id: int
    staff_id: int | None = Field(description="null: the whole salon is closed")
    starts_at: datetime
    ends_at: datetime
    local_start: datetime
    local_end: datetime
    reason: str | None
    appointments_inside: list[int] = Field(
        default_factory=list,
        description="active appointments booked in it (kept: move or cancel them)",
    )


class SlotOut(BaseModel):
    staff_id: int
    staff_name: str
    starts_at: datetime = Field(description="UTC")
    ends_at: datetime = Field(description="UTC")
    local: datetime = Field(description="the start on the salon's clock, with its offset")
    date: date
    time: str = Field(description="HH:MM on the salon's clock")


class SlotsOut(BaseModel):
    service_id: int
    duration_minutes: int
    timezone: str
    step_minutes: int
    slots: list[SlotOut]
