"""Refusals name times in the salon's zone, never in UTC (a salon in Moscow)."""

from __future__ import annotations

import httpx

from tests.api.test_appointments_api import Json, booking, catalog

__all__ = ["catalog"]  # the fixture, shared


async def test_refusals_write_times_in_the_salons_zone(
    api: httpx.AsyncClient, catalog: Json
) -> None:
    moved = await api.patch("/api/v1/salon", json={"timezone": "Europe/Moscow"})
    assert moved.status_code == 200
    created = (await api.post("/api/v1/appointments", json=booking(catalog))).json()

    early = await api.post(f"/api/v1/appointments/{created['id']}/no-show")
    assert early.status_code == 409
    assert early.json()["detail"] == (
        f"cannot mark appointment {created['id']} as a no-show: it starts at "
        "2026-11-24 11:00 (Europe/Moscow, UTC+03:00), which has not come yet"
    )

    clash = await api.post(
        "/api/v1/appointments",
        json=booking(
            catalog,
            client={"name": "Boris", "phone": "+34600333444"},
            starts_at="2026-11-24T11:30",
        ),
    )
    assert clash.status_code == 409
    assert clash.json()["detail"] == (
        f"master Vitaly is busy then: appointment {created['id']} for Anna, "
        "2026-11-24 11:00 (Europe/Moscow, UTC+03:00) until 12:00"
    )
