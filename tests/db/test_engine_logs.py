"""A failing SQL statement shows its SQL, never its values (names, phone numbers, messages)."""

from __future__ import annotations

import logging
import traceback

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from db.engine import create_engine

PHONE = "+34600987654"
NAME = "Secret-Name-Alba"


async def test_a_failing_statement_logs_no_parameters(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(database_url, echo=True)  # echo logs every statement at INFO
    insert = text(
        "INSERT INTO clients (name, phone, blocked, policy_rung, created_at, updated_at) "
        "VALUES (:name, :phone, false, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    try:
        with caplog.at_level(logging.INFO):  # aiosqlite prints values at DEBUG
            async with engine.begin() as connection:
                await connection.execute(insert, {"name": NAME, "phone": PHONE})
            with pytest.raises(IntegrityError) as caught:
                async with engine.begin() as connection:
                    await connection.execute(insert, {"name": NAME, "phone": PHONE})
            logging.getLogger("showup.test").error("insert failed", exc_info=caught.value)
    finally:
        await engine.dispose()
    logged = caplog.text + "".join(traceback.format_exception(caught.value))
    assert "INSERT INTO clients" in logged  # the statement is there…
    assert "hidden due to hide_parameters" in logged
    assert PHONE not in logged  # …its values are not
    assert NAME not in logged
