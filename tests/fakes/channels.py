"""Channels that record what they are asked to send, and fail on purpose when told to."""

from __future__ import annotations

import asyncio
import os
from collections import deque
from pathlib import Path

from bot.channels.base import ChannelError, OutboundMessage, SendReceipt


class RecordingChannel:
    """Keeps every message; raises the queued errors first, one per send."""

    def __init__(self, name: str = "test", *, receipts: str | None = None) -> None:
        self._name = name
        self._receipts = receipts or name  # prefix of message ids (unique per "process")
        self.sent: list[OutboundMessage] = []
        self.failures: deque[ChannelError] = deque()
        self.delivered = asyncio.Event()

    @property
    def name(self) -> str:
        return self._name

    async def send(self, message: OutboundMessage) -> SendReceipt:
        if self.failures:
            raise self.failures.popleft()
        self.sent.append(message)
        self.delivered.set()
        return SendReceipt(message_id=f"{self._receipts}-{len(self.sent)}")


class FileRecordingChannel:
    """Appends ``appointment_id:kind`` per delivered message to a file (for worker processes).

    Each line is one ``write`` on an O_APPEND descriptor, so nothing recorded is lost when the
    process is killed, and lines from several processes never interleave.
    """

    def __init__(self, path: Path, *, delay: float = 0.0) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._delay = delay
        self._count = 0

    @property
    def name(self) -> str:
        return "test"

    async def send(self, message: OutboundMessage) -> SendReceipt:
        if self._delay:
            await asyncio.sleep(self._delay)
        line = f"{message.metadata['appointment_id']}:{message.metadata['kind']}\n"
        os.write(self._fd, line.encode())
        self._count += 1
        return SendReceipt(message_id=f"{os.getpid()}-{self._count}")
