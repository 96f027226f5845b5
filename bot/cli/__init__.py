"""The ``showup`` command line (also ``python -m bot``).

Every command pays for what this module imports, so the service, the demo and the API token
(uvicorn, FastAPI, aiogram, pywa: seconds of importing) are imported only when they run.
"""

from __future__ import annotations

import typer

from bot.cli import (
    booking,
    catalog,
    chat,
    classify,
    database,
    inbox_queue,
    link,
    noshows,
    outbox,
    schedules,
    scripts,
    waitlist,
    whatsapp,
)
from bot.cli.common import console, settings_or_exit


def run_command() -> None:
    """Start ShowUp: the REST API (and, as they are configured, the messenger channels)."""
    from bot.cli.server import run_command as run  # noqa: PLC0415 - see the module's docstring

    run()


def demo_command() -> None:
    """Watch a simulated salon day: bookings, reminders, replies in four languages, a no-show."""
    from bot.cli.demo import demo_command as demo  # noqa: PLC0415 - see the module's docstring

    demo()


def api_token_command() -> None:
    """Print the REST API token (generating and storing one if none exists yet)."""
    from bot.api.auth import resolve_api_token  # noqa: PLC0415 - see the module's docstring

    settings = settings_or_exit()
    token = resolve_api_token(settings)
    console.print(token.value)
    console.print(f"(from {token.origin})", style="dim")


app = typer.Typer(
    name="showup",
    help="ShowUp: reminders and two-way chat that get clients to show up.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
app.command("run")(run_command)
app.command("book")(booking.book_command)
app.command("today")(booking.today_command)
app.command("import")(booking.import_command)
app.command("slots")(schedules.slots_command)
app.command("outbox")(outbox.outbox_command)
app.command("inbox-queue")(inbox_queue.inbox_queue_command)
app.command("classify")(classify.classify_command)
app.command("scripts")(scripts.scripts_command)
app.command("chat")(chat.chat_command)
app.command("demo")(demo_command)
app.command("link")(link.link_command)
app.command("noshows")(noshows.noshows_command)
app.add_typer(database.app, name="db")
app.add_typer(catalog.staff_app, name="staff")
app.add_typer(catalog.services_app, name="services")
app.add_typer(whatsapp.app, name="whatsapp")
app.add_typer(schedules.hours_app, name="hours")
app.add_typer(schedules.time_off_app, name="time-off")
app.add_typer(waitlist.app, name="waitlist")
app.command("api-token")(api_token_command)


def main() -> None:
    app()
