"""Bearer-token protection of the REST API; the token is never logged."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.config import Settings

logger = logging.getLogger(__name__)

TOKEN_FILE_NAME = "api-token"  # noqa: S105 - a file name, not a secret
_bearer = HTTPBearer(
    auto_error=False, description="SHOWUP_API_TOKEN or the token in var/api-token"
)


@dataclass(frozen=True, slots=True)
class ApiToken:
    value: str
    origin: str  # "SHOWUP_API_TOKEN" or the file it was read from
    generated: bool = False


def resolve_api_token(settings: Settings) -> ApiToken:
    """The configured token, else the one stored under var/, else a new one stored there.

    The API is never open without a token: a newcomer's first start generates one, saves it with
    owner-only permissions and reports ``generated=True`` so the CLI can show it once.
    """
    if settings.api_token is not None:
        return ApiToken(value=settings.api_token.get_secret_value(), origin="SHOWUP_API_TOKEN")
    path = settings.var_dir / TOKEN_FILE_NAME
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if len(value) >= 16:
            return ApiToken(value=value, origin=str(path))
        logger.warning("%s is too short to be a token; generating a new one", path)
    return ApiToken(value=_write_new_token(path), origin=str(path), generated=True)


def _write_new_token(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    path.chmod(0o600)
    return value


async def require_token(request: Request) -> None:
    """FastAPI dependency: 401 unless ``Authorization: Bearer <token>`` matches."""
    credentials: HTTPAuthorizationCredentials | None = await _bearer(request)
    expected: str = request.app.state.api_token
    supplied = credentials.credentials if credentials is not None else ""
    if not secrets.compare_digest(supplied.encode(), expected.encode()):
        logger.warning("rejected API request to %s: missing or wrong token", request.url.path)
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="missing or wrong API token: send 'Authorization: Bearer <SHOWUP_API_TOKEN>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
