"""Send pacing: a global rate per channel and a minimum interval per chat.

Telegram allows about 30 messages/s per bot and ~1/s per chat; WhatsApp about 80/s per number.
Several processes share a platform limit, so each process is configured with its share.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from aiolimiter import AsyncLimiter

MAX_TRACKED_CHATS = 50_000


class Pacer:
    """Waits until a message to ``chat`` on this channel may go out."""

    def __init__(
        self,
        *,
        rate_per_second: float | None,
        chat_interval: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._limiter = AsyncLimiter(rate_per_second, 1) if rate_per_second is not None else None
        self._chat_interval = chat_interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_slot: OrderedDict[str, float] = OrderedDict()

    async def wait(self, chat: str) -> None:
        if self._chat_interval > 0:
            now = self._monotonic()
            slot = max(now, self._next_slot.pop(chat, 0.0))
            self._next_slot[chat] = slot + self._chat_interval
            while len(self._next_slot) > MAX_TRACKED_CHATS:
                self._next_slot.popitem(last=False)
            if slot > now:
                await self._sleep(slot - now)
        if self._limiter is not None:
            await self._limiter.acquire()
