"""The outbox's SQL: claim due rows under a lease, and record what happened to them.

A claim is one ``UPDATE … RETURNING`` over the ids of due rows; on PostgreSQL the ids are
selected ``FOR UPDATE SKIP LOCKED``, so concurrent dispatchers take disjoint rows, and on SQLite
every write transaction is serialised (``BEGIN IMMEDIATE``). A row whose lease expired (its
dispatcher died) is due again. Results are written only while the lease is still ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ClientIdentity, MessageLog, OutboxStatus, ScheduledMessage

OUTBOX = cast("Table", ScheduledMessage.__table__)
MESSAGE_LOG = cast("Table", MessageLog.__table__)
S = OutboxStatus


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    appointment_id: int | None  # None: a waitlist offer's message (``offer_id``)
    kind: str
    script: str
    version: int
    due_at: datetime
    attempts: int
    offer_id: int | None = None
    proposed_at: datetime | None = None  # the answer to a move: the time the client asked for


def _due(now: datetime) -> Any:
    return or_(
        and_(OUTBOX.c.status == S.PENDING, OUTBOX.c.due_at <= now),
        and_(OUTBOX.c.status == S.SENDING, OUTBOX.c.lease_expires_at < now),
    )


async def claim_due(
    session: AsyncSession, *, owner: str, now: datetime, lease: timedelta, limit: int
) -> list[Claim]:
    """Take up to ``limit`` due rows, earliest first; each claim counts as an attempt."""
    ids = select(OUTBOX.c.id).where(_due(now)).order_by(OUTBOX.c.due_at).limit(limit)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        ids = ids.with_for_update(skip_locked=True)
    statement = (
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(ids.scalar_subquery()))
        .values(
            status=S.SENDING,
            lease_owner=owner,
            lease_expires_at=now + lease,
            attempts=OUTBOX.c.attempts + 1,
        )
        .returning(
            OUTBOX.c.id,
            OUTBOX.c.appointment_id,
            OUTBOX.c.kind,
            OUTBOX.c.script,
            OUTBOX.c.version,
            OUTBOX.c.due_at,
            OUTBOX.c.attempts,
            OUTBOX.c.offer_id,
            OUTBOX.c.proposed_at,
        )
    )
    rows = (await session.execute(statement)).all()
    return sorted((Claim(*row) for row in rows), key=lambda c: (c.due_at, c.id))


async def earliest_due(
    session: AsyncSession, table: Table, *, pending: object, leased: object
) -> datetime | None:
    """The earliest moment a row of a leased queue (the outbox, the inbound queue) becomes due:
    a pending row's due time or a lease running out."""
    due = await session.scalar(select(func.min(table.c.due_at)).where(table.c.status == pending))
    expiring = await session.scalar(
        select(func.min(table.c.lease_expires_at)).where(table.c.status == leased)
    )
    moments = [m for m in (due, expiring) if m is not None]
    return min(moments) if moments else None


async def next_wakeup(session: AsyncSession) -> datetime | None:
    """The earliest moment an outgoing message becomes due."""
    return await earliest_due(session, OUTBOX, pending=S.PENDING, leased=S.SENDING)


@dataclass(frozen=True, slots=True)
class Result:
    """What became of one claimed row."""

    claim: Claim
    status: OutboxStatus
    due_at: datetime
    error: str | None = None
    channel: str | None = None
    message_id: str | None = None
    sent_at: datetime | None = None
    # for the message log, when sent
    client_id: int | None = None
    body: str | None = None
    # an identity to mark unreachable (permanent failure)
    unreachable_identity: int | None = None


_FINISH = (
    update(OUTBOX)
    .where(
        OUTBOX.c.id == bindparam("r_id"),
        OUTBOX.c.lease_owner == bindparam("r_owner"),
        OUTBOX.c.status == S.SENDING,
    )
    .values(
        status=bindparam("r_status"),
        due_at=bindparam("r_due_at"),
        last_error=bindparam("r_error"),
        channel=bindparam("r_channel"),
        external_message_id=bindparam("r_message_id"),
        sent_at=bindparam("r_sent_at"),
        lease_owner=None,
        lease_expires_at=None,
    )
)


async def record_results(
    session: AsyncSession, *, owner: str, results: Sequence[Result], now: datetime
) -> None:
    """Write the results (one statement per table, executemany) in the caller's transaction.

    A row whose lease is no longer ours (it expired and another dispatcher took it, or the
    appointment changed and voided it) is left alone.
    """
    if not results:
        return
    await session.execute(
        _FINISH,
        [
            {
                "r_id": r.claim.id,
                "r_owner": owner,
                "r_status": r.status,
                "r_due_at": r.due_at,
                "r_error": r.error,
                "r_channel": r.channel,
                "r_message_id": r.message_id,
                "r_sent_at": r.sent_at,
            }
            for r in results
        ],
    )
    sent = [r for r in results if r.status is S.SENT]
    if sent:
        await session.execute(
            insert(MESSAGE_LOG),
            [
                {
                    "client_id": r.client_id,
                    "appointment_id": r.claim.appointment_id,
                    "direction": "out",
                    "channel": r.channel,
                    "external_id": r.message_id,
                    "body": r.body or "",
                    "status": "sent",
                    "created_at": r.sent_at or now,
                }
                for r in sent
            ],
        )
    for identity_id, reason in {
        r.unreachable_identity: r.error for r in results if r.unreachable_identity is not None
    }.items():
        await session.execute(
            update(ClientIdentity)
            .where(ClientIdentity.id == identity_id)
            .values(unreachable=True, unreachable_reason=reason)
        )
