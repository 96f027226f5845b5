"""Messenger webhooks. Each checks its platform's secret before reading the body."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import PlainTextResponse
from pydantic import ValidationError

from bot.channels.telegram import TelegramRuntime
from bot.channels.whatsapp import WhatsAppReceiver

logger = logging.getLogger(__name__)

TELEGRAM_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
WHATSAPP_PATH = "/webhooks/whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"


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
            logger.warning("malformed telegram update ignored: %s", _describe(exc))
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "not a Telegram update") from None
        runtime.feed(update)
        return {"ok": True}

    return router


def whatsapp_router(
    receiver: WhatsAppReceiver, *, verify_token: str, app_secret: str
) -> APIRouter:
    """``GET /webhooks/whatsapp``: Meta's subscription handshake. ``POST``: updates, each
    checked against ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body with the app secret)
    before anything is parsed; 403 and nothing processed otherwise. 503 when a message could not
    be handled: Meta delivers the body again, and only what was not handled is handled then."""
    router = APIRouter(tags=["webhooks"])
    key = app_secret.encode()

    @router.get(WHATSAPP_PATH, include_in_schema=False)
    async def handshake(
        mode: Annotated[str, Query(alias="hub.mode")] = "",
        token: Annotated[str, Query(alias="hub.verify_token")] = "",
        challenge: Annotated[str, Query(alias="hub.challenge")] = "",
    ) -> PlainTextResponse:
        if mode != "subscribe" or not hmac.compare_digest(token.encode(), verify_token.encode()):
            logger.warning("whatsapp webhook handshake refused: wrong verify token or mode")
            raise HTTPException(status.HTTP_403_FORBIDDEN, "verification failed")
        logger.info("whatsapp webhook verified by Meta")
        return PlainTextResponse(challenge)

    @router.post(WHATSAPP_PATH, include_in_schema=False)
    async def updates(request: Request) -> dict[str, bool]:
        raw = await request.body()
        given = request.headers.get(SIGNATURE_HEADER, "")
        expected = "sha256=" + hmac.new(key, raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            client = request.client.host if request.client else "?"
            logger.warning("whatsapp webhook call from %s refused: bad signature", client)
            raise HTTPException(status.HTTP_403_FORBIDDEN, "bad signature")
        try:
            body = json.loads(raw)
        except ValueError:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "body is not JSON") from None
        if not isinstance(body, dict):
            raise HTTPException(status.HTTP_400_BAD_REQUEST, "body is not a JSON object")
        failed = await receiver.receive(body)
        if failed:  # Meta delivers the body again; what was handled is not repeated
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                f"{failed} message(s) could not be handled now; deliver them again",
            )
        return {"ok": True}

    return router


def _describe(exc: ValueError | ValidationError) -> str:
    """``update_id: Field required`` rather than pydantic's "1 validation error for Update"."""
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
            for error in exc.errors()[:3]
        )
    return str(exc).splitlines()[0]
