from __future__ import annotations

import httpx


async def test_staff_create_list_get_update(api: httpx.AsyncClient) -> None:
    created = await api.post("/api/v1/staff", json={"name": "  Vitaly  "})
    assert created.status_code == 201
    staff = created.json()
    assert staff["name"] == "Vitaly"
    duplicate = await api.post("/api/v1/staff", json={"name": "vitaly"})
    assert duplicate.status_code == 409
    assert "already a master named" in duplicate.json()["detail"]
    renamed = await api.patch(f"/api/v1/staff/{staff['id']}", json={"active": False})
    assert renamed.json()["active"] is False
    assert (await api.get("/api/v1/staff")).json() == []
    listed = await api.get("/api/v1/staff", params={"include_inactive": True})
    assert [s["id"] for s in listed.json()] == [staff["id"]]
    assert (await api.get("/api/v1/staff/999")).status_code == 404


async def test_service_validation_names_the_field(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/v1/services", json={"name": "Haircut", "duration_minutes": 0, "price": "30"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "duration_minutes"]
    bad_deposit = await api.post(
        "/api/v1/services",
        json={"name": "Haircut", "duration_minutes": 60, "price": "30", "deposit": "50"},
    )
    assert bad_deposit.status_code == 422
    assert bad_deposit.json()["field"] == "deposit"
    ok = await api.post(
        "/api/v1/services",
        json={"name": "Haircut", "duration_minutes": 60, "price": "30", "deposit": "10"},
    )
    assert ok.status_code == 201
    service_id = ok.json()["id"]
    cleared = await api.patch(f"/api/v1/services/{service_id}", json={"deposit": None})
    assert cleared.json()["deposit"] is None


async def test_clients_phone_normalised_unique_and_searchable(api: httpx.AsyncClient) -> None:
    created = await api.post(
        "/api/v1/clients", json={"name": "Anna", "phone": "600 111 222", "locale": "es"}
    )
    assert created.status_code == 201
    assert created.json()["phone"] == "+34600111222"
    clash = await api.post("/api/v1/clients", json={"name": "Other", "phone": "+34600111222"})
    assert clash.status_code == 409
    bad = await api.post("/api/v1/clients", json={"name": "X", "phone": "hello"})
    assert (bad.status_code, bad.json()["field"]) == (422, "phone")
    wrong_locale = await api.post("/api/v1/clients", json={"name": "X", "locale": "de"})
    assert wrong_locale.status_code == 422
    found = await api.get("/api/v1/clients", params={"q": "111"})
    assert [c["name"] for c in found.json()] == ["Anna"]
    patched = await api.patch(
        f"/api/v1/clients/{created.json()['id']}", json={"notes": "prefers mornings"}
    )
    assert patched.json()["notes"] == "prefers mornings"
    assert patched.json()["phone"] == "+34600111222"


async def test_salon_settings_are_readable_and_editable(api: httpx.AsyncClient) -> None:
    salon = (await api.get("/api/v1/salon")).json()
    assert (salon["name"], salon["timezone"]) == ("Test Salon", "Europe/Madrid")
    assert salon["working_hours"]["sun"] is None
    changed = await api.patch(
        "/api/v1/salon",
        json={"working_hours": {"mon": {"open": "10:00", "close": "19:00"}}, "currency": "rub"},
    )
    assert changed.status_code == 200
    assert changed.json()["currency"] == "RUB"
    assert changed.json()["working_hours"]["tue"] is None
    bad = await api.patch("/api/v1/salon", json={"timezone": "Mars/Base"})
    assert (bad.status_code, bad.json()["field"]) == (422, "timezone")


async def test_names_in_other_languages(api: httpx.AsyncClient) -> None:
    created = await api.post(
        "/api/v1/services",
        json={"name": "Стрижка", "duration_minutes": 60, "price": "30", "names": {"es": "Corte"}},
    )
    assert created.status_code == 201
    service = created.json()
    assert service["names"] == {"es": "Corte"}
    patched = await api.patch(
        f"/api/v1/services/{service['id']}", json={"names": {"en": "Haircut", "es": ""}}
    )
    assert patched.json()["names"] == {"en": "Haircut"}
    staff = await api.post("/api/v1/staff", json={"name": "Виталий"})
    assert staff.json()["names"] == {}
    named = await api.patch(
        f"/api/v1/staff/{staff.json()['id']}", json={"names": {"tr": "Vitali"}}
    )
    assert named.json()["names"] == {"tr": "Vitali"}
    unknown = await api.post("/api/v1/staff", json={"name": "Marta", "names": {"de": "Marta"}})
    assert unknown.status_code == 422


async def test_the_services_a_master_does(api: httpx.AsyncClient) -> None:
    marta = (await api.post("/api/v1/staff", json={"name": "Marta"})).json()["id"]
    vitaly = (await api.post("/api/v1/staff", json={"name": "Vitaly"})).json()["id"]
    service = {"duration_minutes": 60, "price": "30"}
    cut = (await api.post("/api/v1/services", json={"name": "Haircut", **service})).json()["id"]
    nails = (await api.post("/api/v1/services", json={"name": "Nails", **service})).json()["id"]
    every = await api.get(f"/api/v1/staff/{marta}/services")
    assert every.json() == {"staff_id": marta, "every_service": True, "services": []}
    listed = await api.put(f"/api/v1/staff/{marta}/services", json={"service_ids": [nails]})
    assert listed.status_code == 200
    assert listed.json() == {
        "staff_id": marta,
        "every_service": False,
        "services": [{"id": nails, "name": "Nails"}],
    }
    query = {"service_id": cut, "date": "2030-03-04"}
    any_master = (await api.get("/api/v1/slots", params=query)).json()["slots"]
    assert {slot["staff_id"] for slot in any_master} == {vitaly}
    refused = await api.get("/api/v1/slots", params={**query, "staff_id": marta})
    assert refused.status_code == 422
    assert refused.json()["detail"] == "master Marta does not do Haircut"
    booked = await api.post(
        "/api/v1/appointments",
        json={
            "client": {"name": "Anna", "phone": "+34600111222"},
            "staff_id": marta,
            "service_id": cut,
            "starts_at": "2030-03-04T10:00:00+01:00",
        },
    )
    assert booked.status_code == 409, booked.text
    assert booked.json()["code"] == "not_offered"
    unknown = await api.put(f"/api/v1/staff/{marta}/services", json={"service_ids": [999]})
    assert unknown.status_code == 404
    missing = await api.put("/api/v1/staff/999/services", json={"service_ids": None})
    assert missing.status_code == 404
    dropped = await api.put(f"/api/v1/staff/{marta}/services", json={"service_ids": None})
    assert dropped.json()["every_service"] is True
