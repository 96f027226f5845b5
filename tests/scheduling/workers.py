"""Starting real dispatcher processes (tests/fakes/outbox_worker.py) against one database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path


def start_worker(
    db_url: str,
    record: Path,
    *,
    batch: int,
    lease: float,
    delay: float,
    until_empty: bool,
    wait_for_go: bool = False,
) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "tests.fakes.outbox_worker",
        "--db",
        db_url,
        "--record",
        str(record),
        "--batch",
        str(batch),
        "--lease",
        str(lease),
        "--delay",
        str(delay),
    ]
    if until_empty:
        command.append("--until-empty")
    if wait_for_go:
        command.append("--wait-for-go")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWUP_")}
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert process.stdout is not None
    ready = process.stdout.readline()
    assert ready.strip() == "ready", process.stderr.read() if process.stderr else ready
    return process


def recorded(path: Path) -> Counter[str]:
    if not path.exists():
        return Counter()
    return Counter(path.read_text(encoding="utf-8").split())


def wait_for_lines(path: Path, count: int, process: subprocess.Popen[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sum(recorded(path).values()) >= count:
            return
        assert process.poll() is None, "the worker exited before it was killed"
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} messages sent within {timeout} s")


def finish(process: subprocess.Popen[str], timeout: float = 120) -> None:
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    assert process.returncode == 0, stderr
