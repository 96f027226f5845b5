"""Property-based fuzzing of the Telegram webhook and of the handling of what it stores: every
update type of the Bot API, every content kind of a message, then the same damaged."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.api.app import create_app
from bot.api.routes.webhooks import SECRET_HEADER, TELEGRAM_PATH, telegram_router
from bot.config import Settings
from db.models import InboundUpdate
from tests.channels.conftest import Telegram
from tests.channels.fuzzing import FUZZ, OK_STATUSES, misfits, settle
from tests.conftest import API_TOKEN
from tests.fakes.mutations import DEEP, HUGE_INT, JUNK, encoded, mutated
from tests.fakes.telegram_updates import update_body

SECRET = "fuzz-secret-for-the-webhook"


@pytest.fixture
async def hook(telegram: Telegram, tg_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        settings=tg_settings,
        session_factory=telegram.sessions,
        api_token=API_TOKEN,
        clock=telegram.clock,
        webhooks=[telegram_router(telegram.inbound, SECRET)],
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://showup.test") as client:
        yield client


UPDATE_ID = st.one_of(st.integers(1, 2**31), st.integers(1, 2**31), HUGE_INT, JUNK)


@st.composite
def updates(draw: st.DrawFn) -> Any:
    """A well-formed update, a damaged one, or something else entirely."""
    body: dict[str, Any] = {"update_id": draw(st.integers(1, 2**31)), **draw(update_body())}
    how = draw(st.sampled_from(["as is", "as is", "damaged", "damaged", "odd id", "not one"]))
    if how == "damaged":
        damaged = draw(mutated(body))
        return (
            {"update_id": body["update_id"], **damaged} if isinstance(damaged, dict) else damaged
        )
    if how == "odd id":
        return {**body, "update_id": draw(UPDATE_ID)}
    if how == "not one":
        return draw(st.one_of(JUNK, DEEP, st.just([body])))
    return body


@FUZZ
@given(body=updates(), ascii_only=st.booleans())
async def test_any_update_is_answered_stored_and_handled_without_a_crash(
    telegram: Telegram, hook: httpx.AsyncClient, body: Any, ascii_only: bool
) -> None:
    response = await hook.post(
        TELEGRAM_PATH,
        content=encoded(body, ascii_only=ascii_only),
        headers={SECRET_HEADER: SECRET},
    )

    assert response.status_code in OK_STATUSES, response.text
    update_id = body.get("update_id") if isinstance(body, dict) else None
    if isinstance(update_id, int) and not isinstance(update_id, bool):
        assert response.status_code == 200 or "nested too deeply" in response.text
    if response.status_code == 200:
        async with telegram.sessions() as session:
            stored = await session.scalar(
                select(InboundUpdate.id).where(InboundUpdate.external_id == str(update_id)[:128])
            )
        assert stored is not None
    await settle(telegram.inbound, telegram.clock)
    assert await misfits(telegram.sessions) == []


@FUZZ
@given(body=st.one_of(updates(), st.binary(max_size=64)), secret=st.sampled_from(["", "nope"]))
async def test_without_the_secret_nothing_is_stored(
    telegram: Telegram, hook: httpx.AsyncClient, body: Any, secret: str
) -> None:
    content = body if isinstance(body, bytes) else encoded(body)
    response = await hook.post(TELEGRAM_PATH, content=content, headers={SECRET_HEADER: secret})

    assert response.status_code == 401
    async with telegram.sessions() as session:
        assert await session.scalar(select(InboundUpdate.id)) is None


@FUZZ
@given(content=st.one_of(st.binary(max_size=200), st.text(max_size=50).map(str.encode)))
async def test_bytes_that_are_no_update_get_400(hook: httpx.AsyncClient, content: bytes) -> None:
    response = await hook.post(TELEGRAM_PATH, content=content, headers={SECRET_HEADER: SECRET})

    assert response.status_code in {200, 400}
