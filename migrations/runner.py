"""Apply and inspect migrations from inside the application (``showup db upgrade``, start-up)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.errors import DatabaseNotReadyError

MIGRATIONS_DIR = Path(__file__).resolve().parent


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@dataclass(frozen=True, slots=True)
class SchemaState:
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def upgrade(engine: AsyncEngine) -> SchemaState:
    """Bring the schema to the newest revision and return where it started from."""
    before = await schema_state(engine)
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)
    return before


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def schema_state(engine: AsyncEngine) -> SchemaState:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    async with engine.connect() as connection:
        current = await connection.run_sync(_current)
    return SchemaState(current=current, head=head)


async def require_current_schema(engine: AsyncEngine) -> None:
    """Refuse to start on an unmigrated or outdated database, saying what to run."""
    state = await schema_state(engine)
    if state.up_to_date:
        return
    if state.current is None:
        problem = "the database has no ShowUp tables yet"
    else:
        problem = (
            f"the database schema is at revision {state.current}, the code needs {state.head}"
        )
    raise DatabaseNotReadyError(
        f"{problem}: run `showup db upgrade` (or `make run`, which does it)"
    )
