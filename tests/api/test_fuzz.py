"""Schemathesis fuzzes every operation of the app's own OpenAPI in-process (ASGI, no network).

Each operation is a test of its own, against one migrated database per backend (SQLite, and
PostgreSQL when reachable) seeded with a master, a service, a client and an appointment, so
generated ids hit real rows as well as missing ones; what one operation creates, the next sees.
Schemathesis sends schema-valid and schema-invalid requests; no answer may be a 5xx, and every
answer must match what the OpenAPI documents for it.

CI runs a small, derandomized sample (the same requests every run). To dig deeper locally, give
more examples and a seed (or none, for a random one), for example::

    FUZZ_EXAMPLES=300 pytest tests/api/test_fuzz.py -p no:randomly --hypothesis-seed=7
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.api.app import create_app
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.domain.appointments import Actor
from bot.ledger import appointments, catalog, clients
from bot.ledger.salon import ensure_salon
from db.engine import create_engine, create_session_factory
from tests.conftest import API_TOKEN, START, fresh_database
from tests.databases import PostgresServer

#: requests per operation; the default keeps the whole run well under a minute
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
#: CI draws the same requests every run; FUZZ_EXAMPLES asks for random (or --hypothesis-seed) ones
DERANDOMIZE = "FUZZ_EXAMPLES" not in os.environ


async def _seed(engine: AsyncEngine, settings: Settings) -> None:
    """One of everything, so that id 1 exists for every kind of record."""
    async with create_session_factory(engine)() as session:
        await ensure_salon(session, settings=settings)
        staff = await catalog.create_staff(session, name="Vitaly")
        service = await catalog.create_service(
            session, name="Haircut", duration_minutes=60, price=Decimal(30)
        )
        client = await clients.create_client(
            session, name="Anna", phone="+34600111222", phone_region="ES"
        )
        await appointments.book(
            session,
            request=appointments.BookingRequest(
                client_id=client.id,
                staff_id=staff.id,
                service_id=service.id,
                starts_at=datetime(2026, 11, 24, 10, tzinfo=UTC),
            ),
            who=appointments.Who(actor=Actor.API, channel="api"),
            now=START,
            rules=settings.reminder_rules(settings.zone),
        )
        await session.commit()
    await engine.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    postgres_server: PostgresServer | str,
) -> Iterator[FastAPI]:
    """The real app on one seeded database per backend, shared by every operation's test.

    The schema's own app only serves the OpenAPI.
    """
    folder = tmp_path_factory.mktemp("fuzz")
    database = contextmanager(fresh_database)
    with database(request.param, folder, sqlite_template, postgres_server) as url:
        settings = load_settings(
            _env_file=None,
            database_url=url,
            var_dir=folder / "var",
            timezone="Europe/Madrid",
            phone_region="ES",
            salon_name="Test Salon",
        )
        asyncio.run(_seed(create_engine(url), settings))
        # This engine connects only on schemathesis' event loop, and is disposed there whenever
        # schemathesis ends the app's lifespan (after each test).
        engine = create_engine(url)
        yield create_app(
            settings=settings,
            session_factory=create_session_factory(engine),
            api_token=API_TOKEN,
            clock=ManualClock(START),
            engine=engine,
        )


def _schema() -> OpenApiSchema:
    unused = create_engine("sqlite+aiosqlite://")
    document = create_app(
        settings=load_settings(_env_file=None, database_url="sqlite+aiosqlite://"),
        session_factory=create_session_factory(unused),
        api_token=API_TOKEN,
    )
    return schemathesis.openapi.from_asgi("/openapi.json", document)


schema = _schema()
#: characters no database column can store: schemathesis never draws a lone surrogate and rarely
#: a NUL, so some bodies get one of them spliced into every string (a query only the NUL: a URL
#: cannot carry a lone surrogate)
NUL, LONE_SURROGATE = "\x00", "\ud800"


def _splice(value: Any, character: str) -> Any:
    if isinstance(value, str):
        return value[:1] + character + value[1:]
    if isinstance(value, dict):
        return {key: _splice(item, character) for key, item in value.items()}
    if isinstance(value, list):
        return [_splice(item, character) for item in value]
    return value


def _with_spliced(strategy: st.SearchStrategy[Any], *characters: str) -> st.SearchStrategy[Any]:
    spliced = [strategy.map(functools.partial(_splice, character=c)) for c in characters]
    return st.one_of(strategy, *spliced)


@schema.hook
def before_generate_body(
    _context: schemathesis.HookContext, strategy: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    return _with_spliced(strategy, NUL, LONE_SURROGATE)


@schema.hook
def before_generate_query(
    _context: schemathesis.HookContext, strategy: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    return _with_spliced(strategy, NUL)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=DERANDOMIZE,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_5xx_or_off_schema(
    case: schemathesis.Case[Any], app: FastAPI
) -> None:
    case.call_and_validate(
        app=app,
        headers={"Authorization": f"Bearer {API_TOKEN}"},
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
    )
