"""One SQLite write transaction at a time per process, taken in turn, acknowledgements first.

SQLite lets one transaction write at a time (every ShowUp transaction on SQLite starts with
``BEGIN IMMEDIATE``). When several coroutines of one process want it, the losers wait in
SQLite's busy handler, which sleeps 1, 2, 5, 10… up to 100 ms between tries in a worker
thread: a webhook that only has to store an update could sleep behind a stream of handler
transactions for seconds (benchmarks/inbound_live: acknowledgement p50 seconds at 100
updates/s). The gate queues them in the event loop instead, in order of arrival, and lets an
``urgent()`` transaction (storing what a platform delivered, before acknowledging it) go
first. It is only an optimisation inside one process: other processes on the same file, and
a holder that vanished without ending its transaction, still meet SQLite's own locking after
``patience`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import heapq
import itertools
import logging
from collections.abc import Iterator
from typing import Any

from sqlalchemy.util.concurrency import await_, in_greenlet

logger = logging.getLogger(__name__)

_URGENT = contextvars.ContextVar("showup_urgent_write", default=False)
HELD = "showup_write_gate"  # key in the pooled connection's ``info`` while it holds the gate


@contextlib.contextmanager
def urgent() -> Iterator[None]:
    """Transactions begun inside go before the others waiting for the gate."""
    token = _URGENT.set(True)
    try:
        yield
    finally:
        _URGENT.reset(token)


class WriteGate:
    def __init__(self, *, patience: float) -> None:
        self.patience = patience
        self._held = False
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def acquire(self) -> bool:
        """Wait for the gate (up to ``patience`` s); False if it was not had in time."""
        if not self._held and not self._waiting:
            self._held = True
            return True
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (0 if _URGENT.get() else 1, next(self._order), turn))
        try:
            async with asyncio.timeout(self.patience):
                await turn
        except TimeoutError:
            if turn.done() and not turn.cancelled():
                return True  # handed over just as the wait ran out: ours after all
            turn.cancel()
            logger.warning("waited %ss for the write gate; going on without it", self.patience)
            return False
        except BaseException:
            if turn.done() and not turn.cancelled():
                self.release()  # handed over while we were cancelled: pass it on
            else:
                turn.cancel()
            raise
        return True

    def release(self) -> None:
        """Hand the gate to the first live waiter, or open it."""
        while self._waiting:
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():
                turn.set_result(None)
                return
        self._held = False


def take(gate: WriteGate, info: dict[Any, Any]) -> None:
    """From a ``begin`` event (inside SQLAlchemy's greenlet): wait for the gate."""
    if in_greenlet() and not info.get(HELD):
        info[HELD] = await_(gate.acquire())


def give_back(gate: WriteGate, info: dict[Any, Any]) -> None:
    """From ``commit``/``rollback`` and the pool's check-in/close: release if held."""
    if info.pop(HELD, False):
        gate.release()
