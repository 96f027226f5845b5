"""A small WhatsApp Cloud (Graph) API emulator, and webhook payloads built like Meta's.

The real ``pywa_async`` client talks HTTP to it (its httpx client rerouted with
``SHOWUP_WHATSAPP_API_BASE``). It records every message sent and can be told to fail the next
sends with a Graph API error code (131047 outside the 24 h window, 130429 rate limit…).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

PHONE_ID = "106540352242922"
BUSINESS_NUMBER = "15550001111"
TOKEN = "EAAG-test-token-0123456789"
APP_SECRET = "app-secret-0123456789abcdef"
VERIFY_TOKEN = "verify-token-0123456789"


@dataclass
class GraphApiEmulator:
    sent: list[dict[str, Any]] = field(default_factory=list)
    read: list[str] = field(default_factory=list)  # user messages marked as read

    def __post_init__(self) -> None:
        self._failures: deque[tuple[int, str, str | None]] = deque()
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.base = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/{version}/{phone_id}/messages", self._messages)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.base

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def fail(
        self, code: int, message: str, *, times: int = 1, message_type: str | None = None
    ) -> None:
        """Fail the next sends (of ``message_type`` only, when given) with a Graph API error."""
        for _ in range(times):
            self._failures.append((code, message, message_type))

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.sent if m.get("type") == kind]

    async def _messages(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return _error(401, 190, "Invalid OAuth access token")
        if request.match_info["phone_id"] != PHONE_ID:
            return _error(400, 100, "Unsupported post request: unknown phone number id")
        body: dict[str, Any] = await request.json()
        if body.get("status") == "read":  # the business marks a user's message as read
            self.read.append(str(body.get("message_id")))
            return web.json_response({"success": True})
        if self._failures and self._failures[0][2] in (None, body.get("type")):
            code, message, _ = self._failures.popleft()
            return _error(429 if code in (130429, 131056) else 400, code, message)
        body["_id"] = f"wamid.HBgL{next(self._ids):06d}"
        self.sent.append(body)
        to = body.get("to", "")
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": body["_id"]}],
            }
        )


def _error(status: int, code: int, message: str) -> web.Response:
    return web.json_response(
        {
            "error": {
                "message": message,
                "type": "OAuthException",
                "code": code,
                "error_data": {"messaging_product": "whatsapp", "details": message},
                "fbtrace_id": "AbCdEf",
            }
        },
        status=status,
    )


# -- webhook payloads ------------------------------------------------------------------------

_wamids = itertools.count(1)


def _envelope(value: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": BUSINESS_NUMBER,
                                "phone_number_id": PHONE_ID,
                            },
                            **value,
                        },
                    }
                ],
            }
        ],
    }


def inbound(
    wa_id: str,
    message: dict[str, Any],
    *,
    name: str = "Anna",
    message_id: str | None = None,
    timestamp: int = 1_790_000_000,
) -> dict[str, Any]:
    """A message from a user, with ``contacts[].user_id`` as pywa 4 expects."""
    return _envelope(
        {
            "contacts": [{"profile": {"name": name}, "wa_id": wa_id, "user_id": f"US.{wa_id}"}],
            "messages": [
                {
                    "from": wa_id,
                    "id": message_id or f"wamid.IN{next(_wamids):06d}",
                    "timestamp": str(timestamp),
                    **message,
                }
            ],
        }
    )


def text(wa_id: str, body: str, **kwargs: Any) -> dict[str, Any]:
    return inbound(wa_id, {"type": "text", "text": {"body": body}}, **kwargs)


def button_reply(wa_id: str, reply_id: str, title: str, **kwargs: Any) -> dict[str, Any]:
    """A tap on an interactive reply button (free-form message inside the window)."""
    return inbound(
        wa_id,
        {
            "type": "interactive",
            "interactive": {
                "type": "button_reply",
                "button_reply": {"id": reply_id, "title": title},
            },
        },
        **kwargs,
    )


def quick_reply(wa_id: str, payload: str, title: str, **kwargs: Any) -> dict[str, Any]:
    """A tap on a template's quick-reply button."""
    return inbound(
        wa_id, {"type": "button", "button": {"payload": payload, "text": title}}, **kwargs
    )


def status(
    message_id: str, state: str, wa_id: str, *, error_code: int | None = None
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": message_id,
        "status": state,
        "timestamp": "1790000100",
        "recipient_id": wa_id,
    }
    if error_code is not None:
        entry["errors"] = [{"code": error_code, "title": "Message failed to send"}]
    return _envelope({"statuses": [entry]})


def signed(payload: Any, secret: str = APP_SECRET) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers Meta sends: X-Hub-Signature-256 = HMAC-SHA256 of the body."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    return body, signed_headers(body, secret)


def signed_headers(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}
