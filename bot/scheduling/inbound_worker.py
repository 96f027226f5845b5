"""The inbound worker: stores what the messengers deliver, then handles it from the database.

``receive`` is what a webhook or the poller calls before acknowledging anything: the updates are
in the database when it returns. The worker claims due rows under a lease, hands each to its
channel's handler (the clients of one batch concurrently, each client's own updates in order),
and records the outcome: done; failed, retried with back-off; or, after ``max_attempts`` (or at
once, when the payload can never be read), parked with an alert to the admins. A crash at any
moment loses nothing: an unfinished row's lease runs out and it is handled again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin.alerts import AdminAlerts, LoggingAlerts
from bot.admin.texts import AdminTexts
from bot.channels.base import Arrival, UnreadableUpdate
from bot.clock import Clock
from bot.errors import ShowUpError
from bot.scheduling.ack_first import InFlight
from bot.scheduling.inbound_queue import (
    Backlog,
    Claimed,
    Outcome,
    backlog,
    claim,
    finish,
    next_due,
    prune,
    store,
)
from db.models import InboundStatus
from db.write_gate import urgent

logger = logging.getLogger(__name__)

Handler = Callable[[str], Awaitable[None]]
KEPT = timedelta(days=7)  # Meta redelivers for up to 7 days, Telegram for a day
FIRST_RETRY = timedelta(seconds=5)
LONGEST_RETRY = timedelta(minutes=10)


class Backlogged(ShowUpError):
    """The queue holds as many waiting updates as it may: the platform should retry later."""


@dataclass(frozen=True, slots=True)
class InboundSettings:
    lease: timedelta = timedelta(seconds=60)
    # rows handled side by side: on SQLite more only adds lock waits (benchmarks/inbound_live:
    # 50 → acknowledgement p50 4–18 s, 8 → 0.3 s, 4 → 16 ms; handling ~35/s either way)
    batch: int = 4
    max_attempts: int = 5
    tick: timedelta = timedelta(seconds=1)
    limit: int = 10_000  # waiting updates before webhooks answer 503 and polling pauses
    # the longest the handling steps aside for webhook requests in flight (ack_first)
    ack_first: timedelta = timedelta(milliseconds=250)


def retry_delay(attempts: int) -> timedelta:
    """5 s, 15 s, 45 s, … after the 1st, 2nd, 3rd failure; at most 10 minutes."""
    factor: int = 3 ** min(max(attempts - 1, 0), 8)  # 5 s * 3**8 is past the cap already
    return min(FIRST_RETRY * factor, LONGEST_RETRY)


class InboundWorker:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        handlers: Mapping[str, Handler],
        clock: Clock,
        settings: InboundSettings | None = None,
        alerts: AdminAlerts | None = None,
        owner: str | None = None,
        texts: AdminTexts | None = None,
        zone: ZoneInfo | None = None,
    ) -> None:
        self._sessions = sessions
        self._handlers = handlers
        self._clock = clock
        self._settings = settings or InboundSettings()
        self.alerts: AdminAlerts = alerts or LoggingAlerts()
        self._texts = texts or AdminTexts()
        self._zone = zone or ZoneInfo("UTC")
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:in"
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._waiting = 0  # last known backlog, for back-pressure without a query per call
        self.in_flight = InFlight()  # webhook requests being answered: they go first

    @property
    def full(self) -> bool:
        return self._waiting >= self._settings.limit

    async def receive(self, arrivals: Sequence[Arrival]) -> int:
        """Store ``arrivals`` durably (raises ``Backlogged`` when the queue is full); how many
        were new. Only after this returns may the platform be told they arrived."""
        if self.full:
            raise Backlogged(f"{self._waiting} updates are waiting to be handled")
        with urgent():  # the platform waits for our answer: go before the handlers
            async with self._sessions() as session, session.begin():
                new = await store(session, arrivals, now=self._clock.now())
        self._waiting += new
        if new:
            self._wake.set()
        return new

    def arriving(self) -> contextlib.AbstractContextManager[None]:
        """Around a webhook request: the handling waits while one is in flight."""
        return self.in_flight.request()

    async def _step_aside(self) -> None:
        await self.in_flight.quiet(at_most=self._settings.ack_first.total_seconds())

    async def backlog(self) -> Backlog:
        async with self._sessions() as session:
            found = await backlog(session)
        self._waiting = found.waiting
        return found

    async def drain(self) -> int:
        """Handle every row due now, batch after batch; how many were claimed."""
        handled = 0
        outcomes: list[Outcome] = []
        parked: list[tuple[Claimed, Outcome]] = []
        while True:
            await self._step_aside()
            try:
                claims = await self._finish_and_claim(outcomes)
            except Exception:
                if outcomes:  # what was handled is recorded, or it would be handled again
                    async with self._sessions() as session, session.begin():
                        await finish(
                            session, owner=self.owner, outcomes=outcomes, now=self._clock.now()
                        )
                raise
            for claimed, outcome in parked:
                await self._tell_parked(claimed, outcome.error or "")
            if not claims:
                return handled
            outcomes = await asyncio.gather(*(self._handle(c) for c in claims))
            self._waiting = max(0, self._waiting - len(claims))
            handled += len(claims)
            parked = [
                (claimed, outcome)
                for claimed, outcome in zip(claims, outcomes, strict=True)
                if outcome.status is InboundStatus.PARKED
            ]

    async def _finish_and_claim(self, outcomes: Sequence[Outcome]) -> list[Claimed]:
        """Record a batch's outcomes and claim the next batch: one transaction, not two."""
        async with self._sessions() as session, session.begin():
            await finish(session, owner=self.owner, outcomes=outcomes, now=self._clock.now())
            return await claim(
                session,
                owner=self.owner,
                now=self._clock.now(),
                lease=self._settings.lease,
                limit=self._settings.batch,
            )

    async def idle(self) -> None:
        """Handle until nothing is due now (tests, benchmarks, shutdown)."""
        while await self.drain():
            pass

    async def _handle(self, claimed: Claimed) -> Outcome:
        now = self._clock.now
        try:
            handler = self._handlers.get(claimed.channel)
            if handler is None:
                raise ShowUpError(f"{claimed.channel} is not configured in this process")
            await self._step_aside()
            async with asyncio.timeout(self._settings.lease.total_seconds() / 2):
                await handler(claimed.payload)
        except UnreadableUpdate as exc:
            logger.warning(
                "%s update %s set aside, it cannot be read: %s",
                claimed.channel,
                claimed.external_id,
                exc,
            )
            return Outcome(claimed.id, InboundStatus.PARKED, now(), f"unreadable: {exc}")
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:500] if str(exc) else type(exc).__name__
            if claimed.attempts >= self._settings.max_attempts:
                logger.exception(
                    "%s update %s failed %d times; set aside",
                    claimed.channel,
                    claimed.external_id,
                    claimed.attempts,
                )
                return Outcome(claimed.id, InboundStatus.PARKED, now(), error)
            delay = retry_delay(claimed.attempts)
            logger.warning(
                "%s update %s failed (attempt %d of %d), retried in %ss: %s",
                claimed.channel,
                claimed.external_id,
                claimed.attempts,
                self._settings.max_attempts,
                int(delay.total_seconds()),
                error,
            )
            return Outcome(claimed.id, InboundStatus.PENDING, now() + delay, error)
        return Outcome(claimed.id, InboundStatus.DONE, now())

    async def _tell_parked(self, claimed: Claimed, error: str) -> None:
        await self.alerts.alert(
            self._texts.plural(
                "inbound.parked",
                claimed.attempts,
                channel=self._texts.channel(claimed.channel),
                sender=claimed.sender,
                when=self._texts.moment(claimed.received_at.astimezone(self._zone)),
                error=error,
                id=claimed.id,
            )
        )

    async def prune(self) -> int:
        """Forget handled updates older than a week (the receipts of redeliveries)."""
        async with self._sessions() as session, session.begin():
            return await prune(session, before=self._clock.now() - KEPT)

    def start(self) -> None:
        """Work in the background until ``stop``. Call from inside the running loop."""
        self._task = asyncio.create_task(self._run(), name="inbound-worker")

    async def stop(self) -> None:
        """Finish the batch in hand, then stop."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        logger.info("inbound worker %s started", self.owner)
        tick = self._settings.tick.total_seconds()
        while not self._stopping:
            self._wake.clear()
            wait = tick
            try:
                handled = await self.drain()
                await self.backlog()
                async with self._sessions() as session:
                    upcoming = await next_due(session)
                ahead = (upcoming - self._clock.now()).total_seconds() if upcoming else tick
                # rows due now but not claimed wait behind an earlier row of their client
                if ahead > 0 or handled:
                    wait = min(tick, max(0.0, ahead))
            except Exception:
                logger.exception("inbound worker failed; trying again in %ss", tick)
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()
        logger.info("inbound worker %s stopped", self.owner)
