from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.clock import ManualClock
from tests.conftest import START

Json = dict[str, Any]


@pytest.fixture
async def catalog(api: httpx.AsyncClient) -> Json:
    staff = (await api.post("/api/v1/staff", json={"name": "Vitaly"})).json()
    other = (await api.post("/api/v1/staff", json={"name": "Marta"})).json()
    service = (
        await api.post(
            "/api/v1/services", json={"name": "Haircut", "duration_minutes": 60, "price": "30"}
        )
    ).json()
    return {"staff": staff["id"], "other": other["id"], "service": service["id"]}


def booking(catalog: Json, **extra: Any) -> Json:
    return {
        "client": {"name": "Anna", "phone": "+34600111222"},
        "staff_id": catalog["staff"],
        "service_id": catalog["service"],
        "starts_at": "2026-11-24T11:00",
        **extra,
    }


async def test_create_reads_naive_times_as_salon_time(
    api: httpx.AsyncClient, catalog: Json
) -> None:
    response = await api.post("/api/v1/appointments", json=booking(catalog))
    assert response.status_code == 201
    body = response.json()
    assert body["starts_at"] == "2026-11-24T10:00:00Z"  # Madrid is UTC+1 in November
    assert body["local_start"] == "2026-11-24T11:00"
    assert body["ends_at"] == "2026-11-24T11:00:00Z"
    assert (body["status"], body["version"], body["client"]["phone"]) == (
        "booked",
        1,
        "+34600111222",
    )


async def test_create_is_idempotent_by_source_and_external_id(
    api: httpx.AsyncClient, catalog: Json
) -> None:
    payload = booking(catalog, source="yclients", external_id="777")
    first = await api.post("/api/v1/appointments", json=payload)
    replay = await api.post("/api/v1/appointments", json=payload)
    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json()["id"] == first.json()["id"]
    assert replay.json()["version"] == 1
    moved = await api.post(
        "/api/v1/appointments", json={**payload, "starts_at": "2026-11-24T15:00"}
    )
    assert (moved.status_code, moved.json()["version"]) == (200, 2)
    day = await api.get("/api/v1/appointments", params={"date": "2026-11-24"})
    assert len(day.json()) == 1


async def test_overlap_for_the_same_master_is_409(api: httpx.AsyncClient, catalog: Json) -> None:
    await api.post("/api/v1/appointments", json=booking(catalog))
    clash = await api.post(
        "/api/v1/appointments",
        json=booking(
            catalog,
            client={"name": "Boris", "phone": "+34600333444"},
            starts_at="2026-11-24T11:30",
        ),
    )
    assert clash.status_code == 409
    assert "busy" in clash.json()["detail"]
    elsewhere = await api.post(
        "/api/v1/appointments",
        json=booking(
            catalog,
            client={"name": "Boris", "phone": "+34600333444"},
            starts_at="2026-11-24T11:30",
            staff_id=catalog["other"],
        ),
    )
    assert elsewhere.status_code == 201


@pytest.mark.parametrize(
    ("payload_change", "field"),
    [
        ({"starts_at": "tomorrow-ish"}, "starts_at"),
        ({"staff_id": "x"}, "staff_id"),
        ({"source": "Bad Source!"}, "source"),
        ({"surprise": 1}, "surprise"),
    ],
)
async def test_validation_errors_name_the_field(
    api: httpx.AsyncClient, catalog: Json, payload_change: Json, field: str
) -> None:
    response = await api.post("/api/v1/appointments", json={**booking(catalog), **payload_change})
    assert response.status_code == 422
    assert any(error["loc"][-1] == field for error in response.json()["detail"])


async def test_client_must_be_given_exactly_once(api: httpx.AsyncClient, catalog: Json) -> None:
    payload = booking(catalog)
    del payload["client"]
    response = await api.post("/api/v1/appointments", json=payload)
    assert response.status_code == 422
    assert "exactly one of client_id or client" in response.text


async def test_unknown_references_are_404(api: httpx.AsyncClient, catalog: Json) -> None:
    response = await api.post("/api/v1/appointments", json=booking(catalog, service_id=999))
    assert response.status_code == 404
    assert "no service with id 999" in response.json()["detail"]


async def test_a_time_skipped_by_dst_is_422(api: httpx.AsyncClient, catalog: Json) -> None:
    response = await api.post(
        "/api/v1/appointments", json=booking(catalog, starts_at="2027-03-28T02:30")
    )
    assert (response.status_code, response.json()["field"]) == (422, "starts_at")


async def test_lifecycle_and_illegal_transitions(
    api: httpx.AsyncClient, catalog: Json, clock: ManualClock
) -> None:
    created = (await api.post("/api/v1/appointments", json=booking(catalog))).json()
    base = f"/api/v1/appointments/{created['id']}"
    early = await api.post(f"{base}/no-show")
    assert early.status_code == 409
    assert "has not come yet" in early.json()["detail"]
    assert (await api.post(f"{base}/confirm")).json()["status"] == "confirmed"
    completed_too_soon = await api.post(f"{base}/complete")
    assert completed_too_soon.status_code == 409
    assert "cannot complete" in completed_too_soon.json()["detail"]
    assert (await api.post(f"{base}/arrive", json={"reason": "on time"})).json()[
        "status"
    ] == "arrived"
    assert (await api.post(f"{base}/complete")).json()["status"] == "completed"
    cancel = await api.post(f"{base}/cancel", json={})
    assert cancel.status_code == 409
    assert "already completed" in cancel.json()["detail"]
    events = (await api.get(f"{base}/events")).json()
    assert [e["kind"] for e in events] == ["created", "confirmed", "arrived", "completed"]
    assert {e["actor"] for e in events} == {"api"}
    assert events[2]["reason"] == "on time"


async def test_late_cancel_and_reschedule(
    api: httpx.AsyncClient, catalog: Json, clock: ManualClock
) -> None:
    first = (await api.post("/api/v1/appointments", json=booking(catalog))).json()
    moved = await api.post(
        f"/api/v1/appointments/{first['id']}/reschedule",
        json={"starts_at": "2026-11-25T12:00", "reason": "client asked"},
    )
    assert moved.status_code == 200
    assert (moved.json()["local_start"], moved.json()["version"]) == ("2026-11-25T12:00", 2)
    past = await api.post(
        f"/api/v1/appointments/{first['id']}/reschedule", json={"starts_at": "2026-11-01T12:00"}
    )
    assert past.status_code == 422
    clock.set(START.replace(day=25))  # the morning of the appointment: inside 24 h
    cancelled = await api.post(
        f"/api/v1/appointments/{first['id']}/cancel", json={"cancelled_by": "client"}
    )
    assert cancelled.json()["late_cancel"] is True
    assert cancelled.json()["cancelled_by"] == "client"


async def test_listing_by_range_and_status(api: httpx.AsyncClient, catalog: Json) -> None:
    for hour in (10, 12, 14):
        await api.post(
            "/api/v1/appointments", json=booking(catalog, starts_at=f"2026-11-24T{hour}:00")
        )
    listed = await api.get(
        "/api/v1/appointments",
        params={"from": "2026-11-24T11:00", "to": "2026-11-24T15:00", "status": "booked"},
    )
    assert [a["local_start"][-5:] for a in listed.json()] == ["12:00", "14:00"]
    nothing = await api.get("/api/v1/appointments")
    assert nothing.status_code == 422
    assert nothing.json()["field"] == "date"


async def test_booking_plans_messages_and_cancelling_voids_them(
    api: httpx.AsyncClient, catalog: Json
) -> None:
    created = (
        await api.post("/api/v1/appointments", json=booking(catalog, starts_at="2026-11-26T15:00"))
    ).json()
    messages = (await api.get(f"/api/v1/appointments/{created['id']}/messages")).json()
    assert [(m["kind"], m["script"], m["status"]) for m in messages] == [
        ("confirmation", "booking_confirmation", "pending"),
        ("reminder:1d", "reminder_ask", "pending"),
        ("reminder:1h", "reminder_light", "pending"),
    ]
    assert messages[1]["due_at"] == "2026-11-25T14:00:00Z"  # 24 h before 15:00 Madrid
    await api.post(f"/api/v1/appointments/{created['id']}/cancel", json={})
    after = (await api.get(f"/api/v1/appointments/{created['id']}/messages")).json()
    assert {m["status"] for m in after} == {"void"}
    assert (await api.get("/api/v1/appointments/999/messages")).status_code == 404
