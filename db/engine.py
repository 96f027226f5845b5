"""The engine and the session factory, built once at start-up and injected everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db import inline_sqlite
from db.inline_sqlite import SLICE_MS
from db.write_gate import WriteGate, give_back, take

SQLITE_BUSY_TIMEOUT_MS = 15_000


def _prepare_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, emit BEGIN (see _begin_immediate) so SAVEPOINTs work.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA foreign_keys=ON",
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        # waits longer than this happen between tries, outside SQLite (db/inline_sqlite.py)
        f"PRAGMA busy_timeout={SLICE_MS}",
    ):
        cursor.execute(pragma)
    cursor.close()
    # SQLite's own lower() folds only ASCII: "Анна" would never match "анна" in a search
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _gated(engine: AsyncEngine) -> None:
    """Take the write lock at BEGIN: a read-then-write transaction can then never fail with
    "database is locked" halfway. Within this process transactions wait their turn at the
    gate (db/write_gate.py) rather than in SQLite's busy handler; other processes wait up to
    busy_timeout."""
    gate = WriteGate(patience=SQLITE_BUSY_TIMEOUT_MS / 1000)

    def begin(connection: Any) -> None:
        take(gate, connection.info)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            give_back(gate, connection.info)
            raise

    def end(connection: Any) -> None:
        give_back(gate, connection.info)

    def end_pooled(_dbapi_connection: Any, record: Any, *_: Any) -> None:
        give_back(gate, record.info)

    sync = engine.sync_engine
    event.listen(sync, "begin", begin)
    event.listen(sync, "commit", end)
    event.listen(sync, "rollback", end)
    for name in ("checkin", "close", "invalidate"):
        event.listen(sync.pool, name, end_pooled)


def _drop_error_details(context: ExceptionContext) -> None:
    """PostgreSQL repeats the offending values in an error's DETAIL ("Key (phone)=(+34…)
    already exists", "Failing row contains (…)"), which a logged traceback would print: drop
    it, as ``hide_parameters`` drops the statement's values (the message names the constraint)."""
    error: BaseException | None = context.original_exception
    while error is not None:
        if getattr(error, "detail", None):
            setattr(error, "detail", None)  # noqa: B010 - asyncpg's errors, not typed here
        error = error.__cause__ or error.__context__


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for ``url``; for SQLite, the folder is created and WAL mode enabled."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    # hide_parameters: a failing statement's error (and its traceback in the log) shows the
    # SQL but not the values, which are clients' names, phone numbers and messages
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url,
            echo=echo,
            hide_parameters=True,
            module=inline_sqlite.dbapi(patience=SQLITE_BUSY_TIMEOUT_MS / 1000),
        )
        event.listen(engine.sync_engine, "connect", _prepare_sqlite_connection)
        _gated(engine)
        return engine
    engine = create_async_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True)
    event.listen(engine.sync_engine, "handle_error", _drop_error_details)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
