"""Working hours, time off, free slots and booking sanity through the REST API.

The clock stands at Monday 23 November 2026, 09:00 in Madrid (UTC+1).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

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


def booking(catalog: Json, starts_at: str, **extra: Any) -> Json:
    return {
        "client": {"name": "Anna", "phone": "+34600111222"},
        "staff_id": catalog["staff"],
        "service_id": catalog["service"],
        "starts_at": starts_at,
        **extra,
    }


async def slots(api: httpx.AsyncClient, catalog: Json, **query: Any) -> list[Json]:
    params = {"service_id": catalog["service"], "date": "2026-11-24", **query}
    response = await api.get("/api/v1/slots", params=params)
    assert response.status_code == 200, response.text
    found: list[Json] = response.json()["slots"]
    return found


async def test_without_hours_the_salon_is_open_all_day(
    api: httpx.AsyncClient, catalog: Json
) -> None:
    salon = (await api.get("/api/v1/salon")).json()
    assert salon["open_all_day"] is True
    night = await api.post("/api/v1/appointments", json=booking(catalog, "2026-11-24T03:00"))
    assert night.status_code == 201, night.text
    found = await slots(api, catalog, staff_id=catalog["staff"])
    times = [slot["time"] for slot in found]
    assert times[:3] == ["00:00", "00:15", "00:30"]
    assert ("02:00" in times, "02:15" in times, "04:00" in times) == (True, False, True)
    assert times[-1] == "23:45"  # a 60-minute service may run past midnight when open all day
    hours = (await api.get(f"/api/v1/staff/{catalog['staff']}/hours")).json()
    assert (hours["source"], hours["week"], hours["text"]) == ("always", None, "always")


async def test_own_hours_with_a_lunch_break_and_a_buffer(
    api: httpx.AsyncClient, catalog: Json
) -> None:
    put = await api.put(
        f"/api/v1/staff/{catalog['staff']}/hours",
        json={"week": "mon-fri 10:00-14:00,15:00-19:00", "buffer_minutes": 10},
    )
    assert put.status_code == 200, put.text
    assert put.json()["source"] == "master"
    assert put.json()["week"]["tue"] == ["10:00-14:00", "15:00-19:00"]
    assert put.json()["week"]["sat"] == []
    booked = await api.post("/api/v1/appointments", json=booking(catalog, "2026-11-24T11:00"))
    assert booked.status_code == 201, booked.text
    found = await slots(api, catalog, staff_id=catalog["staff"])
    # 11:00-12:00 booked, widened by the 10-minute buffer to 10:50-12:10
    assert [slot["time"] for slot in found] == [
        "12:15",
        "12:30",
        "12:45",
        "13:00",
        "15:00",
        "15:15",
        "15:30",
        "15:45",
        "16:00",
        "16:15",
        "16:30",
        "16:45",
        "17:00",
        "17:15",
        "17:30",
        "17:45",
        "18:00",
    ]
    first = found[0]
    assert first["starts_at"] == "2026-11-24T11:15:00Z"
    assert first["local"] == "2026-11-24T12:15:00+01:00"
    assert (first["staff_id"], first["staff_name"]) == (catalog["staff"], "Vitaly")


async def test_any_master_and_several_days(api: httpx.AsyncClient, catalog: Json) -> None:
    await api.put(f"/api/v1/staff/{catalog['staff']}/hours", json={"week": "tue 10:00-11:00"})
    await api.put(
        f"/api/v1/staff/{catalog['other']}/hours",
        json={"week": {"tue": ["10:30-11:30"], "wed": ["09:00-10:00"]}},
    )
    found = await slots(api, catalog, days=2)
    assert [(s["date"], s["time"], s["staff_name"]) for s in found] == [
        ("2026-11-24", "10:00", "Vitaly"),
        ("2026-11-24", "10:30", "Marta"),
        ("2026-11-25", "09:00", "Marta"),
    ]


async def test_a_booking_outside_the_hours_is_refused_unless_forced(
    api: httpx.AsyncClient, catalog: Json
) -> None:
    await api.put(f"/api/v1/staff/{catalog['staff']}/hours", json={"week": "mon-fri 10:00-19:00"})
    late = await api.post("/api/v1/appointments", json=booking(catalog, "2026-11-24T18:30"))
    assert late.status_code == 409
    assert late.json()["code"] == "outside_hours"
    assert "tue: 10:00-19:00" in late.json()["detail"]
    last = await api.post("/api/v1/appointments", json=booking(catalog, "2026-11-24T18:00"))
    assert last.status_code == 201  # ends 19:00, exactly at closing
    forced = await api.post(
        "/api/v1/appointments", json=booking(catalog, "2026-11-28T12:00", force=True)
    )
    assert forced.status_code == 201, forced.text
    events = (await api.get(f"/api/v1/appointments/{forced.json()['id']}/events")).json()
    override = [e for e in events if e["kind"] == "override"]
    assert len(override) == 1
    assert override[0]["data"] == {"problems": ["outside_hours"], "sanity": "force"}
    moved = await api.post(
        f"/api/v1/appointments/{last.json()['id']}/reschedule",
        json={"starts_at": "2026-11-24T07:00"},
    )
    assert (moved.status_code, moved.json()["code"]) == (409, "outside_hours")


async def test_past_overlap_and_time_off_are_refused_with_their_codes(
    api: httpx.AsyncClient, catalog: Json
) -> None:
    past = await api.post("/api/v1/appointments", json=booking(catalog, "2026-11-23T08:59"))
    assert (past.status_code, past.json()["code"], past.json()["field"]) == (
        422,
        "past",
        "starts_at",
    )
    now = await api.post("/api/v1/appointments", json=booking(catalog, "2026-11-23T09:00"))
    assert now.status_code == 201
    clash = await api.post("/api/v1/appointments", json=booking(catalog, "2026-11-23T09:59"))
    assert (clash.status_code, clash.json()["code"]) == (409, "busy")
    off = await api.post(
        f"/api/v1/staff/{catalog['staff']}/time-off",
        json={"starts_at": "2026-11-24T13:00", "ends_at": "2026-11-24T14:30", "reason": "doctor"},
    )
    assert off.status_code == 201, off.text
    assert off.json()["local_start"] == "2026-11-24T13:00:00+01:00"
    away = await api.post("/api/v1/appointments", json=booking(catalog, "2026-11-24T14:00"))
    assert (away.status_code, away.json()["code"]) == (409, "time_off")
    assert "doctor" in away.json()["detail"]
    before = await api.post("/api/v1/appointments", json=booking(catalog, "2026-11-24T12:00"))
    assert before.status_code == 201  # ends 13:00, exactly when the time off begins
    listed = (await api.get(f"/api/v1/staff/{catalog['staff']}/time-off")).json()
    assert [o["id"] for o in listed] == [off.json()["id"]]
    gone = await api.delete(f"/api/v1/staff/{catalog['staff']}/time-off/{off.json()['id']}")
    assert gone.status_code == 204
    events = (await api.get(f"/api/v1/staff/{catalog['staff']}/schedule-events")).json()
    assert [(e["kind"], e["actor"], e["channel"], e["reason"]) for e in events] == [
        ("time_off_added", "api", "api", "doctor"),
        ("time_off_removed", "api", "api", "doctor"),
    ]
    back = await api.post("/api/v1/appointments", json=booking(catalog, "2026-11-24T14:00"))
    assert back.status_code == 201


async def test_a_vacation_lists_the_appointments_inside_it(
    api: httpx.AsyncClient, catalog: Json
) -> None:
    kept = await api.post("/api/v1/appointments", json=booking(catalog, "2026-11-26T10:00"))
    off = await api.post(
        f"/api/v1/staff/{catalog['staff']}/time-off",
        json={"day": "2026-11-25", "last_day": "2026-11-27", "reason": "vacation"},
    )
    assert off.status_code == 201
    body = off.json()
    assert (body["local_start"], body["local_end"]) == (
        "2026-11-25T00:00:00+01:00",
        "2026-11-28T00:00:00+01:00",
    )
    assert body["appointments_inside"] == [kept.json()["id"]]
    assert await slots(api, catalog, staff_id=catalog["staff"], date="2026-11-26") == []


async def test_the_salons_hours_bind_once_set(api: httpx.AsyncClient, catalog: Json) -> None:
    patched = await api.patch(
        "/api/v1/salon",
        json={"working_hours": {"tue": {"open": "10:00", "close": "12:00"}}, "buffer_minutes": 0},
    )
    assert patched.json()["open_all_day"] is False
    hours = (await api.get(f"/api/v1/staff/{catalog['other']}/hours")).json()
    assert (hours["source"], hours["text"]) == ("salon", "tue 10:00-12:00")
    found = await slots(api, catalog, staff_id=catalog["other"])
    assert [s["time"] for s in found] == ["10:00", "10:15", "10:30", "10:45", "11:00"]
    refused = await api.post("/api/v1/appointments", json=booking(catalog, "2026-11-24T09:00"))
    assert refused.json()["code"] == "outside_hours"
    reopened = await api.patch("/api/v1/salon", json={"open_all_day": True})
    assert reopened.json()["open_all_day"] is True
    again = await api.post("/api/v1/appointments", json=booking(catalog, "2026-11-24T09:00"))
    assert again.status_code == 201


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date": "2026-11-24", "days": 0}, "days"),
        ({"date": "2026-11-24", "days": 32}, "days"),
        ({"date": "24.11.2026"}, "date"),
        ({}, "date"),
    ],
)
async def test_bad_slot_queries_are_422(
    api: httpx.AsyncClient, catalog: Json, query: Json, field: str
) -> None:
    response = await api.get("/api/v1/slots", params={"service_id": catalog["service"], **query})
    assert response.status_code == 422
    assert field in str(response.json()["detail"])


async def test_unknown_service_or_master_is_404(api: httpx.AsyncClient, catalog: Json) -> None:
    service = await api.get("/api/v1/slots", params={"service_id": 999, "date": "2026-11-24"})
    assert service.status_code == 404
    master = await api.get(
        "/api/v1/slots",
        params={"service_id": catalog["service"], "date": "2026-11-24", "staff_id": 999},
    )
    assert master.status_code == 404


@pytest.mark.parametrize(
    ("week", "fragment"),
    [
        ("mon 18:00-09:00", "inside one day"),
        ({"funday": ["09:00-10:00"]}, "funday"),
        ({"mon": ["09:00-13:00", "12:00-14:00"]}, "overlap"),
    ],
)
async def test_wrong_hours_are_422_with_the_reason(
    api: httpx.AsyncClient, catalog: Json, week: Any, fragment: str
) -> None:
    response = await api.put(f"/api/v1/staff/{catalog['staff']}/hours", json={"week": week})
    assert response.status_code == 422
    assert fragment in response.json()["detail"]
