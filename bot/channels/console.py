"""The console channel: a client's side of the conversation in a terminal (``showup chat``)."""

from __future__ import annotations

import itertools

from rich.console import Console

from bot.channels.base import Button, OutboundMessage, SendReceipt


class ConsoleChannel:
    """Prints messages; buttons become numbered choices the person can type."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._ids = itertools.count(1)
        self.last_buttons: tuple[Button, ...] = ()

    @property
    def name(self) -> str:
        return "console"

    async def send(self, message: OutboundMessage) -> SendReceipt:
        self._console.print(f"[bold cyan]ShowUp ▸[/] {message.text}", soft_wrap=True)
        self.last_buttons = message.buttons
        for number, button in enumerate(message.buttons, start=1):
            self._console.print(f"   [cyan]{number}[/] {button.label}")
        return SendReceipt(message_id=f"console-{next(self._ids)}")
