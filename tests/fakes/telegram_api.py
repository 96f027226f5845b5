"""A small Bot API emulator: an aiohttp server on 127.0.0.1 that the real aiogram ``Bot`` talks
HTTP to (``TelegramAPIServer.from_base``). It records every call, serves queued updates to
``getUpdates`` and can be told to fail the next calls of a method (429, 403, 400…)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX"
BOT_ID = 4242
BOT_USERNAME = "showup_test_bot"
TEXT_LIMIT = 4096  # Telegram refuses a longer message text
#: form fields aiogram sends JSON-encoded (or as numbers)
DECODED = frozenset(
    {
        "chat_id",
        "message_id",
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "offset",
        "timeout",
        "limit",
        "show_alert",
        "drop_pending_updates",
        "link_preview_options",
        "reply_parameters",
    }
)


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class Failure:
    code: int
    description: str
    retry_after: int | None = None
    chat_id: int | None = None
    html: bool = False  # answer with a web page, as a proxy in front of the API might


@dataclass
class BotApiEmulator:
    token: str
    calls: list[Call] = field(default_factory=list)
    webhook_url: str = ""
    webhook_allowed: list[str] = field(default_factory=list)
    webhook_secret: str | None = None
    webhook_error: str | None = None  # what getWebhookInfo reports as last_error_message

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._failures: dict[str, deque[Failure]] = {}
        self._message_ids = itertools.count(1000)
        self._update_ids = itertools.count(1)
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._runner: web.AppRunner | None = None
        self.base = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"
        return self.base

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- test controls -----------------------------------------------------------------------

    def fail(
        self,
        method: str,
        *,
        code: int,
        description: str,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
        html: bool = False,
    ) -> None:
        queue = self._failures.setdefault(method, deque())
        for _ in range(times):
            queue.append(Failure(code, description, retry_after, chat_id, html))

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._new_update.set()
        return update

    def sent(
        self, method: str = "sendMessage", *, chat_id: int | None = None
    ) -> list[dict[str, Any]]:
        return [
            call.params
            for call in self.calls
            if call.method == method and (chat_id is None or call.params.get("chat_id") == chat_id)
        ]

    def texts(self, chat_id: int) -> list[str]:
        return [params["text"] for params in self.sent(chat_id=chat_id)]

    # -- the API -------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:  # noqa: PLR0911 - one per answer
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        self.calls.append(Call(method, params))
        queue = self._failures.get(method)
        if queue:
            failure = queue[0]
            if failure.chat_id is None or failure.chat_id == params.get("chat_id"):
                queue.popleft()
                if failure.html:
                    page = (
                        f"<html><body><h1>{failure.code} {failure.description}</h1></body></html>"
                    )
                    return web.Response(status=failure.code, text=page, content_type="text/html")
                return _error(failure.code, failure.description, failure.retry_after)
        if len(str(params.get("text", ""))) > TEXT_LIMIT:
            return _error(400, "Bad Request: message is too long")
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, f"Not Found: method {method} is not emulated")
        try:
            result = (
                await handler(params) if asyncio.iscoroutinefunction(handler) else handler(params)
            )
        except KeyError:  # what Telegram says of a message it does not have
            return _error(400, f"Bad Request: message to {method[:4]} not found")
        return web.json_response({"ok": True, "result": result})

    def _m_getMe(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "ShowUp",
            "username": BOT_USERNAME,
        }

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self._message_ids),
            "date": 1_790_000_000,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "ShowUp"},
            "text": params["text"],
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.messages[chat_id, message["message_id"]] = message
        return message

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self.messages[int(params["chat_id"]), int(params["message_id"])]
        message["text"] = params["text"]
        message.pop("reply_markup", None)
        if isinstance(params.get("reply_markup"), dict):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self.messages[int(params["chat_id"]), int(params["message_id"])]
        message.pop("reply_markup", None)
        return message

    def _m_answerCallbackQuery(self, _params: dict[str, Any]) -> bool:
        return True

    def _m_setMyCommands(self, _params: dict[str, Any]) -> bool:
        return True

    def _m_deleteWebhook(self, _params: dict[str, Any]) -> bool:
        self.webhook_url = ""
        return True

    def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = params["url"]
        self.webhook_secret = params.get("secret_token")
        self.webhook_allowed = list(params.get("allowed_updates") or [])
        return True

    def _m_getWebhookInfo(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": 0,
            "allowed_updates": self.webhook_allowed,
            **({"last_error_message": self.webhook_error} if self.webhook_error else {}),
        }

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 1.0)
        pending = [u for u in self._updates if u["update_id"] >= offset]
        if not pending and wait:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), wait)
            pending = [u for u in self._updates if u["update_id"] >= offset]
        return pending

    # -- building updates like Telegram's ------------------------------------------------------

    def user(
        self, user_id: int, *, name: str = "Anna", language: str | None = "ru"
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": name}
        if language:
            user["language_code"] = language
        return user

    def message_update(
        self,
        user_id: int,
        text: str | None = None,
        *,
        name: str = "Anna",
        language: str | None = "ru",
        reply_to: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": 1_790_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": name},
            "from": self.user(user_id, name=name, language=language),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": len(command)}
                ]
        if reply_to is not None:
            message["reply_to_message"] = self.messages[user_id, reply_to]
        message.update(extra or {})
        return {"message": message}

    def callback_update(
        self, user_id: int, message_id: int, data: str, *, language: str | None = "ru"
    ) -> dict[str, Any]:
        return {
            "callback_query": {
                "id": f"cb{next(self._update_ids)}",
                "from": self.user(user_id, language=language),
                "message": self.messages[user_id, message_id],
                "chat_instance": "ci1",
                "data": data,
            }
        }


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        raw: dict[str, Any] = await request.json()
        return raw
    form = await request.post()
    params: dict[str, Any] = {}
    for key, value in form.items():
        text = value if isinstance(value, str) else str(value)
        params[key] = json.loads(text) if key in DECODED else text
    return params


def _error(code: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=code)
