"""``showup inbox-queue``: how far behind the handling of received messages is, and what was
set aside."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from bot.cli.common import console, open_ledger, run, settings_or_exit
from bot.clock import SystemClock
from bot.scheduling.inbound_queue import backlog, parked_rows, requeue_parked


def inbox_queue_command(
    retry: Annotated[
        list[int] | None,
        typer.Option(
            "--retry",
            help="give this parked update (by id; repeat the option for several) fresh attempts",
        ),
    ] = None,
    retry_all: Annotated[
        bool, typer.Option("--retry-all", help="give every parked update fresh attempts")
    ] = False,
) -> None:
    """Count received updates waiting to be handled, the oldest one's lag, and list the parked
    ones (failed every attempt, or unreadable) with their errors."""
    settings = settings_or_exit()
    clock = SystemClock()

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            if retry or retry_all:
                count = await requeue_parked(session, now=clock.now(), ids=retry or ())
                await session.commit()
                console.print(f"Queued again: {_updates(count)}.")
                if retry and count < len(set(retry)):
                    console.print(
                        "[yellow]Some of the ids given are not parked updates "
                        "(handled, waiting, or unknown); they were left as they are.[/]"
                    )
            queue = await backlog(session)
            parked = await parked_rows(session)
        lag = queue.lag(clock.now()).total_seconds()
        console.print(
            f"waiting: {queue.waiting} (retrying: {queue.retrying})  parked: {queue.parked}  "
            f"lag: {lag:.1f}s"
        )
        if not queue.waiting:
            console.print("Every received message has been handled.")
        for row in parked:
            received = row.received_at.astimezone(ledger.zone)
            attempts = "1 attempt" if row.attempts == 1 else f"{row.attempts} attempts"
            console.print(
                f"[red]parked[/] #{row.id} {escape(row.channel)} from {escape(row.sender)} "
                f"received {received:%Y-%m-%d %H:%M} after {attempts}: "
                f"{escape(row.last_error or 'no error recorded')}",
                soft_wrap=True,
                highlight=False,
            )
        if parked:
            console.print("Try them again with `showup inbox-queue --retry ID` or `--retry-all`.")

    run(go())


def _updates(count: int) -> str:
    return "1 parked update" if count == 1 else f"{count} parked updates"
