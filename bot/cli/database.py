"""``showup db …``: apply and inspect migrations."""

from __future__ import annotations

import typer

from bot.cli.common import console, describe_database, run, settings_or_exit
from db.engine import create_engine
from migrations.runner import schema_state, upgrade

app = typer.Typer(help="Database schema: apply and inspect migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Apply every pending migration (creates the SQLite file if needed)."""
    settings = settings_or_exit()

    async def go() -> None:
        engine = create_engine(settings.database_url)
        try:
            before = await upgrade(engine)
        finally:
            await engine.dispose()
        where = describe_database(settings.database_url)
        if before.up_to_date:
            console.print(f"Database {where} is up to date (revision {before.head}).")
        else:
            start = before.current or "empty"
            console.print(f"Database {where} migrated: {start} → {before.head}.")

    run(go())


@app.command("status")
def status_command() -> None:
    """Show the schema revision of the database and the one this code needs."""
    settings = settings_or_exit()

    async def go() -> bool:
        engine = create_engine(settings.database_url)
        try:
            state = await schema_state(engine)
        finally:
            await engine.dispose()
        console.print(f"database: {describe_database(settings.database_url)}")
        console.print(f"current revision: {state.current or 'none (not migrated)'}")
        console.print(f"code expects:     {state.head}")
        if not state.up_to_date:
            console.print("Run `showup db upgrade`.")
        return state.up_to_date

    if not run(go()):
        raise typer.Exit(1)
