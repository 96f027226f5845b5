"""Input the fuzzer once turned into 500s: each is now a 4xx that names what is wrong."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import Request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.errors import integrity_error
from bot.api.fields import ID_MAX
from db.models import Client, Staff

Json = dict[str, Any]
TOO_BIG = 2**63  # one past the largest SQLite integer
JUST_PAST = ID_MAX + 1  # one past the largest PostgreSQL integer


@pytest.fixture
async def catalog(api: httpx.AsyncClient) -> Json:
    staff = (await api.post("/api/v1/staff", json={"name": "Vitaly"})).json()
    service = (
        await api.post(
            "/api/v1/services", json={"name": "Haircut", "duration_minutes": 60, "price": "30"}
        )
    ).json()
    client = (await api.post("/api/v1/clients", json={"name": "Anna"})).json()
    return {"staff": staff["id"], "service": service["id"], "client": client["id"]}


def _refused_fields(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    return [str(error["loc"][-1]) for error in response.json()["detail"]]


async def test_an_id_too_big_for_the_database_is_422_in_any_path(api: httpx.AsyncClient) -> None:
    for path, field in [
        ("/api/v1/staff/{id}", "staff_id"),
        ("/api/v1/services/{id}", "service_id"),
        ("/api/v1/clients/{id}", "client_id"),
        ("/api/v1/clients/{id}/events", "client_id"),
        ("/api/v1/appointments/{id}", "appointment_id"),
        ("/api/v1/appointments/{id}/events", "appointment_id"),
        ("/api/v1/appointments/{id}/messages", "appointment_id"),
    ]:
        for big in (TOO_BIG, JUST_PAST):
            response = await api.get(path.format(id=big))
            assert _refused_fields(response) == [field]
            assert f"less than or equal to {ID_MAX}" in response.text
    for action in ("confirm", "arrive", "complete", "no-show", "cancel"):
        marked = await api.post(f"/api/v1/appointments/{TOO_BIG}/{action}", json={})
        assert _refused_fields(marked) == ["appointment_id"]


async def test_the_largest_id_is_a_plain_404(api: httpx.AsyncClient) -> None:
    for path in ("/api/v1/clients", "/api/v1/staff", "/api/v1/appointments"):
        response = await api.get(f"{path}/{ID_MAX}")
        assert response.status_code == 404
        assert str(ID_MAX) in response.json()["detail"]


async def test_an_id_too_big_is_422_in_a_query_and_in_a_body(
    api: httpx.AsyncClient, catalog: Json
) -> None:
    listed = await api.get(
        "/api/v1/appointments", params={"date": "2026-11-24", "staff_id": TOO_BIG}
    )
    assert _refused_fields(listed) == ["staff_id"]
    booked = await api.post(
        "/api/v1/appointments",
        json={
            "client_id": TOO_BIG,
            "staff_id": catalog["staff"],
            "service_id": JUST_PAST,
            "starts_at": "2026-11-24T11:00",
        },
    )
    assert _refused_fields(booked) == ["client_id", "service_id"]
    created = await api.post("/api/v1/clients", json={"name": "Boris", "preferred_staff_id": 0})
    assert _refused_fields(created) == ["preferred_staff_id"]


async def test_a_date_outside_the_calendar_is_422_naming_it(api: httpx.AsyncClient) -> None:
    for day in ("9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"):
        response = await api.get("/api/v1/appointments", params={"date": day})
        assert _refused_fields(response) == ["date"]
        assert "outside the dates ShowUp keeps (1900-01-01 to 2999-12-31)" in response.text


async def test_datetimes_at_the_edges_are_422_or_booked_without_overflow(
    api: httpx.AsyncClient, catalog: Json
) -> None:
    edge = {"staff_id": catalog["staff"], "service_id": catalog["service"]}
    for starts_at in ("9999-12-31T23:59:59", "0001-01-01T00:00", "9999-12-31T23:00-23:59"):
        refused = await api.post(
            "/api/v1/appointments",
            json={**edge, "client_id": catalog["client"], "starts_at": starts_at},
        )
        assert _refused_fields(refused) == ["starts_at"]
    ranged = await api.get(
        "/api/v1/appointments", params={"from": "2026-01-01T00:00", "to": "9999-12-31T23:59"}
    )
    assert _refused_fields(ranged) == ["to"]
    # the last moment ShowUp keeps: the visit ends, and is shown in Madrid, in the year 3000
    last = await api.post(
        "/api/v1/appointments",
        json={**edge, "client_id": catalog["client"], "starts_at": "2999-12-31T23:30Z"},
    )
    assert last.status_code == 201, last.text
    assert (last.json()["ends_at"], last.json()["local_start"]) == (
        "3000-01-01T00:30:00Z",
        "3000-01-01T00:30",
    )
    listed = await api.get("/api/v1/appointments", params={"date": "2999-12-31"})
    assert listed.json() == []  # the last day ends at 23:00 UTC in Madrid
    first = await api.get("/api/v1/appointments", params={"date": "1900-01-01"})
    assert first.json() == []


async def test_null_for_a_field_that_cannot_be_empty_is_422(
    api: httpx.AsyncClient, catalog: Json
) -> None:
    client = f"/api/v1/clients/{catalog['client']}"
    blocked = await api.patch(client, json={"blocked": None})
    assert _refused_fields(blocked) == ["blocked"]
    assert "leave the field out to keep its value" in blocked.text
    assert _refused_fields(await api.patch(client, json={"name": None})) == ["name"]
    staff = f"/api/v1/staff/{catalog['staff']}"
    assert _refused_fields(await api.patch(staff, json={"active": None})) == ["active"]
    service = f"/api/v1/services/{catalog['service']}"
    assert _refused_fields(await api.patch(service, json={"price": None})) == ["price"]
    salon = await api.patch("/api/v1/salon", json={"timezone": None, "working_hours": None})
    assert _refused_fields(salon) == ["timezone", "working_hours"]
    # null still clears what may be empty, and a field left out keeps its value
    await api.patch(client, json={"blocked": True, "blocked_reason": "rude"})
    cleared = await api.patch(client, json={"blocked_reason": None})
    assert cleared.status_code == 200
    assert (cleared.json()["blocked"], cleared.json()["blocked_reason"]) == (True, None)


async def test_an_unknown_preferred_master_is_404_naming_it(
    api: httpx.AsyncClient, catalog: Json
) -> None:
    created = await api.post("/api/v1/clients", json={"name": "Boris", "preferred_staff_id": 999})
    assert created.status_code == 404
    assert created.json()["detail"] == "no master with id 999"
    patched = await api.patch(
        f"/api/v1/clients/{catalog['client']}", json={"preferred_staff_id": 999}
    )
    assert (patched.status_code, patched.json()["detail"]) == (404, "no master with id 999")
    kept = await api.patch(
        f"/api/v1/clients/{catalog['client']}", json={"preferred_staff_id": catalog["staff"]}
    )
    assert kept.json()["preferred_staff_id"] == catalog["staff"]


async def test_unstorable_characters_are_422_naming_the_field(api: httpx.AsyncClient) -> None:
    for raw in (r'"\ud800"', r'"a\udfffb"', r'"a\u0000b"'):
        for path, field, body in [
            ("/api/v1/staff", "name", '{"name": %s}'),
            ("/api/v1/clients", "notes", '{"name": "Boris", "notes": %s}'),
            ("/api/v1/appointments", "phone", '{"client": {"name": "Boris", "phone": %s}}'),
        ]:
            response = await api.post(
                path, content=(body % raw).encode(), headers={"Content-Type": "application/json"}
            )
            assert field in _refused_fields(response)
            if "ud800" in raw:  # the refusal echoes the input back as text, not as a 500
                assert "\\\\ud800" in response.text


async def test_unstorable_characters_in_a_query_are_422(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/v1/clients", params={"q": "a\x00b"})
    assert _refused_fields(response) == ["q"]
    assert "NUL" in response.json()["detail"][0]["msg"]


async def test_salon_settings_refuse_what_would_break_the_clock(api: httpx.AsyncClient) -> None:
    aware = await api.patch(
        "/api/v1/salon", json={"working_hours": {"mon": {"open": "09:00", "close": "18:00+01:00"}}}
    )
    assert "close" in _refused_fields(aware)
    assert "without an offset" in aware.text
    not_a_zone = await api.patch("/api/v1/salon", json={"timezone": "zone.tab"})
    assert (not_a_zone.status_code, not_a_zone.json()["field"]) == (422, "timezone")


async def test_every_id_a_request_can_carry_is_bounded(api: httpx.AsyncClient) -> None:
    """A new route or body that takes a plain ``int`` id fails here, not in production."""
    document = (await api.get("/openapi.json")).json()
    components = document["components"]["schemas"]
    found: list[tuple[str, Json]] = []
    bodies: list[Json] = []
    for operations in document["paths"].values():
        for operation in operations.values():
            found += [(p["name"], p["schema"]) for p in operation.get("parameters", [])]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            bodies += [body["schema"]] if body else []
    seen: set[str] = set()
    while bodies:
        schema = bodies.pop()
        for nested in schema.get("anyOf", []):
            bodies.append(nested)
        ref = schema.get("$ref", "").rsplit("/", 1)[-1]
        if ref and ref not in seen:
            seen.add(ref)
            properties = components[ref].get("properties", {})
            found += list(properties.items())
            bodies += list(properties.values())
    ids = [(name, schema) for name, schema in found if name.endswith("_id")]
    assert len(ids) >= 15
    for name, schema in ids:
        for variant in schema.get("anyOf", [schema]):
            if variant.get("type") == "integer":
                assert (variant.get("minimum"), variant.get("maximum")) == (1, ID_MAX), name


async def test_a_name_is_taken_whatever_the_database_folds(api: httpx.AsyncClient) -> None:
    """PostgreSQL's lower() and Python's disagree on İ: the check asks the database only."""
    for name in ("İlkay", "Ärzte"):
        assert (await api.post("/api/v1/staff", json={"name": name})).status_code == 201
        again = await api.post("/api/v1/staff", json={"name": name})
        assert again.status_code == 409, again.text
        assert f"already a master named {name!r}" in again.json()["detail"]


async def test_a_unique_value_taken_concurrently_is_409_and_other_integrity_errors_are_not(
    session: AsyncSession,
) -> None:
    """Only a concurrent write gets past the ledger's checks; the database's refusal is a 409."""
    session.add(Staff(name="Vitaly", active=True))
    await session.commit()
    session.add(Staff(name="Vitaly", active=True))
    with pytest.raises(IntegrityError) as taken:
        await session.flush()
    await session.rollback()
    response = await integrity_error(Request({"type": "http"}), taken.value)
    assert response.status_code == 409
    assert b"that value was just taken by another change" in bytes(response.body)
    session.add(Client(name="Anna", preferred_staff_id=999, blocked=False))
    with pytest.raises(IntegrityError) as dangling:
        await session.flush()
    await session.rollback()
    with pytest.raises(IntegrityError):
        await integrity_error(Request({"type": "http"}), dangling.value)
