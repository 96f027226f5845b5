"""Request and response bodies of the services a master does."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.api.fields import Id
from bot.api.schemas import Body


class StaffServicesIn(Body):
    service_ids: list[Id] | None = Field(
        max_length=500,
        description="the services this master does; null or [] : every service (the default)",
    )


class ServiceRef(BaseModel):
    id: int
    name: str


class StaffServicesOut(BaseModel):
    staff_id: int
    every_service: bool = Field(
        description="true while the master has no list: they are offered for every service"
    )
    services: list[ServiceRef] = Field(description="the services on the list, by name")
