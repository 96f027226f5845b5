"""The Telegram channel (aiogram 3): sending, inbound updates, polling or webhook.

Outbound: ``TelegramChannel.send`` turns an ``OutboundMessage`` into ``sendMessage`` with an
inline keyboard of typed ``ReplyButton`` callback data, and classifies failures (flood control →
transient with Telegram's ``retry_after``; bot blocked, chat gone → permanent).

Inbound: ``build_router`` normalises messages, contacts, deep links and button taps into
``InboundMessage`` and hands them to the hub; after a tap the reminder is edited to show what
happened. Only private chats are served.

``create_bot`` points aiogram at ``SHOWUP_TELEGRAM_API_BASE`` when set (a local Bot API server, or
the tests' emulator) and installs ``FloodControl``, which waits out short ``RetryAfter`` answers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Awaitable, Sequence
from typing import Annotated, Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.filters import CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from aiogram.types.update import UpdateTypeLookupError
from pydantic import Field, ValidationError

from bot.channels.base import (
    TELEGRAM,
    Arrival,
    Button,
    ChannelError,
    DialogReply,
    Hub,
    InboundMessage,
    Inbox,
    OutboundMessage,
    PermanentSendError,
    SendReceipt,
    TransientSendError,
    UnreadableUpdate,
    clean_text,
    person_name,
    retrying,
)

logger = logging.getLogger(__name__)

CHANNEL = TELEGRAM
#: Telegram's answers that mean "this chat will not take messages from the bot any more"
GONE = ("chat not found", "user is deactivated", "bot was blocked", "bot can't initiate")
STALE = "ack_stale"
ADMIN_PREFIX = "admin_"  # buttons of admin prompts, e.g. "admin_noshow"
ALERT_LIMIT = 200  # characters Telegram shows in a callback answer


class ReplyButton(CallbackData, prefix="r"):
    """A client's answer button: which intent, about which appointment version."""

    intent: str
    appointment: Annotated[int, Field(ge=0, lt=2**63)]  # else the tap is an unknown one
    version: Annotated[int, Field(ge=0, lt=2**63)]


class FloodControl(BaseRequestMiddleware):
    """Waits out Telegram's flood control (429 ``retry_after``) when the wait is short.

    Longer waits are raised to the caller: the outbox dispatcher then reschedules the message
    after ``retry_after`` instead of holding a batch.
    """

    def __init__(self, *, max_wait: float = 5.0, attempts: int = 3) -> None:
        self.max_wait = max_wait
        self.attempts = attempts

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        _pin_response_model(method)
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self.attempts or exc.retry_after > self.max_wait:
                    raise
                logger.info(
                    "telegram flood control on %s: waiting %ss",
                    type(method).__name__,
                    exc.retry_after,
                )
                await asyncio.sleep(exc.retry_after)
        raise AssertionError("unreachable")  # pragma: no cover


_RESPONSE_MODELS: dict[type[TelegramMethod[Any]], type[Response[Any]]] = {}


def _pin_response_model(method: TelegramMethod[Any]) -> None:
    """aiogram reads every answer with ``Response[method.__returning__]``, a generic model that
    pydantic caches only weakly: once collected, it is built again (about 12 ms of CPU, a tenth
    of all the work of an update in benchmarks/inbound). Holding each one keeps it built."""
    kind = type(method)
    if kind not in _RESPONSE_MODELS:
        _RESPONSE_MODELS[kind] = Response[method.__returning__]  # type: ignore[name-defined]


def create_bot(token: str, *, api_base: str | None = None, flood_wait: float = 5.0) -> Bot:
    """A Bot talking to ``api_base`` (a local Bot API server) or to api.telegram.org."""
    server = TelegramAPIServer.from_base(api_base) if api_base else PRODUCTION
    session = AiohttpSession(api=server)
    session.middleware(FloodControl(max_wait=flood_wait))
    return Bot(token, session=session, default=DefaultBotProperties(link_preview_is_disabled=True))


def inline_keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=button.label,
                    callback_data=ReplyButton(
                        intent=button.intent,
                        appointment=button.appointment_id,
                        version=button.version,
                    ).pack(),
                )
            ]
            for button in buttons
        ]
    )


def receipt_id(chat_id: int | str, message_id: int) -> str:
    return f"{chat_id}:{message_id}"


class TelegramChannel:
    """``Channel`` for Telegram; recipients are chat ids (as text)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    @property
    def name(self) -> str:
        return CHANNEL

    async def send(self, message: OutboundMessage) -> SendReceipt:
        sent = await _sent(
            self.bot.send_message(
                chat_id=int(message.recipient),
                text=message.text,
                reply_markup=inline_keyboard(message.buttons),
            )
        )
        return SendReceipt(message_id=receipt_id(sent.chat.id, sent.message_id))


async def _sent(call: Awaitable[Message]) -> Message:
    """Await a send, turning aiogram's errors into the ``ChannelError`` kinds of ShowUp."""
    try:
        return await call
    except TelegramRetryAfter as exc:
        raise TransientSendError(
            f"flood control: retry in {exc.retry_after}s", retry_after=exc.retry_after
        ) from exc
    except TelegramForbiddenError as exc:
        raise PermanentSendError(f"the client blocked the bot ({exc.message})") from exc
    except TelegramBadRequest as exc:
        if any(reason in exc.message.lower() for reason in GONE):
            raise PermanentSendError(exc.message) from exc
        raise TransientSendError(f"telegram refused the message: {exc.message}") from exc
    except (TelegramNetworkError, TelegramAPIError) as exc:
        raise TransientSendError(f"telegram: {exc}") from exc
    except ClientDecodeError as exc:  # not JSON: a proxy's "502 Bad Gateway" page
        raise TransientSendError(f"telegram answered what is not the Bot API: {exc}") from exc


def _kind(message: Message) -> str:
    for kind in ("voice", "photo", "sticker", "video", "video_note", "audio", "document"):
        if getattr(message, kind, None):
            return kind
    if message.location is not None:
        return "location"
    return "text" if message.text is not None else "other"


def inbound(message: Message) -> InboundMessage:
    """A Telegram message in ShowUp's words."""
    user = message.from_user
    replied = message.reply_to_message
    return InboundMessage(
        channel=CHANNEL,
        sender=str(message.chat.id),
        text=clean_text(message.text or message.caption or ""),
        kind=_kind(message),
        reply_to_message=receipt_id(message.chat.id, replied.message_id) if replied else None,
        display_name=person_name(user.full_name) if user else None,
        language_code=user.language_code if user else None,
        can_share_contact=True,
    )


async def answer(hub: Hub, message: Message, replies: Sequence[DialogReply]) -> None:
    """Send the replies in order; after one that cannot be sent, the admins are told and the
    rest are not tried (they would fail alike, and make no sense without it)."""
    origin = inbound(message)
    for reply in replies:
        markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
        if reply.request_contact:
            markup = ReplyKeyboardMarkup(
                keyboard=[[KeyboardButton(text=reply.request_contact, request_contact=True)]],
                resize_keyboard=True,
                one_time_keyboard=True,
            )
        elif reply.outcome == "linked":
            markup = ReplyKeyboardRemove()
        else:
            markup = inline_keyboard(reply.buttons)
        if not await _reply(hub, origin, message, reply, markup):
            return


async def _reply(
    hub: Hub,
    origin: InboundMessage,
    chat: Message,
    reply: DialogReply,
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None,
) -> bool:
    """One answer in ``chat``, retried briefly; False (and the admins told) when it failed."""
    try:
        await retrying(lambda: _sent(chat.answer(reply.text, reply_markup=markup)))
    except ChannelError as exc:
        logger.warning("answer in telegram chat %s not sent: %s", chat.chat.id, exc)
        await hub.undelivered(origin, reply, str(exc))
        return False
    return True


# Filters are coroutines: aiogram runs a plain function (a magic filter such as
# ``F.chat.type == "private"`` too) in a thread, a hop to the thread pool and back for every
# filter of every update.


async def _in_private_chat(message: Message) -> bool:
    return message.chat.type == "private"


async def _tapped_in_private_chat(query: CallbackQuery) -> bool:
    return query.message is not None and query.message.chat.type == "private"


async def _has_contact(message: Message) -> bool:
    return message.contact is not None


def build_router(hub: Hub) -> Router:
    """The handlers of every update ShowUp serves, in private chats."""
    router = Router(name="showup")
    router.message.filter(_in_private_chat)
    router.callback_query.filter(_tapped_in_private_chat)

    @router.message(CommandStart(deep_link=True))
    async def deep_link(message: Message, command: CommandObject) -> None:
        if await _admin_first(hub, message):
            return
        token = clean_text(command.args or "")  # no lone surrogate reaches the hash
        await answer(hub, message, await hub.link(inbound(message), token))

    @router.message(_has_contact)
    async def contact(message: Message) -> None:
        shared = message.contact
        assert shared is not None  # noqa: S101 - the filter guarantees it
        user = message.from_user
        if user is None or shared.user_id != user.id:
            # someone else's card: never link a chat by a phone number its owner did not send
            someone_else = dataclasses.replace(inbound(message), kind="contact")
            await answer(hub, message, await hub.from_client(someone_else))
            return
        await answer(hub, message, await hub.shared_phone(inbound(message), shared.phone_number))

    @router.message()
    async def anything(message: Message) -> None:
        if await _admin_first(hub, message):
            return
        await answer(hub, message, await hub.from_client(inbound(message)))

    @router.callback_query(ReplyButton.filter())
    async def tap(query: CallbackQuery, callback_data: ReplyButton) -> None:
        user = query.from_user
        shown = query.message if isinstance(query.message, Message) else None
        button = Button(
            label="",
            intent=callback_data.intent,
            appointment_id=callback_data.appointment,
            version=callback_data.version,
        )
        if button.intent.startswith(ADMIN_PREFIX):
            await _admin_tap(hub, query, shown, button)
            return
        origin = InboundMessage(
            channel=CHANNEL,
            sender=str(shown.chat.id if shown else user.id),
            button=button,
            display_name=person_name(user.full_name),
            language_code=user.language_code,
        )
        await _show_outcome(hub, origin, query, shown, await hub.from_client(origin))

    @router.callback_query()
    async def unknown_tap(query: CallbackQuery) -> None:
        await query.answer()  # an old or foreign button: stop the spinner, change nothing

    return router


async def _admin_first(hub: Hub, message: Message) -> bool:
    texts = await hub.from_admin(inbound(message))
    if texts is None:
        return False
    for text in texts:
        await message.answer(text)
    return True


async def _admin_tap(
    hub: Hub, query: CallbackQuery, shown: Message | None, button: Button
) -> None:
    """An admin's answer to a prompt (arrived / no-show / late): done, and the prompt says so."""
    user = query.from_user
    texts = await hub.from_admin(
        InboundMessage(channel=CHANNEL, sender=str(user.id), button=button)
    )
    if texts is None:
        await query.answer("Only the salon's admins can use this.", show_alert=True)
        return
    outcome = "\n".join(texts)
    await query.answer()
    if shown is not None and shown.text:
        await _quietly(shown.edit_text(f"{shown.text}\n\n— {outcome}", reply_markup=None))
    else:
        await query.bot.send_message(user.id, outcome)  # type: ignore[union-attr]


async def _show_outcome(
    hub: Hub,
    origin: InboundMessage,
    query: CallbackQuery,
    shown: Message | None,
    replies: Sequence[DialogReply],
) -> None:
    """A tap answers in place: the reminder is edited to show the outcome, buttons removed.

    A stale tap gets the explanation as an alert and leaves the message as it was.
    """
    if not replies:
        await query.answer("✓")
        if shown is not None:
            await _quietly(shown.edit_reply_markup(reply_markup=None))
        return
    first = replies[0]
    if first.outcome == STALE or shown is None or not shown.text:
        short = first.text if len(first.text) <= ALERT_LIMIT else None
        await query.answer(short, show_alert=short is not None)
        if short is None or shown is None:
            await query.bot.send_message(query.from_user.id, first.text)  # type: ignore[union-attr]
        return
    await query.answer()
    if shown.text.endswith(f"— {first.text}"):  # a second tap of the same button: said already
        return
    if first.buttons:  # a choice to make (free times to move to): a new message, with its buttons
        await _quietly(shown.edit_reply_markup(reply_markup=None))
        for reply in replies:
            if not await _reply(hub, origin, shown, reply, inline_keyboard(reply.buttons)):
                return
        return
    await _quietly(shown.edit_text(f"{shown.text}\n\n— {first.text}", reply_markup=None))
    for reply in replies[1:]:
        if not await _reply(hub, origin, shown, reply, inline_keyboard(reply.buttons)):
            return


async def _quietly(call: Awaitable[Any]) -> None:
    """Edits may fail harmlessly (message too old, unchanged): log, don't disturb the client."""
    try:
        await call
    except (TelegramAPIError, ClientDecodeError) as exc:
        logger.info("telegram edit skipped: %s", exc)


@dataclasses.dataclass(frozen=True, slots=True)
class WebhookSetup:
    """What ``setWebhook`` changed, and what Telegram last said about delivering to the URL."""

    changed: bool  # the URL or the update types differed from what Telegram had
    last_error: str | None  # e.g. "Wrong response from the webhook: 401 Unauthorized"
    pending: int  # updates waiting to be delivered


class TelegramRuntime:
    """The running Telegram side: the poller or the webhook's handler, and the admin menu.

    Updates reach the dispatcher only from the inbound queue (``handle``): the poller stores each
    batch in ``inbox`` before asking Telegram for the next one (which confirms the batch), the
    webhook stores the update before answering 200.
    """

    def __init__(self, bot: Bot, hub: Hub) -> None:
        self.bot = bot
        self._hub = hub
        self.dispatcher = Dispatcher()
        self.dispatcher.include_router(build_router(hub))
        self._polling: asyncio.Task[None] | None = None
        self.inbox: Inbox | None = None  # set once the inbound queue exists
        self.username: str | None = None

    async def prepare(self, *, admins: Sequence[int], menu: Sequence[tuple[str, str]]) -> str:
        """Check the token (getMe) and set the admins' command menu; returns the bot's username."""
        me = await self.bot.get_me()
        self.username = me.username or str(me.id)
        commands = [BotCommand(command=name, description=text) for name, text in menu]
        for admin in admins:
            try:
                await self.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=admin))
            except TelegramAPIError as exc:
                logger.warning(
                    "could not set the command menu for admin %s (has the admin started the "
                    "bot?): %s",
                    admin,
                    exc,
                )
        return self.username

    def start_polling(self, *, timeout: int = 30) -> None:
        """Long polling into the inbound queue (``inbox`` must be set)."""
        if self.inbox is None:
            raise ChannelError("polling needs the inbound queue")
        self._polling = asyncio.create_task(
            poll(self.bot, self.inbox, self.used_updates(), wait=timeout),
            name="telegram-polling",
        )

    def used_updates(self) -> list[str]:
        return sorted(self.dispatcher.resolve_used_update_types())

    async def set_webhook(self, url: str, secret: str) -> WebhookSetup:
        """Register ``url`` with ``secret``; safe to call at every start-up.

        ``setWebhook`` is sent every time: Telegram never shows the secret back, so re-sending is
        the only way a changed ``SHOWUP_TELEGRAM_WEBHOOK_SECRET`` takes effect (with a stale one,
        every update would be refused with 401). Pending updates are kept.
        """
        allowed = self.used_updates()
        try:
            info = await self.bot.get_webhook_info()
            changed = info.url != url or sorted(info.allowed_updates or allowed) != allowed
            await self.bot.set_webhook(
                url, secret_token=secret, allowed_updates=allowed, drop_pending_updates=False
            )
        except TelegramAPIError as exc:
            raise ChannelError(str(exc)) from exc
        return WebhookSetup(
            changed=changed,
            last_error=info.last_error_message if info.url == url else None,
            pending=info.pending_update_count,
        )

    def parse(self, data: dict[str, Any]) -> Update:
        """An update from its JSON (raises pydantic's ValidationError when malformed)."""
        return Update.model_validate(data, context={"bot": self.bot})

    async def handle(self, payload: str) -> None:
        """Handle one stored update (the inbound queue's handler for Telegram). Raises
        ``UnreadableUpdate`` when it is not an update; other errors mean "try again"."""
        try:
            data = json.loads(payload)
            update = self.parse(data if isinstance(data, dict) else {})
        except (ValueError, RecursionError, ValidationError) as exc:
            raise UnreadableUpdate(describe_invalid(exc)) from None
        if not _known_type(update):
            # aiogram would warn with the whole update (a client's message) in the text
            logger.info(
                "telegram update %s of a type this aiogram does not know: skipped",
                update.update_id,
            )
            return
        await self.dispatcher.feed_update(self.bot, update)

    async def stop(self) -> None:
        if self._polling is not None:
            self._polling.cancel()
            try:
                await self._polling
            except asyncio.CancelledError:
                pass
            except Exception:
                logger.exception("telegram polling had stopped with an error")
        await self.bot.session.close()


def _known_type(update: Update) -> bool:
    try:
        return bool(update.event_type)
    except UpdateTypeLookupError:
        return False


def update_arrival(data: dict[str, Any], payload: str) -> Arrival | None:
    """The queue row of a Telegram update (its JSON ``data`` and text ``payload``); None when
    it has no update id."""
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return None
    return Arrival(CHANNEL, str(update_id), sender_of(data), payload)


def sender_of(data: dict[str, Any]) -> str:
    """The chat (or user) an update comes from, read from its JSON: one person's updates are
    handled in order. An update with neither stands on its own."""
    for key, value in data.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        chat = value.get("chat")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return str(chat["id"])
        message = value.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            chat_id = message["chat"].get("id")
            if isinstance(chat_id, int):
                return str(chat_id)
        user = value.get("from") or value.get("user")
        if isinstance(user, dict) and isinstance(user.get("id"), int):
            return str(user["id"])
    return f"update:{data.get('update_id')}"


POLL_BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)


async def poll(bot: Bot, inbox: Inbox, allowed: list[str], *, wait: int = 30) -> None:
    """Long polling that loses nothing: each batch of ``getUpdates`` is stored in ``inbox``
    before the next call confirms it to Telegram (``offset``). While the queue is full, or the
    database refuses, the updates stay with Telegram."""
    await bot.delete_webhook(drop_pending_updates=False)
    offset: int | None = None
    failures = 0
    while True:
        if inbox.full:
            await asyncio.sleep(1)
            continue
        try:
            updates = await bot.get_updates(offset=offset, timeout=wait, allowed_updates=allowed)
            arrivals = []
            for update in updates:
                payload = update.model_dump_json(by_alias=True, exclude_none=True)
                arrival = update_arrival(json.loads(payload), payload)
                if arrival is not None:
                    arrivals.append(arrival)
            await inbox.receive(arrivals)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            pause = POLL_BACKOFF[min(failures, len(POLL_BACKOFF) - 1)]
            failures += 1
            logger.warning("telegram polling: %s; trying again in %ss", exc, pause)
            await asyncio.sleep(pause)
            continue
        failures = 0
        if updates:
            offset = updates[-1].update_id + 1


def describe_invalid(exc: Exception) -> str:
    """``update_id: Field required`` rather than pydantic's "1 validation error for Update"."""
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
            for error in exc.errors()[:3]
        )
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
