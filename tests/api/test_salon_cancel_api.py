"""``POST …/cancel`` with ``cancelled_by: salon`` plans the client's notice; the client's own
(the default) does not. The notice goes out through the console channel, in Spanish."""

from __future__ import annotations

import io
import random
from datetime import timedelta
from typing import Any

import httpx
import pytest
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.console import ConsoleChannel
from bot.clock import ManualClock
from bot.ledger.clients import link_identity
from bot.scheduling.dispatcher import DispatchConfig, Dispatcher
from db.models import Client
from tests.api.test_appointments_api import Json, booking
from tests.fakes.scripts import script_book
from tests.scheduling.conftest import RecordingAlerts

DUE_AFTER = timedelta(minutes=2)


@pytest.fixture
async def catalog(api: httpx.AsyncClient) -> Json:
    staff = (await api.post("/api/v1/staff", json={"name": "Vitaly"})).json()
    service = (
        await api.post(
            "/api/v1/services", json={"name": "Haircut", "duration_minutes": 60, "price": "30"}
        )
    ).json()
    return {"staff": staff["id"], "service": service["id"]}


async def _messages(api: httpx.AsyncClient, appointment_id: int) -> list[Any]:
    response = await api.get(f"/api/v1/appointments/{appointment_id}/messages")
    return [(m["kind"], m["status"], m["due_at"]) for m in response.json()]


async def test_the_salon_cancelling_through_the_api_tells_the_client(
    api: httpx.AsyncClient,
    catalog: Json,
    sessions: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    created = (
        await api.post("/api/v1/appointments", json=booking(catalog, starts_at="2026-11-26T15:00"))
    ).json()
    async with sessions() as session:
        client = await session.get(Client, created["client"]["id"])
        assert client is not None
        client.locale = "es"
        await link_identity(session, client_id=client.id, channel="console", external_id="me")
        await session.commit()

    cancelled = await api.post(
        f"/api/v1/appointments/{created['id']}/cancel",
        json={"cancelled_by": "salon", "reason": "Vitaly is ill"},
    )

    assert cancelled.json()["cancelled_by"] == "salon"
    assert await _messages(api, created["id"]) == [
        ("confirmation", "void", "2026-11-23T08:00:00Z"),
        ("salon_cancelled", "pending", "2026-11-23T08:02:00Z"),
        ("reminder:1d", "void", "2026-11-25T14:00:00Z"),
        ("reminder:1h", "void", "2026-11-26T13:00:00Z"),
    ]
    screen = io.StringIO()
    dispatcher = Dispatcher(
        sessions=sessions,
        channels={"console": ConsoleChannel(Console(file=screen, width=400))},
        renderer=script_book(),
        alerts=RecordingAlerts(),
        clock=clock,
        config=DispatchConfig(),
        rng=random.Random(7),  # noqa: S311 - reproducible jitter
        owner="test-worker",
    )
    clock.advance(DUE_AFTER)
    assert await dispatcher.drain() == 1
    assert screen.getvalue() == (
        "ShowUp ▸ Hola, Anna. Lo sentimos mucho, pero tenemos que cancelar tu cita: Haircut con "
        "Vitaly, el jueves 26 de noviembre a las 15:00. Disculpa las molestias. Escríbenos aquí "
        "y con mucho gusto te buscamos otra hora.\n"
    )
    assert ("salon_cancelled", "sent", "2026-11-23T08:02:00Z") in await _messages(
        api, created["id"]
    )


async def test_the_clients_cancellation_through_the_api_plans_nothing(
    api: httpx.AsyncClient,
    catalog: Json,
) -> None:
    created = (await api.post("/api/v1/appointments", json=booking(catalog))).json()
    await api.post(f"/api/v1/appointments/{created['id']}/cancel", json={})
    kinds = {kind for kind, _, _ in await _messages(api, created["id"])}
    assert kinds == {"confirmation", "reminder:1d", "reminder:1h"}


async def test_a_past_visit_cancelled_by_the_salon_plans_nothing(
    api: httpx.AsyncClient,
    catalog: Json,
    clock: ManualClock,
) -> None:
    created = (
        await api.post("/api/v1/appointments", json=booking(catalog, starts_at="2026-11-24T11:00"))
    ).json()
    clock.set(clock.now().replace(day=24, hour=10))  # 11:00 in Madrid: the visit's time
    await api.post(f"/api/v1/appointments/{created['id']}/cancel", json={"cancelled_by": "salon"})
    assert "salon_cancelled" not in {kind for kind, _, _ in await _messages(api, created["id"])}
