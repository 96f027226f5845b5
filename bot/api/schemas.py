"""Request and response bodies of the REST API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.api.fields import Id, Omittable, When, storable_text
from bot.domain.appointments import AppointmentStatus, CancelledBy
from bot.domain.locales import Locale
from bot.domain.salon import WorkingHours
from db.models import Appointment, AppointmentEvent

Name = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=2000)]
Phone = Annotated[str, Field(max_length=64, description="E.164 (+79001234567) or local format")]
Money = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]
Names = Annotated[
    dict[Locale, Annotated[str, Field(max_length=200)]],
    Field(
        description="the name in other languages, shown to clients who read them: "
        '{"ru": "Стрижка"}; in a PATCH, the languages given change and "" removes one',
    ),
]


class Body(BaseModel):
    """A request body: unknown fields are refused, and so is every string (of any field, in
    any body) that holds a character the database cannot store."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        if isinstance(value, str):
            storable_text(value)
        return value


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SalonOut(Out):
    name: str
    timezone: str
    locale: str
    currency: str
    working_hours: WorkingHours
    open_all_day: bool = Field(
        description="true until the salon sets its hours: bookings are then accepted at any time"
    )
    buffer_minutes: int


class SalonPatch(Body):
    name: Omittable[Name] = None
    timezone: Omittable[Annotated[str, Field(max_length=64)]] = None
    locale: Omittable[Locale] = None
    currency: Omittable[Annotated[str, Field(min_length=3, max_length=3)]] = None
    working_hours: Omittable[WorkingHours] = Field(
        default=None, description="setting them makes them binding (open_all_day false)"
    )
    open_all_day: Omittable[bool] = Field(
        default=None, description="true: accept bookings at any time, ignoring working_hours"
    )
    buffer_minutes: Omittable[Annotated[int, Field(ge=0, le=240)]] = None


class StaffIn(Body):
    name: Name
    names: Names | None = None


class StaffPatch(Body):
    name: Omittable[Name] = None
    active: Omittable[bool] = None
    names: Omittable[Names] = None


class LocalizedOut(Out):
    names: dict[str, str] = Field(default_factory=dict)

    @field_validator("names", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value


class StaffOut(LocalizedOut):
    id: int
    name: str
    active: bool


class ServiceIn(Body):
    name: Name
    duration_minutes: int = Field(ge=5, le=1440)
    price: Money
    deposit: Money | None = None
    names: Names | None = None


class ServicePatch(Body):
    name: Omittable[Name] = None
    duration_minutes: Omittable[Annotated[int, Field(ge=5, le=1440)]] = None
    price: Omittable[Money] = None
    deposit: Money | None = Field(default=None, description="null removes the deposit")
    active: Omittable[bool] = None
    names: Omittable[Names] = None


class ServiceOut(LocalizedOut):
    id: int
    name: str
    duration_minutes: int
    price: Decimal
    deposit: Decimal | None
    active: bool


class ClientIn(Body):
    name: Name
    phone: Phone | None = None
    locale: Locale | None = None
    heard_from: Text | None = None
    preferred_staff_id: Id | None = None
    notes: Text | None = None


class ClientPatch(Body):
    """Fields left out keep their value; ``null`` clears a field that may be empty."""

    name: Omittable[Name] = None
    phone: Phone | None = None
    locale: Locale | None = None
    heard_from: Text | None = None
    preferred_staff_id: Id | None = None
    notes: Text | None = None
    blocked: Omittable[bool] = None
    blocked_reason: Text | None = None


class IdentityOut(Out):
    channel: str
    external_id: str
    unreachable: bool


class TelegramLinkOut(BaseModel):
    url: str = Field(description="https://t.me/<bot>?start=<single-use token>")
    expires_at: datetime


class ClientOut(Out):
    id: int
    name: str
    phone: str | None
    locale: str | None
    heard_from: str | None
    preferred_staff_id: int | None
    notes: str | None
    blocked: bool
    blocked_reason: str | None
    policy_rung: int = Field(description="0 none, 1 warned, 2 deposit required, 3 blocked")
    loyalty_discount: str | None = Field(description="earned, applied to the next booking")
    identities: list[IdentityOut]
    created_at: datetime


class ClientEventOut(Out):
    id: int
    appointment_id: int | None
    kind: str = Field(description="no_show, late_cancel, forgiven, reset, rung:…, blocked…")
    weight: Decimal = Field(description="strikes this event adds")
    actor: str
    who: str | None
    reason: str | None
    data: dict[str, Any] | None
    created_at: datetime


class NewClient(Body):
    name: Name
    phone: Phone
    locale: Locale | None = None


class AppointmentIn(Body):
    client_id: Id | None = Field(default=None, description="an existing client…")
    client: NewClient | None = Field(
        default=None, description="…or a client found (or created) by phone"
    )
    staff_id: Id
    service_id: Id
    starts_at: When = Field(description="ISO 8601; without an offset it is salon time")
    ends_at: When | None = Field(
        default=None, description="defaults to the start plus the service's duration"
    )
    source: str = Field(default="api", min_length=1, max_length=32, pattern=r"^[a-z0-9_.-]+$")
    external_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        description="your id for it: re-sending the same source + external_id updates it",
    )
    notes: Text | None = None
    force: bool = Field(
        default=False,
        description="book even in the past, outside the master's hours, in their time off or "
        "over another appointment; what was overridden is recorded as an `override` event",
    )

    @model_validator(mode="after")
    def _one_client(self) -> AppointmentIn:
        if (self.client_id is None) == (self.client is None):
            raise ValueError("give exactly one of client_id or client")
        return self


class RescheduleIn(Body):
    starts_at: When
    ends_at: When | None = None
    staff_id: Id | None = None
    reason: Text | None = None
    force: bool = Field(
        default=False, description="move even outside the hours, in time off or over a booking"
    )


class CancelIn(Body):
    cancelled_by: CancelledBy = CancelledBy.CLIENT
    reason: Text | None = None


class ReasonIn(Body):
    reason: Text | None = None


class PersonRef(Out):
    id: int
    name: str


class ClientRef(PersonRef):
    phone: str | None


class AppointmentOut(Out):
    id: int
    client: ClientRef
    staff: PersonRef
    service: PersonRef
    starts_at: datetime
    ends_at: datetime
    local_start: str = Field(description="start in the salon's time zone, YYYY-MM-DDTHH:MM")
    status: AppointmentStatus
    version: int
    source: str
    external_id: str | None
    cancelled_by: CancelledBy | None
    late_cancel: bool
    notes: str | None
    deposit_due: Decimal | None = Field(description="set when the client is on the deposit rung")
    double_price: bool = Field(description="the 'next visit at double price' rule applies")
    discount: str | None = Field(description="a loyalty discount applied to this visit")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def build(cls, appointment: Appointment, zone: ZoneInfo) -> AppointmentOut:
        data: dict[str, Any] = {
            name: getattr(appointment, name) for name in cls.model_fields if name != "local_start"
        }
        data["local_start"] = appointment.starts_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        return cls.model_validate(data)


class EventOut(Out):
    id: int
    kind: str
    from_status: AppointmentStatus | None
    to_status: AppointmentStatus | None
    actor: str
    channel: str | None
    reason: str | None
    data: dict[str, Any] | None
    created_at: datetime

    @classmethod
    def build(cls, event: AppointmentEvent) -> EventOut:
        return cls.model_validate(event)


class ScheduledMessageOut(Out):
    kind: str
    script: str
    version: int
    due_at: datetime
    status: str
    attempts: int
    last_error: str | None
    channel: str | None
    sent_at: datetime | None
