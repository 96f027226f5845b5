"""The admin inbox: what the bot hands to a human, forwarded to the admins and answered by them.

Forwarding works like the outbox: items are claimed with a lease (``UPDATE … RETURNING``), so
several processes never forward the same item twice and a crash only delays it. An item whose
every attempt failed is recorded as given up (``relay_failed_at``), the admins are alerted, and
the next morning digest lists it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AdminRelay, InboxItem

MAX_RELAY_ATTEMPTS = 10
RELAY_ERROR_LENGTH = 300


async def claim_unrelayed(
    session: AsyncSession, *, now: datetime, lease: timedelta, limit: int = 50
) -> list[InboxItem]:
    """Items not yet forwarded to the admins, now leased to the caller (oldest first)."""
    due = (
        select(InboxItem.id)
        .where(
            InboxItem.relayed_at.is_(None),
            InboxItem.relay_attempts < MAX_RELAY_ATTEMPTS,
            or_(InboxItem.relay_lease_until.is_(None), InboxItem.relay_lease_until <= now),
        )
        .order_by(InboxItem.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claimed = await session.scalars(
        update(InboxItem)
        .where(InboxItem.id.in_(due.scalar_subquery()))
        .values(relay_lease_until=now + lease, relay_attempts=InboxItem.relay_attempts + 1)
        .returning(InboxItem)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed, key=lambda item: item.id)


async def record_relay(
    session: AsyncSession,
    *,
    item: InboxItem,
    channel: str,
    forwarded: list[tuple[str, str]],
    now: datetime,
) -> None:
    """Remember where ``item`` was forwarded ((admin chat, message id) pairs); it is done."""
    for admin_chat, message_id in forwarded:
        session.add(
            AdminRelay(
                inbox_item_id=item.id,
                channel=channel,
                admin_chat=admin_chat,
                message_id=message_id,
                created_at=now,
            )
        )
    await session.execute(update(InboxItem).where(InboxItem.id == item.id).values(relayed_at=now))


async def find_relayed(
    session: AsyncSession, *, channel: str, admin_chat: str, message_id: str
) -> InboxItem | None:
    """The inbox item an admin's chat message was forwarded from, if it was."""
    found: InboxItem | None = await session.scalar(
        select(InboxItem)
        .join(AdminRelay, AdminRelay.inbox_item_id == InboxItem.id)
        .where(
            AdminRelay.channel == channel,
            AdminRelay.admin_chat == admin_chat,
            AdminRelay.message_id == message_id,
        )
    )
    return found


async def note_relay_failure(
    session: AsyncSession, *, item: InboxItem, error: str, now: datetime
) -> None:
    """Remember why forwarding ``item`` failed; after its last attempt its lease ends now, so
    ``give_up_relays`` records it at once instead of when the lease would have run out."""
    values: dict[str, object] = {"relay_error": error[:RELAY_ERROR_LENGTH]}
    if item.relay_attempts >= MAX_RELAY_ATTEMPTS:
        values["relay_lease_until"] = now
    await session.execute(update(InboxItem).where(InboxItem.id == item.id).values(**values))


async def give_up_relays(session: AsyncSession, *, now: datetime) -> list[InboxItem]:
    """Items whose every forwarding attempt failed, now recorded as given up; each is returned
    once, to one caller, however many processes ask (so the admins are alerted once)."""
    given_up = await session.scalars(
        update(InboxItem)
        .where(
            InboxItem.relayed_at.is_(None),
            InboxItem.relay_failed_at.is_(None),
            InboxItem.relay_attempts >= MAX_RELAY_ATTEMPTS,
            or_(InboxItem.relay_lease_until.is_(None), InboxItem.relay_lease_until <= now),
        )
        .values(relay_failed_at=now)
        .returning(InboxItem)
        .execution_options(synchronize_session=False)
    )
    return sorted(given_up, key=lambda item: item.id)


async def unreported_failures(session: AsyncSession) -> list[InboxItem]:
    """Items given up and not yet listed in a morning digest, oldest first."""
    return list(
        await session.scalars(
            select(InboxItem)
            .where(
                InboxItem.relay_failed_at.is_not(None),
                InboxItem.relay_failure_reported_at.is_(None),
            )
            .order_by(InboxItem.created_at, InboxItem.id)
        )
    )


async def mark_failures_reported(
    session: AsyncSession, *, item_ids: list[int], now: datetime
) -> None:
    await session.execute(
        update(InboxItem).where(InboxItem.id.in_(item_ids)).values(relay_failure_reported_at=now)
    )
