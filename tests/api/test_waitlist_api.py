"""The waitlist through the REST API: add (with the client by phone), list with filters,
remove; a wrong day or range is a 422 naming the field; the token is required."""

from __future__ import annotations

import httpx


async def _catalog(api: httpx.AsyncClient) -> tuple[int, int]:
    staff = (await api.post("/api/v1/staff", json={"name": "Vitaly"})).json()["id"]
    service = (
        await api.post(
            "/api/v1/services", json={"name": "Haircut", "duration_minutes": 60, "price": "30"}
        )
    ).json()["id"]
    return staff, service


async def test_add_list_filter_and_remove(api: httpx.AsyncClient) -> None:
    staff, service = await _catalog(api)
    created = await api.post(
        "/api/v1/waitlist",
        json={
            "client": {"name": "Anna", "phone": "+34600111222"},
            "service_id": service,
            "staff_id": staff,
            "days": ["mon-fri"],
            "times": ["09:00-13:00", "17:00-19:00"],
            "valid_until": "2026-12-10",
        },
    )
    assert created.status_code == 201, created.text
    entry = created.json()
    assert entry["days"] == ["mon", "tue", "wed", "thu", "fri"]
    assert entry["times"] == ["09:00-13:00", "17:00-19:00"]
    assert entry["status"] == "active"
    assert entry["position"] == 1
    # the end of 10 December in Madrid (UTC+1) is 23:00 UTC
    assert entry["valid_until"].startswith("2026-12-10T23:00:00")
    other = await api.post(
        "/api/v1/waitlist",
        json={"client": {"name": "Boris", "phone": "+34600111333"}, "service_id": service},
    )
    assert other.json()["days"] == []
    assert other.json()["staff"] is None
    listed = await api.get("/api/v1/waitlist")
    assert [e["id"] for e in listed.json()] == [entry["id"], other.json()["id"]]
    by_master = await api.get("/api/v1/waitlist", params={"staff_id": staff})
    assert [e["id"] for e in by_master.json()] == [entry["id"]]
    removed = await api.delete(f"/api/v1/waitlist/{entry['id']}")
    assert removed.json()["status"] == "removed"
    assert [e["id"] for e in (await api.get("/api/v1/waitlist")).json()] == [other.json()["id"]]
    gone = await api.get("/api/v1/waitlist", params={"status": "removed"})
    assert [e["id"] for e in gone.json()] == [entry["id"]]
    assert (await api.delete("/api/v1/waitlist/999")).status_code == 404


async def test_bad_input_names_the_field(api: httpx.AsyncClient) -> None:
    _, service = await _catalog(api)
    client = {"name": "Anna", "phone": "+34600111222"}
    bad_day = await api.post(
        "/api/v1/waitlist", json={"client": client, "service_id": service, "days": ["someday"]}
    )
    assert (bad_day.status_code, bad_day.json()["field"]) == (422, "days")
    bad_range = await api.post(
        "/api/v1/waitlist", json={"client": client, "service_id": service, "times": ["19-17"]}
    )
    assert (bad_range.status_code, bad_range.json()["field"]) == (422, "times")
    no_booking = await api.post(
        "/api/v1/waitlist", json={"client": client, "service_id": service, "earlier": True}
    )
    assert (no_booking.status_code, no_booking.json()["field"]) == (422, "appointment_id")
    both = await api.post(
        "/api/v1/waitlist", json={"client": client, "client_id": 1, "service_id": service}
    )
    assert both.status_code == 422
    missing = await api.post("/api/v1/waitlist", json={"client": client})
    assert missing.json()["detail"][0]["loc"] == ["body", "service_id"]
    no_service = await api.post("/api/v1/waitlist", json={"client": client, "service_id": 99})
    assert no_service.status_code == 404


async def test_the_token_is_required(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/v1/waitlist", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
