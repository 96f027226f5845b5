"""The inbound queue's SQL: store arrivals, claim them under a lease, record what happened.

An arrival is stored (``INSERT … ON CONFLICT DO NOTHING`` on (channel, external id), so a
redelivery is a no-op) before the webhook or the poller acknowledges it. A claim is one
``UPDATE … RETURNING`` over the oldest due row of each sender that has no earlier unfinished
row: one client's updates are handled one at a time, in order, while other clients' go on. On
PostgreSQL the candidate rows are locked ``FOR UPDATE SKIP LOCKED``, so concurrent workers take
disjoint rows; on SQLite every write transaction is serialised (``BEGIN IMMEDIATE``). A row
whose lease expired (its worker died) is due again, at the head of its sender's line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Integer,
    Table,
    bindparam,
    delete,
    exists,
    func,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.channels.base import Arrival
from bot.scheduling.claims import earliest_due
from db.models import InboundStatus, InboundUpdate

QUEUE = cast("Table", InboundUpdate.__table__)
S = InboundStatus
UNFINISHED = (S.PENDING, S.HANDLING)


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    channel: str
    external_id: str
    sender: str
    payload: str
    attempts: int  # including this one
    received_at: datetime


# built once, as _CLAIM below: the webhook runs it for every update
_STORE = {
    postgres: insert(QUEUE)
    .on_conflict_do_nothing(index_elements=["channel", "external_id"])
    .returning(QUEUE.c.id)
    for postgres, insert in ((False, sqlite_insert), (True, pg_insert))
}


async def store(session: AsyncSession, arrivals: Sequence[Arrival], *, now: datetime) -> int:
    """Insert the arrivals not seen before (in the caller's transaction); how many were new."""
    if not arrivals:
        return 0
    postgres = session.bind is not None and session.bind.dialect.name == "postgresql"
    statement = _STORE[postgres]
    rows = [
        {
            "channel": a.channel,
            "external_id": a.external_id[:128],
            "sender": a.sender[:64],
            "payload": a.payload,
            "status": S.PENDING,
            "attempts": 0,
            "due_at": now,
            "received_at": now,
        }
        for a in arrivals
    ]
    new = 0
    for row in rows:  # RETURNING with executemany is not portable; rows are few per call
        new += len((await session.execute(statement, row)).all())
    return new


def _claim_statement(*, skip_locked: bool) -> Any:
    earlier = aliased(InboundUpdate)
    ahead = exists().where(
        earlier.channel == QUEUE.c.channel,
        earlier.sender == QUEUE.c.sender,
        earlier.status.in_(UNFINISHED),
        earlier.id < QUEUE.c.id,
    )
    now = bindparam("c_now", type_=QUEUE.c.due_at.type)
    limit = bindparam("c_limit", type_=Integer)

    def oldest(*due: Any) -> Any:
        ids = select(QUEUE.c.id).where(*due, ~ahead).order_by(QUEUE.c.id).limit(limit)
        if skip_locked:
            ids = ids.with_for_update(skip_locked=True)
        return select(ids.subquery().c.id)

    # two selects, not one with OR: each reads the index (status, id) in order and stops at
    # ``limit`` (with OR, SQLite read and sorted every pending row on every claim)
    due = union_all(
        oldest(QUEUE.c.status == S.PENDING, QUEUE.c.due_at <= now),
        oldest(QUEUE.c.status == S.HANDLING, QUEUE.c.lease_expires_at < now),  # worker died
    )
    return (
        update(QUEUE)
        .where(QUEUE.c.id.in_(due))
        .values(
            status=S.HANDLING,
            lease_owner=bindparam("c_owner"),
            lease_expires_at=bindparam("c_until", type_=QUEUE.c.lease_expires_at.type),
            attempts=QUEUE.c.attempts + 1,
        )
        .returning(
            QUEUE.c.id,
            QUEUE.c.channel,
            QUEUE.c.external_id,
            QUEUE.c.sender,
            QUEUE.c.payload,
            QUEUE.c.attempts,
            QUEUE.c.received_at,
        )
    )


# built once: building this statement cost more than running it (py-spy, benchmarks/inbound)
_CLAIM = {False: _claim_statement(skip_locked=False), True: _claim_statement(skip_locked=True)}


async def claim(
    session: AsyncSession, *, owner: str, now: datetime, lease: timedelta, limit: int
) -> list[Claimed]:
    """Take up to ``limit`` due rows, each the oldest unfinished one of its sender (and up to
    ``limit`` more whose worker died holding them)."""
    postgres = session.bind is not None and session.bind.dialect.name == "postgresql"
    parameters = {"c_now": now, "c_limit": limit, "c_owner": owner, "c_until": now + lease}
    rows = (await session.execute(_CLAIM[postgres], parameters)).all()
    return sorted((Claimed(*row) for row in rows), key=lambda c: c.id)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one claimed row: done, to be retried at ``due_at``, or parked."""

    id: int
    status: InboundStatus
    due_at: datetime
    error: str | None = None


_FINISH = (
    update(QUEUE)
    .where(
        QUEUE.c.id == bindparam("o_id"),
        QUEUE.c.lease_owner == bindparam("o_owner"),
        QUEUE.c.status == S.HANDLING,
    )
    .values(
        status=bindparam("o_status"),
        due_at=bindparam("o_due_at"),
        last_error=bindparam("o_error"),
        handled_at=bindparam("o_handled_at"),
        lease_owner=None,
        lease_expires_at=None,
    )
)


async def finish(
    session: AsyncSession, *, owner: str, outcomes: Sequence[Outcome], now: datetime
) -> None:
    """Record the outcomes (one executemany); a row whose lease is no longer ours is left."""
    if not outcomes:
        return
    await session.execute(
        _FINISH,
        [
            {
                "o_id": o.id,
                "o_owner": owner,
                "o_status": o.status,
                "o_due_at": o.due_at,
                "o_error": o.error,
                "o_handled_at": now if o.status is not S.PENDING else None,
            }
            for o in outcomes
        ],
    )


async def next_due(session: AsyncSession) -> datetime | None:
    """The earliest moment a stored update becomes due (a retry's due time or a lease ending)."""
    return await earliest_due(session, QUEUE, pending=S.PENDING, leased=S.HANDLING)


@dataclass(frozen=True, slots=True)
class Backlog:
    """How far behind the handling is: what an operator paged at night looks at first."""

    waiting: int  # pending or in hand
    retrying: int  # of those, failed at least once
    parked: int
    oldest: datetime | None  # when the oldest waiting update arrived

    def lag(self, now: datetime) -> timedelta:
        return now - self.oldest if self.oldest is not None else timedelta(0)


async def backlog(session: AsyncSession) -> Backlog:
    unfinished = QUEUE.c.status.in_(UNFINISHED)
    waiting, retrying, oldest = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(QUEUE.c.attempts > 0, QUEUE.c.status == S.PENDING),
                func.min(QUEUE.c.received_at),
            ).where(unfinished)
        )
    ).one()
    parked = await session.scalar(
        select(func.count()).select_from(QUEUE).where(QUEUE.c.status == S.PARKED)
    )
    return Backlog(int(waiting), int(retrying), int(parked or 0), oldest)


async def parked_rows(session: AsyncSession, *, limit: int = 50) -> list[InboundUpdate]:
    """The parked updates, newest first (``showup inbox-queue``)."""
    found = await session.scalars(
        select(InboundUpdate)
        .where(InboundUpdate.status == S.PARKED)
        .order_by(InboundUpdate.id.desc())
        .limit(limit)
    )
    return list(found)


async def requeue_parked(session: AsyncSession, *, now: datetime, ids: Sequence[int] = ()) -> int:
    """Give parked updates (all, or those of ``ids``) a fresh set of attempts."""
    statement = update(QUEUE).where(QUEUE.c.status == S.PARKED)
    if ids:
        statement = statement.where(QUEUE.c.id.in_(ids))
    result = await session.execute(
        statement.values(status=S.PENDING, attempts=0, due_at=now, handled_at=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def prune(session: AsyncSession, *, before: datetime) -> int:
    """Forget handled updates received before ``before``: no platform delivers them again."""
    result = await session.execute(
        delete(QUEUE).where(QUEUE.c.status == S.DONE, QUEUE.c.received_at < before)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
