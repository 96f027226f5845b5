"""A time held for a client moving a booking, through the API: hidden from /slots, a booking into
it refused with 409 ``held`` unless forced. The clock stands at Monday 23 November 2026, 09:00
in Madrid; the hold runs until 09:10."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.holds import HoldStatus
from db.models import SlotHold
from tests.api.test_schedules_api import Json, booking, catalog, slots

__all__ = ["catalog"]  # the fixture, used by name


async def test_a_held_time_is_hidden_and_refused_unless_forced(
    api: httpx.AsyncClient, catalog: Json, sessions: async_sessionmaker[AsyncSession]
) -> None:
    moving = await api.post("/api/v1/appointments", json=booking(catalog, "2026-11-25T10:00"))
    assert moving.status_code == 201, moving.text
    async with sessions() as session:
        session.add(
            SlotHold(
                staff_id=catalog["staff"],
                service_id=catalog["service"],
                client_id=moving.json()["client"]["id"],
                appointment_id=moving.json()["id"],
                appointment_version=1,
                starts_at=datetime(2026, 11, 24, 11, 0, tzinfo=UTC),  # 12:00 in Madrid
                ends_at=datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
                expires_at=datetime(2026, 11, 23, 8, 10, tzinfo=UTC),
                status=HoldStatus.HELD,
                created_at=datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
            )
        )
        await session.commit()
    free = {s["local"][11:16] for s in await slots(api, catalog, staff_id=catalog["staff"])}
    assert {"10:45", "13:00"} <= free
    assert not {"11:15", "12:00", "12:45"} & free
    other = {"client": {"name": "Bea", "phone": "+34600111333"}}
    refused = await api.post(
        "/api/v1/appointments", json={**booking(catalog, "2026-11-24T12:00"), **other}
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "held")
    forced = await api.post(
        "/api/v1/appointments", json={**booking(catalog, "2026-11-24T12:00", force=True), **other}
    )
    assert forced.status_code == 201, forced.text
