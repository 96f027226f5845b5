"""Telling the salon's admins that something needs a human (a reminder could not be sent…)."""

from __future__ import annotations

import logging
from typing import Protocol

logger = logging.getLogger(__name__)


class AdminAlerts(Protocol):
    async def alert(self, text: str) -> None:
        """Deliver ``text`` to the admins; must not raise."""
        ...


class LoggingAlerts:
    """Alerts written to the log at WARNING, until an admin channel is configured."""

    async def alert(self, text: str) -> None:
        logger.warning("admin alert: %s", text)
