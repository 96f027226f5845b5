"""Request and response bodies of the waitlist's REST API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, model_validator

from bot.api.fields import Day, Id
from bot.api.schemas import Body, ClientRef, NewClient, Out, PersonRef, Text
from bot.domain.waitlist import Availability, EntryStatus
from db.models import WaitlistEntry

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Word = Annotated[str, Field(min_length=1, max_length=32)]


class WaitlistIn(Body):
    client_id: Id | None = Field(default=None, description="an existing client…")
    client: NewClient | None = Field(
        default=None, description="…or a client found (or created) by phone"
    )
    service_id: Id
    staff_id: Id | None = Field(default=None, description="a master; leave out for any master")
    days: list[Word] = Field(
        default_factory=list,
        max_length=7,
        description="days that suit: mon, tue… (or ranges like mon-fri, or weekdays); none: any",
    )
    times: list[Word] = Field(
        default_factory=list,
        max_length=6,
        description="time ranges that suit, salon time, e.g. 09:00-13:00; none: any time",
    )
    valid_until: Day | None = Field(
        default=None, description="the last day (salon time) the entry stands; none: until removed"
    )
    earlier: bool = Field(
        default=False,
        description="the client has a booking and would move it to an earlier free slot",
    )
    appointment_id: Id | None = Field(
        default=None, description="with earlier: the booking to move (default: their next one)"
    )
    note: Text | None = None

    @model_validator(mode="after")
    def _one_client(self) -> WaitlistIn:
        if (self.client_id is None) == (self.client is None):
            raise ValueError("give exactly one of client_id or client")
        return self


class WaitlistOut(Out):
    id: int
    client: ClientRef
    service: PersonRef
    staff: PersonRef | None
    days: list[str] = Field(description="days that suit (mon…sun); empty: any day")
    times: list[str] = Field(description="time ranges that suit (salon time); empty: any time")
    valid_until: datetime | None
    earlier: bool
    appointment_id: int | None = Field(description="the booking an earlier slot would replace")
    status: EntryStatus
    position: int = Field(description="waitlist order: lower is offered first")
    source: str
    note: str | None
    created_at: datetime
    ended_at: datetime | None

    @classmethod
    def build(cls, entry: WaitlistEntry) -> WaitlistOut:
        when = Availability.from_stored(entry.days, entry.ranges)
        return cls(
            id=entry.id,
            client=ClientRef.model_validate(entry.client),
            service=PersonRef.model_validate(entry.service),
            staff=PersonRef.model_validate(entry.staff) if entry.staff else None,
            days=[DAY_NAMES[day] for day in sorted(when.days)],
            times=[f"{a:%H:%M}-{b:%H:%M}" for a, b in when.ranges],
            valid_until=entry.valid_until,
            earlier=entry.earlier,
            appointment_id=entry.appointment_id,
            status=entry.status,
            position=entry.position,
            source=entry.source,
            note=entry.note,
            created_at=entry.created_at,
            ended_at=entry.ended_at,
        )
