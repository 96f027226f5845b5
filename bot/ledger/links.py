"""Linking a messenger chat to a client: single-use deep-link tokens and phone matching.

A token is 32 random bytes (URL-safe, fits Telegram's 64-character ``start`` parameter); only its
SHA-256 is stored. Redeeming it links the chat to the client once; a used or expired token links
nobody. A chat that had already written as a stranger (intake) is folded into the client.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import ConflictError, NotFoundError
from bot.ledger.clients import get_client, link_identity
from db.models import (
    Appointment,
    Client,
    ClientIdentity,
    DialogState,
    InboxItem,
    LinkToken,
    MessageLog,
)

LINK_TTL = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class IssuedLink:
    token: str
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_link_token(
    session: AsyncSession, *, client_id: int, now: datetime, ttl: timedelta = LINK_TTL
) -> IssuedLink:
    """A fresh single-use token for ``client_id``; earlier unused ones stay valid until used."""
    await get_client(session, client_id=client_id)
    token = secrets.token_urlsafe(32)
    session.add(
        LinkToken(
            token_hash=_digest(token),
            client_id=client_id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    await session.flush()
    return IssuedLink(token=token, expires_at=now + ttl)


async def redeem_link_token(
    session: AsyncSession, *, token: str, channel: str, external_id: str, now: datetime
) -> Client:
    """Link ``external_id`` on ``channel`` to the token's client; the token is spent.

    Raises NotFoundError for an unknown, used or expired token (one message for all three, so a
    guesser learns nothing).
    """
    spent = await session.execute(
        update(LinkToken)
        .where(
            LinkToken.token_hash == _digest(token),
            LinkToken.used_at.is_(None),
            LinkToken.expires_at > now,
        )
        .values(used_at=now, used_by=f"{channel}:{external_id}"[:64])
        .returning(LinkToken.client_id)
    )
    client_id = spent.scalar_one_or_none()
    if client_id is None:
        raise NotFoundError("this link is unknown, already used or expired", code="link_unknown")
    client = await get_client(session, client_id=client_id)
    await attach_chat(session, client=client, channel=channel, external_id=external_id)
    return client


async def attach_chat(
    session: AsyncSession, *, client: Client, channel: str, external_id: str
) -> None:
    """Link the chat to ``client``, folding in the stranger record the chat may already have."""
    stranger = await session.scalar(
        select(Client)
        .join(ClientIdentity, ClientIdentity.client_id == Client.id)
        .where(ClientIdentity.channel == channel, ClientIdentity.external_id == external_id)
    )
    if stranger is not None and stranger.id != client.id:
        await _fold_stranger(session, stranger=stranger, into=client)
    await link_identity(session, client_id=client.id, channel=channel, external_id=external_id)


async def _fold_stranger(session: AsyncSession, *, stranger: Client, into: Client) -> None:
    """Move what a chat did as a stranger (intake answers, messages, inbox) to the real client.

    A stranger with bookings of their own is a real client too: refuse rather than merge two
    people's histories.
    """
    booked = await session.scalar(
        select(func.count()).select_from(Appointment).where(Appointment.client_id == stranger.id)
    )
    if booked:
        raise ConflictError(
            f"this chat belongs to client {stranger.id} ({stranger.name}), who has bookings; "
            "an admin must merge the two clients",
            code="link_conflict",
            params={"id": stranger.id, "name": stranger.name},
        )
    if not into.intake and stranger.intake:
        into.intake = stranger.intake
        into.heard_from = into.heard_from or stranger.heard_from
    into.policy_accepted_at = into.policy_accepted_at or stranger.policy_accepted_at
    into.policy_shown_at = into.policy_shown_at or stranger.policy_shown_at
    into.locale = into.locale or stranger.locale
    for model in (MessageLog, InboxItem, ClientIdentity):
        await session.execute(
            update(model).where(model.client_id == stranger.id).values(client_id=into.id)
        )
    state = await session.get(DialogState, stranger.id)
    if state is not None:
        if await session.get(DialogState, into.id) is None:
            session.add(
                DialogState(client_id=into.id, state=state.state, updated_at=state.updated_at)
            )
        await session.delete(state)
    await session.flush()
    await session.execute(delete(Client).where(Client.id == stranger.id))
    session.expunge(stranger)
    await session.refresh(into, ["identities"])
