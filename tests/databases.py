"""Fresh, migrated databases for tests: a SQLite file, or a PostgreSQL database of its own.

Each is cloned from a template migrated once per run (a file copy for SQLite, ``CREATE DATABASE …
TEMPLATE`` for PostgreSQL), and every PostgreSQL database a test creates is dropped afterwards.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy.engine import URL, make_url

from db.engine import create_engine
from migrations.runner import upgrade

POSTGRES_ENV = "SHOWUP_TEST_POSTGRES_URL"


async def migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def make_sqlite_template(directory: Path) -> Path:
    path = directory / "template.db"
    asyncio.run(migrate(sqlite_url(path)))
    return path


def clone_sqlite(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return sqlite_url(target)


def _asyncpg_dsn(url: URL, database: str) -> str:
    return url.set(drivername="postgresql", database=database).render_as_string(
        hide_password=False
    )


@dataclass
class PostgresServer:
    """The server named by SHOWUP_TEST_POSTGRES_URL, and the databases this run made on it."""

    url: URL
    template: str = ""

    @classmethod
    def from_env(cls) -> PostgresServer | str:
        """The server, or the reason PostgreSQL tests must be skipped."""
        return cls.from_env_url(os.environ.get(POSTGRES_ENV))

    @classmethod
    def from_env_url(cls, raw: str | None) -> PostgresServer | str:
        """The server at ``raw``, or the reason it cannot be used."""
        if not raw:
            return f"{POSTGRES_ENV} is not set"
        server = cls(url=make_url(raw))
        try:
            asyncio.run(server._ping())
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            return f"PostgreSQL at {server.url.render_as_string()} is unreachable: {exc}"
        return server

    async def _admin(self) -> asyncpg.Connection:
        dsn = _asyncpg_dsn(self.url, self.url.database or "postgres")
        return await asyncpg.connect(dsn, timeout=5)

    async def _ping(self) -> None:
        connection = await self._admin()
        await connection.close()

    def database_url(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create_template(self) -> None:
        self.template = f"showup_tpl_{uuid.uuid4().hex[:10]}"
        asyncio.run(self._execute(f'CREATE DATABASE "{self.template}"'))
        asyncio.run(migrate(self.database_url(self.template)))

    def create_empty(self) -> str:
        """A new, empty database (not migrated); drop it with ``drop``."""
        name = f"showup_b_{uuid.uuid4().hex[:12]}"
        asyncio.run(self._execute(f'CREATE DATABASE "{name}"'))
        return self.database_url(name)

    def clone(self) -> str:
        name = f"showup_t_{uuid.uuid4().hex[:12]}"
        asyncio.run(self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        return self.database_url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        asyncio.run(self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def drop_template(self) -> None:
        if self.template:
            asyncio.run(self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'))

    async def _execute(self, statement: str) -> None:
        connection = await self._admin()
        try:
            await connection.execute(statement)
        finally:
            await connection.close()
