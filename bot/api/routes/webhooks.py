"""Messenger webhooks. Each checks its platform's secret before reading the body."""

from __future__ import annotations

import hmac
import logging
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import ValidationError

from bot.channels.telegram import TelegramRuntime

logger = logging.getLogger(__name__)

TELEGRAM_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


def telegram_router(runtime: TelegramRuntime, secret: str) -> APIRouter:
    """``POST /webhooks/telegram``: 401 without the right secret, else 200 at once."""
    router = APIRouter(tags=["webhooks"])
    expected = secret.encode()

    @router.post(TELEGRAM_PATH, include_in_schema=False)
    async def telegram_webhook(request: Request) -> dict[str, bool]:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            client = request.client.host if request.client else "?"
            logger.warning("telegram webhook call from %s refused: wrong secret token", client)
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong secret token")
        try:
            data: Any = await request.json()
            update = runtime.parse(data if isinstance(data, dict) else {})
        except (ValueError, ValidationError) as exc:
            logger.warning("malformed telegram update ignored: %s", str(exc).splitlines()[0])
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "not a Telegram update") from None
        runtime.feed(update)
        return {"ok": True}

    return router
