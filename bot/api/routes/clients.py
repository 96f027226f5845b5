"""Clients."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.deps import ClockDep, SessionDep, SettingsDep
from bot.api.errors import RECORD_RESPONSES
from bot.api.fields import ID_MAX, Id, PlainText
from bot.api.schemas import (
    ClientEventOut,
    ClientIn,
    ClientOut,
    ClientPatch,
    NewClient,
    TelegramLinkOut,
)
from bot.config import Settings
from bot.errors import ConflictError
from bot.ledger import clients
from bot.ledger.links import issue_link_token
from db.models import ClientEvent

router = APIRouter(prefix="/clients", tags=["clients"], responses=RECORD_RESPONSES)


async def client_id_of(
    session: AsyncSession, settings: Settings, *, client_id: int | None, client: NewClient | None
) -> int:
    """The client a booking or a waitlist entry names: an existing id, or one found (or
    created) by phone. The body's validator guarantees exactly one of the two."""
    if client is None:
        assert client_id is not None  # noqa: S101 - guaranteed by the body's validator
        return client_id
    found, _ = await clients.find_or_create_by_phone(
        session,
        phone=client.phone,
        name=client.name,
        phone_region=settings.phone_region,
        locale=client.locale,
    )
    return found.id


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
    q: Annotated[PlainText | None, Query(description="part of the name or phone")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=ID_MAX)] = 0,
) -> list[ClientOut]:
    found = await clients.search_clients(session, query=q, limit=limit, offset=offset)
    return [ClientOut.model_validate(c) for c in found]


@router.get("/{client_id}")
async def get_client(client_id: Id, session: SessionDep) -> ClientOut:
    return ClientOut.model_validate(await clients.get_client(session, client_id=client_id))


@router.get("/{client_id}/events")
async def client_events(client_id: Id, session: SessionDep) -> list[ClientEventOut]:
    """The client's standing over time: strikes, forgiveness, rungs, blocks, rewards — each
    with who decided it and why."""
    await clients.get_client(session, client_id=client_id)
    events = await session.scalars(
        select(ClientEvent)
        .where(ClientEvent.client_id == client_id)
        .order_by(ClientEvent.created_at, ClientEvent.id)
    )
    return [ClientEventOut.model_validate(event) for event in events]


@router.patch("/{client_id}")
async def update_client(
    client_id: Id, body: ClientPatch, session: SessionDep, settings: SettingsDep
) -> ClientOut:
    client = await clients.update_client(
        session,
        client_id=client_id,
        phone_region=settings.phone_region,
        changes=body.model_dump(exclude_unset=True),
    )
    await session.commit()
    return ClientOut.model_validate(client)


@router.post("/{client_id}/telegram-link", status_code=status.HTTP_201_CREATED)
async def telegram_link(
    client_id: Id, request: Request, session: SessionDep, clock: ClockDep
) -> TelegramLinkOut:
    """A single-use deep link that connects the client's Telegram to their bookings.

    Send it to the client (SMS, e-mail, QR code at the desk); opening it in Telegram starts the
    bot and links the chat. Each call makes a new link; a used link stops working.
    """
    username: str | None = request.app.state.telegram_username
    if username is None:
        raise ConflictError(
            "Telegram is not running in this process: set SHOWUP_TELEGRAM_TOKEN and restart"
        )
    issued = await issue_link_token(session, client_id=client_id, now=clock.now())
    await session.commit()
    return TelegramLinkOut(
        url=f"https://t.me/{username}?start={issued.token}", expires_at=issued.expires_at
    )
