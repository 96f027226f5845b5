from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest

from bot.api.auth import resolve_api_token
from bot.config import load_settings


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": "Basic abc"}],
    ids=["missing", "wrong", "not-bearer"],
)
@pytest.mark.parametrize("path", ["/api/v1/staff", "/api/v1/appointments?date=2026-11-23"])
async def test_api_refuses_requests_without_the_token(
    api: httpx.AsyncClient, headers: dict[str, str], path: str
) -> None:
    api.headers.pop("Authorization")
    response = await api.get(path, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "token" in response.json()["detail"]


async def test_healthz_and_docs_need_no_token(api: httpx.AsyncClient) -> None:
    api.headers.pop("Authorization")
    health = await api.get("/healthz")
    assert health.json() == {
        "status": "ok",
        "database": "ok",
        "inbound": {"waiting": 0, "retrying": 0, "parked": 0, "lag_seconds": 0.0},
    }
    docs = await api.get("/openapi.json")
    assert docs.status_code == 200
    assert "/api/v1/appointments" in docs.json()["paths"]


def test_a_token_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    settings = load_settings(_env_file=None, var_dir=tmp_path / "var")
    first = resolve_api_token(settings)
    assert first.generated
    assert len(first.value) >= 32
    token_file = tmp_path / "var" / "api-token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    second = resolve_api_token(settings)
    assert (second.value, second.generated) == (first.value, False)


def test_a_configured_token_wins(tmp_path: Path) -> None:
    configured = load_settings(_env_file=None, var_dir=tmp_path / "var", api_token="x" * 20)
    token = resolve_api_token(configured)
    assert (token.value, token.origin, token.generated) == ("x" * 20, "SHOWUP_API_TOKEN", False)
    assert not (tmp_path / "var" / "api-token").exists()
