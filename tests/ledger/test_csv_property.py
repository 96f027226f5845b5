"""Random junk mixed with valid rows: reading and importing never raise, and every valid row is
read with its own values and imported (junk lines cost only themselves)."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.config import load_settings
from bot.ledger.csv_import import ImportOptions, decode_csv, import_rows, read_rows
from bot.ledger.salon import ensure_salon
from db.engine import create_engine, create_session_factory
from db.models import Appointment
from tests.conftest import START
from tests.databases import clone_sqlite
from tests.factories import RULES, make_service, make_staff

MADRID = ZoneInfo("Europe/Madrid")
HEADER = b"external_id,client_name,client_phone,service,staff,start,status,notes\n"
OPTIONS = ImportOptions(
    source="csv", zone=MADRID, phone_region="ES", late_window=timedelta(hours=24), rules=RULES
)
#: characters that upset CSV readers most, plus anything else
NASTY = st.sampled_from(['"', '"', ",", ";", "\n", "\r", "\x00", "\ud800", "\udce9", " ", "é"])
JUNK_TEXT = st.text(alphabet=st.one_of(NASTY, st.characters()), max_size=60).map(
    lambda text: text.encode("utf-8", "surrogatepass")
)
#: quotes that open a cell and close it lines later, taking the rows in between with them
QUOTES = st.sampled_from([b'"', b'1,"open', b'closed"', b'x",y', b'""', b'"a""b"', b'a,"b'])
JUNK = st.one_of(JUNK_TEXT, QUOTES, st.binary(max_size=60)).filter(
    lambda junk: b"valid-" not in junk
)


@dataclass(frozen=True)
class Valid:
    n: int

    @property
    def line(self) -> bytes:
        return (
            f"valid-{self.n},Zoë {self.n},+34600100{self.n:03d},Haircut,Vitaly,"
            f"2026-12-{self.n + 1:02d} 10:00,,note {self.n}\n"
        ).encode()


@st.composite
def files(draw: st.DrawFn) -> tuple[bytes, list[Valid]]:
    """A header, then valid rows and junk chunks (each ending a line) in random order."""
    valid = [Valid(n) for n in range(draw(st.integers(min_value=1, max_value=6)))]
    junk = draw(st.lists(JUNK, max_size=8))
    chunks: list[Valid | bytes] = [*valid, *junk]
    order = draw(st.permutations(chunks))
    body = b"".join(c.line if isinstance(c, Valid) else c + b"\n" for c in order)
    return HEADER + body, valid


@given(files())
@settings(max_examples=400, deadline=None)
def test_reading_random_text_keeps_every_valid_row(case: tuple[bytes, list[Valid]]) -> None:
    data, valid = case
    parsed = read_rows(decode_csv(data))
    read = {row.get("external_id"): row for row in parsed.rows}
    for row in valid:
        found = read[f"valid-{row.n}"]
        assert found.get("client_name") == f"Zoë {row.n}"
        assert found.get("notes") == f"note {row.n}"
    assert len({r.line for r in parsed.rows} | {r.line for r in parsed.rejected}) == len(
        parsed.rows
    ) + len(parsed.rejected)


@given(files())
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
def test_importing_random_text_never_raises_and_imports_every_valid_row(
    sqlite_template: Path, case: tuple[bytes, list[Valid]]
) -> None:
    data, valid = case
    with tempfile.TemporaryDirectory() as directory:
        url = clone_sqlite(sqlite_template, Path(directory) / "showup.db")
        kept, created = asyncio.run(_import(url, Path(directory), data))
    assert created == len(valid)
    assert sorted(kept) == sorted(f"valid-{row.n}" for row in valid)


async def _import(url: str, var_dir: Path, data: bytes) -> tuple[list[str], int]:
    engine = create_engine(url)
    try:
        sessions = create_session_factory(engine)
        async with sessions() as session:
            await ensure_salon(
                session,
                settings=load_settings(
                    _env_file=None, database_url=url, var_dir=var_dir, timezone="Europe/Madrid"
                ),
            )
            await make_staff(session)
            await make_service(session)
            await session.commit()
        parsed = read_rows(decode_csv(data))
        async with sessions() as session:
            report = await import_rows(
                session, rows=parsed.rows, rejected=parsed.rejected, options=OPTIONS, now=START
            )
            assert report.total == len(parsed.rows) + len(parsed.rejected)
            kept = [str(e) for e in await session.scalars(select(Appointment.external_id))]
        return kept, report.created
    finally:
        await engine.dispose()
