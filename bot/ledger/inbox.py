"""The admin inbox: what the bot hands to a human, forwarded to the admins and answered by them.

Forwarding works like the outbox: items are claimed with a lease (``UPDATE … RETURNING``), so
several processes never forward the same item twice and a crash only delays it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AdminRelay, InboxItem

MAX_RELAY_ATTEMPTS = 10


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
