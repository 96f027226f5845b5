"""``showup link``: a client's single-use Telegram deep link, to send them or show as a QR code."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.common import client_by_option, console, fail, open_ledger, run, settings_or_exit
from bot.clock import SystemClock
from bot.config import Settings
from bot.errors import NotFoundError
from bot.ledger.links import issue_link_token


def link_command(
    phone: Annotated[str | None, typer.Option(help="the client's phone")] = None,
    client_id: Annotated[int | None, typer.Option(help="…or the client's id")] = None,
) -> None:
    """Print a Telegram link that connects the client's chat to their bookings (single use)."""
    if (phone is None) == (client_id is None):
        fail("give exactly one of --phone or --client-id")
    settings = settings_or_exit()
    if settings.telegram_token is None:
        fail("Telegram is not configured: set SHOWUP_TELEGRAM_TOKEN (see README, Telegram)")
    run(_link(settings, phone, client_id))


async def _bot_username(settings: Settings) -> str:
    # aiogram takes seconds to import; only this command and `showup run` need it
    from aiogram.exceptions import TelegramAPIError  # noqa: PLC0415

    from bot.channels.telegram import create_bot  # noqa: PLC0415

    assert settings.telegram_token is not None  # noqa: S101 - checked by the command
    bot = create_bot(
        settings.telegram_token.get_secret_value(), api_base=settings.telegram_api_base
    )
    try:
        me = await bot.get_me()
    except TelegramAPIError as exc:
        fail(f"Telegram did not answer for the bot (SHOWUP_TELEGRAM_TOKEN): {exc}")
    finally:
        await bot.session.close()
    return me.username or str(me.id)


async def _link(settings: Settings, phone: str | None, client_id: int | None) -> None:
    username = await _bot_username(settings)
    async with open_ledger(settings) as ledger, ledger.sessions() as session:
        client, e164 = await client_by_option(session, settings, phone=phone, client_id=client_id)
        if client is None:
            raise NotFoundError(f"no client has the phone {e164}")
        issued = await issue_link_token(session, client_id=client.id, now=SystemClock().now())
        await session.commit()
    local = issued.expires_at.astimezone(ledger.zone)
    console.print(f"Telegram link for {client.name} (client {client.id}), single use:")
    console.print(f"https://t.me/{username}?start={issued.token}", soft_wrap=True, markup=False)
    console.print(f"Valid until {local:%Y-%m-%d %H:%M}. Opening it in Telegram links the chat.")
