"""``showup run`` as a newcomer starts it: a real process serving HTTP on a free port."""

from __future__ import annotations

import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.cli.helpers import showup, showup_env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(tmp_path: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=showup_env(tmp_path, api_port=str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_healthy(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "showup run exited early"
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("showup run did not become healthy within 30 s")


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    try:
        output, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def test_run_serves_the_api_with_a_generated_token(tmp_path: Path) -> None:
    assert showup(tmp_path, "db", "upgrade").returncode == 0
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = _start(tmp_path, port)
    try:
        _wait_healthy(base, process)
        token = (tmp_path / "var" / "api-token").read_text(encoding="utf-8").strip()
        assert stat.S_IMODE((tmp_path / "var" / "api-token").stat().st_mode) == 0o600
        assert httpx.get(f"{base}/api/v1/staff").status_code == 401
        authorised = httpx.get(
            f"{base}/api/v1/staff", headers={"Authorization": f"Bearer {token}"}
        )
        assert (authorised.status_code, authorised.json()) == (200, [])
    finally:
        output = _stop(process)
    assert process.returncode == 0, output
    assert output.count(token) == 2  # the token and the curl example, in the one-time panel
    assert "/docs" in output
    assert "showup demo" in output
    assert "showup chat" in output

    process = _start(tmp_path, port)
    try:
        _wait_healthy(base, process)
    finally:
        output = _stop(process)
    assert token not in output
