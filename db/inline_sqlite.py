"""SQLite for the async engine without a thread hop per call.

SQLAlchemy's ``aiosqlite`` driver runs every SQLite call in a helper thread and waits for it
in the event loop: opening a cursor, executing, fetching and closing are four round trips
through a queue, a thread switch and the loop's self-pipe, for statements that SQLite itself
answers in microseconds (a local file in WAL mode). An update handled by ShowUp issues about
twenty statements, so most of its time went into those hops.

This driver keeps the ``sqlite+aiosqlite`` URLs and dialect (so settings and SQL are
unchanged) but calls ``sqlite3`` directly in the event loop's thread. The only call that can
wait is taking the write lock (``BEGIN IMMEDIATE``) while another *process* writes: SQLite
waits at most ``SLICE_MS`` inside the call, then the coroutine sleeps asynchronously and
tries again, up to the usual busy timeout, so a long writer elsewhere (a CSV import from the
command line) never freezes this process's event loop. Inside one process transactions take
turns at the write gate (``db/write_gate.py``) before they ever reach SQLite's lock.

The price: a statement that really takes long (a report over a year of appointments) holds
the event loop while it runs. ShowUp's queries are indexed and small; ``benchmarks/`` shows
the figures.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy.util.concurrency import await_, in_greenlet

T = TypeVar("T")
SLICE_MS = 10  # the longest SQLite may block the event loop waiting for another process's lock
BACKOFF = (0.005, 0.01, 0.02, 0.05, 0.1)


def _locked(error: sqlite3.OperationalError) -> bool:
    return error.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


async def _nothing() -> None:
    pass


def _patiently(call: Callable[[], T], patience: float) -> T:
    """``call()``; while SQLite answers "database is locked", sleep without blocking the event
    loop (inside SQLAlchemy's greenlet) and try again, for up to ``patience`` s.

    SQLAlchemy's ``AsyncConnection`` insists that a driver awaits something: a coroutine that
    finishes at once is awaited first, which costs two greenlet switches, not a trip through
    the event loop."""
    if in_greenlet():
        await_(_nothing())
    deadline = time.monotonic() + patience
    tries = 0
    while True:
        try:
            return call()
        except sqlite3.OperationalError as error:
            if not _locked(error) or time.monotonic() >= deadline:
                raise
            pause = BACKOFF[min(tries, len(BACKOFF) - 1)]
            tries += 1
            if in_greenlet():
                await_(asyncio.sleep(pause))
            else:
                time.sleep(pause)


class Cursor:
    """A ``sqlite3`` cursor whose ``execute`` waits for another process's lock patiently."""

    __slots__ = ("_cursor", "_patience")

    def __init__(self, cursor: sqlite3.Cursor, patience: float) -> None:
        self._cursor = cursor
        self._patience = patience

    def execute(self, operation: str, parameters: Any = ()) -> Cursor:
        _patiently(lambda: self._cursor.execute(operation, parameters), self._patience)
        return self

    def executemany(self, operation: str, parameters: Sequence[Any]) -> Cursor:
        _patiently(lambda: self._cursor.executemany(operation, parameters), self._patience)
        return self

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)

    def close(self) -> None:
        self._cursor.close()

    async def _async_soft_close(self) -> None:
        """SQLAlchemy's async results call this to free a driver's cursor early; the rows of
        a ``sqlite3`` cursor are read in place, so it stays open until ``close``."""

    def setinputsizes(self, *_: Any) -> None:
        pass

    def setoutputsize(self, *_: Any) -> None:
        pass


class Connection:
    """What SQLAlchemy's SQLite dialect expects of a DBAPI connection, in the loop's thread."""

    def __init__(self, connection: sqlite3.Connection, patience: float) -> None:
        self.driver_connection = connection
        self._connection = connection  # what the dialect's get_driver_connection reads
        self._patience = patience

    @property
    def isolation_level(self) -> str | None:
        return self.driver_connection.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self.driver_connection.isolation_level = value  # type: ignore[assignment]

    def cursor(self, server_side: bool = False) -> Cursor:
        return Cursor(self.driver_connection.cursor(), self._patience)

    def execute(self, operation: str, parameters: Any = ()) -> Cursor:
        return self.cursor().execute(operation, parameters)

    def create_function(self, *args: Any, **kw: Any) -> None:
        self.driver_connection.create_function(*args, **kw)

    def commit(self) -> None:
        _patiently(self.driver_connection.commit, self._patience)

    def rollback(self) -> None:
        self.driver_connection.rollback()

    def close(self) -> None:
        self.driver_connection.close()

    def terminate(self) -> None:
        self.driver_connection.close()


class _DBAPI:
    """The module-like object SQLAlchemy's dialect reads its DBAPI from."""

    paramstyle = "qmark"
    has_stop = True  # the dialect may terminate connections

    def __init__(self, patience: float) -> None:
        self.patience = patience
        self.sqlite = sqlite3
        for name in (
            "DatabaseError",
            "Error",
            "IntegrityError",
            "InterfaceError",
            "InternalError",
            "NotSupportedError",
            "OperationalError",
            "ProgrammingError",
            "DataError",
            "Warning",
            "sqlite_version",
            "sqlite_version_info",
            "PARSE_COLNAMES",
            "PARSE_DECLTYPES",
            "Binary",
        ):
            setattr(self, name, getattr(sqlite3, name))

    def connect(self, *args: Any, **kw: Any) -> Connection:
        kw.pop("async_creator_fn", None)
        # used from the event loop's thread only; the pool may close it from another
        kw["check_same_thread"] = False
        kw["timeout"] = SLICE_MS / 1000
        return Connection(sqlite3.connect(*args, **kw), self.patience)


def dbapi(*, patience: float) -> Any:
    """The DBAPI to hand ``create_async_engine(url, module=…)`` for a ``sqlite+aiosqlite``
    URL (``patience``: seconds to wait for another process's write lock)."""
    return _DBAPI(patience)
