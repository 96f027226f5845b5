"""``showup noshows``: recent no-shows, what the clients answered, reasons and rates."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.admin.reports import noshow_report, report_lines
from bot.admin.texts import AdminTexts
from bot.cli.common import console, fail, open_ledger, run, settings_or_exit
from bot.clock import SystemClock


def noshows_command(
    days: Annotated[int, typer.Option(help="how many days back")] = 30,
) -> None:
    """No-shows of the last days with their follow-up, the reasons and the no-show rate."""
    if not 1 <= days <= 3650:
        fail("--days must be between 1 and 3650")
    settings = settings_or_exit()

    async def go() -> None:
        async with open_ledger(settings) as ledger, ledger.sessions() as session:
            report = await noshow_report(
                session, now=SystemClock().now(), days=days, rules=ledger.policy.rules
            )
        for line in report_lines(report, ledger.zone, AdminTexts(ledger.locale)):
            console.print(line, soft_wrap=True, markup=False)

    run(go())
