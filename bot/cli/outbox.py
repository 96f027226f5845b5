"""``showup outbox``: what the reminder engine has planned, sent and given up on."""

from __future__ import annotations

from bot.cli.common import console, open_ledger, run, settings_or_exit
from bot.ledger.outbox import outbox_summary, recent_failures
from bot.scheduling.claims import next_wakeup
from db.models import OutboxStatus


def outbox_command() -> None:
    """Count outgoing messages by state; show the next due moment and the latest failures."""
    settings = settings_or_exit()

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            counts = await outbox_summary(session)
            upcoming = await next_wakeup(session)
            failures = await recent_failures(session)
        console.print(
            "  ".join(f"{status.value}: {counts.get(status, 0)}" for status in OutboxStatus)
        )
        if upcoming is None:
            console.print("Nothing is waiting to be sent.")
        else:
            local = upcoming.astimezone(ledger.zone)
            console.print(f"Next message due {local:%Y-%m-%d %H:%M} ({ledger.zone.key}).")
        for row in failures:
            console.print(
                f"[red]failed[/] appointment {row.appointment_id} {row.kind} "
                f"after {row.attempts} attempt(s): {row.last_error}",
                soft_wrap=True,
            )

    run(go())
