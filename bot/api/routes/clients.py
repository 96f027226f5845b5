"""Clients."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from bot.api.deps import SessionDep, SettingsDep
from bot.api.schemas import ClientIn, ClientOut, ClientPatch
from bot.ledger import clients

router = APIRouter(prefix="/clients", tags=["clients"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_client(body: ClientIn, session: SessionDep, settings: SettingsDep) -> ClientOut:
    client = await clients.create_client(
        session,
        name=body.name,
        phone=body.phone,
        phone_region=settings.phone_region,
        locale=body.locale,
        heard_from=body.heard_from,
        preferred_staff_id=body.preferred_staff_id,
        notes=body.notes,
    )
    await session.commit()
    return ClientOut.model_validate(client)


@router.get("")
async def list_clients(
    session: SessionDep,
    q: Annotated[str | None, Query(description="part of the name or phone")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[ClientOut]:
    found = await clients.search_clients(session, query=q, limit=limit, offset=offset)
    return [ClientOut.model_validate(c) for c in found]


@router.get("/{client_id}")
async def get_client(client_id: int, session: SessionDep) -> ClientOut:
    return ClientOut.model_validate(await clients.get_client(session, client_id=client_id))


@router.patch("/{client_id}")
async def update_client(
    client_id: int, body: ClientPatch, session: SessionDep, settings: SettingsDep
) -> ClientOut:
    client = await clients.update_client(
        session,
        client_id=client_id,
        phone_region=settings.phone_region,
        changes=body.model_dump(exclude_unset=True),
    )
    await session.commit()
    return ClientOut.model_validate(client)
