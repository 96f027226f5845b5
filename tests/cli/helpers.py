"""Running the real ``showup`` command in a subprocess with an isolated environment."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fakes.scripts import SCRIPTS_DIR


def showup_env(workdir: Path, **settings: str) -> dict[str, str]:
    """The parent environment without any SHOWUP_ variable, plus the given settings.

    The process reads the machine's clock, so the salon's quiet hours are off unless a test
    gives them (``quiet_hours="21:00-09:00"``): otherwise a confirmation the test waits for
    would wait for the morning whenever the suite runs at night.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWUP_")}
    env.update(
        {
            "SHOWUP_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'var' / 'showup.db'}",
            "SHOWUP_VAR_DIR": str(workdir / "var"),
            "SHOWUP_TIMEZONE": "Europe/Madrid",
            "SHOWUP_PHONE_REGION": "ES",
            "SHOWUP_SCRIPTS_DIR": str(SCRIPTS_DIR),
            "SHOWUP_QUIET_HOURS": "off",
            "COLUMNS": "200",
        }
    )
    env.update({f"SHOWUP_{key.upper()}": value for key, value in settings.items()})
    return env


def showup(
    workdir: Path,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot ARGS`` in ``workdir``, optionally feeding ``stdin``."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        cwd=workdir,
        env=env or showup_env(workdir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def until_healthy(http: httpx.AsyncClient, process: subprocess.Popen[str]) -> None:
    """Wait until the `showup run` process answers /healthz (at most 60 s)."""
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, "showup run exited early"
        try:
            if (await http.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "showup run did not become healthy within 60 s"
        await asyncio.sleep(0.2)
