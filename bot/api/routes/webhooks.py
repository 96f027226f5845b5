"""Messenger webhooks. Each checks its platform's secret before reading the body, stores what
arrived in the inbound queue and only then answers 200: an acknowledged update is never lost.

A body that is not what the platform sends gets 400 with the reason (nothing is stored); when
the update cannot be stored (the database is down, the queue is full) the answer is 503, and the
platform delivers it again later.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import PlainTextResponse

from bot.channels.base import Arrival, Inbox
from bot.channels.telegram import update_arrival
from bot.channels.whatsapp import body_arrivals
from bot.errors import ShowUpError

logger = logging.getLogger(__name__)

TELEGRAM_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
WHATSAPP_PATH = "/webhooks/whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_BODY = 1_000_000  # bytes; real updates are a few kilobytes


def telegram_router(inbox: Inbox, secret: str) -> APIRouter:
    """``POST /webhooks/telegram``: 401 without the right secret; else stored, then 200."""
    router = APIRouter(tags=["webhooks"])
    expected = secret.encode()

    @router.post(TELEGRAM_PATH, include_in_schema=False)
    async def telegram_webhook(request: Request) -> dict[str, bool]:
        with inbox.arriving():  # the handling steps aside until this is answered
            return await _telegram(request, inbox, expected)

    return router


async def _telegram(request: Request, inbox: Inbox, expected: bytes) -> dict[str, bool]:
    given = request.headers.get(SECRET_HEADER, "").encode()
    if not hmac.compare_digest(given, expected):
        logger.warning("telegram webhook call from %s refused: wrong secret", _peer(request))
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong secret token")
    raw = await _body(request)
    data = _json_object(raw, "telegram")
    arrival = update_arrival(data, json.dumps(data, separators=(",", ":")))
    if arrival is None:
        logger.warning("malformed telegram update refused: no integer update_id")
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "not a Telegram update: no update_id")
    await _store(inbox, [arrival], "telegram")
    return {"ok": True}


def whatsapp_router(inbox: Inbox, *, verify_token: str, app_secret: str) -> APIRouter:
    """``GET /webhooks/whatsapp``: Meta's subscription handshake. ``POST``: updates, each
    checked against ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body with the app secret)
    before anything is parsed (403 and nothing processed otherwise), then stored: each message
    and status on its own, so a redelivered body is handled only where it was not yet."""
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
        with inbox.arriving():  # the handling steps aside until this is answered
            return await _whatsapp(request, inbox, key)

    return router


async def _whatsapp(request: Request, inbox: Inbox, key: bytes) -> dict[str, bool]:
    raw = await _body(request)
    given = request.headers.get(SIGNATURE_HEADER, "")
    expected = "sha256=" + hmac.new(key, raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        logger.warning("whatsapp webhook call from %s refused: bad signature", _peer(request))
        raise HTTPException(status.HTTP_403_FORBIDDEN, "bad signature")
    body = _json_object(raw, "whatsapp")
    arrivals = body_arrivals(body)
    if arrivals:
        await _store(inbox, arrivals, "whatsapp")
    return {"ok": True}


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, f"body over {MAX_BODY} bytes")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, f"body over {MAX_BODY} bytes")
    return raw


def _json_object(raw: bytes, platform: str) -> dict[str, Any]:
    """The body as a JSON object, or 400 saying why not."""
    try:
        data = json.loads(raw)
    except RecursionError:
        reason = "JSON nested too deeply"
    except ValueError as exc:  # includes UnicodeDecodeError
        reason = f"not JSON ({str(exc).splitlines()[0][:120]})"
    else:
        if isinstance(data, dict):
            return data
        reason = "not a JSON object"
    logger.warning("malformed %s webhook body refused: %s", platform, reason)
    raise HTTPException(status.HTTP_400_BAD_REQUEST, reason)


async def _store(inbox: Inbox, arrivals: list[Arrival], platform: str) -> None:
    try:
        await inbox.receive(arrivals)
    except ShowUpError as exc:
        logger.warning("%s updates not taken now (%s); the platform retries", platform, exc)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from None
    except Exception:
        logger.exception("%s updates could not be stored; the platform retries", platform)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "could not store the update; deliver it again"
        ) from None


def _peer(request: Request) -> str:
    return request.client.host if request.client else "?"
