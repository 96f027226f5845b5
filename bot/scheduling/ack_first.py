"""Acknowledge first: the handling of stored updates steps aside while a webhook is answering.

The webhooks and the inbound worker share one event loop. A webhook only has to store an update
and answer 200 (a few milliseconds), but every loop turn it needs also runs the handlers' steps
(dialog, rendering, the answer to the platform): under load the acknowledgements slowed down
with the handling (benchmarks/inbound_live at 100 updates/s: acknowledgement p50 17 s), and a
platform that waits too long gives up and delivers again. What is stored is safe, so the
handling may lag; the answer to the platform must not. The webhook routes count themselves in
``InFlight`` while they run; the worker, before it claims a batch and before each update,
waits until none is in flight, at most ``at_most`` seconds, so that a stream of requests never
starves the handling completely.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator


class InFlight:
    """How many webhook requests are being answered right now, and a way to wait for none."""

    def __init__(self) -> None:
        self.count = 0
        self._quiet = asyncio.Event()
        self._quiet.set()

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        """Around a webhook request's work: the handling waits until it is answered."""
        self.count += 1
        self._quiet.clear()
        try:
            yield
        finally:
            self.count -= 1
            if self.count == 0:
                self._quiet.set()

    async def quiet(self, *, at_most: float) -> bool:
        """Wait until no request is in flight, or ``at_most`` seconds; True if none was."""
        if self.count == 0:
            return True
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(at_most):
                await self._quiet.wait()
        return self.count == 0
