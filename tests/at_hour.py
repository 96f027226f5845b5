"""Run a command with the wall clock moved to a chosen local time, in a chosen zone.

    python -m tests.at_hour 23:30 [--zone Pacific/Kiritimati] -- pytest -m clock

libfaketime (the PyPI package ``libfaketime`` ships ``libfaketime.so.1``) is preloaded with a
fixed offset (``FAKETIME=-16846s``) computed from now to the most recent moment the zone's
clock read that time, so every child process — a ``showup run`` started halfway through a
test — sees the same shifted clock. The monotonic clock stays real: this build of libfaketime
would hang Python's ``time.sleep`` with a shifted one, and it only measures durations.
A PostgreSQL server is not a child: its ``now()`` keeps the real time.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime, time, timedelta
from importlib.util import find_spec
from pathlib import Path
from zoneinfo import ZoneInfo

#: Set for the command: the local time it was started at, which ``tests/conftest.py`` checks.
FAKED_AT = "SHOWUP_TEST_FAKED_AT"


def offset_to(wanted: time, zone: ZoneInfo, now: datetime) -> int:
    """Seconds to add to ``now`` so that the clock in ``zone`` reads ``wanted`` (at most a day
    back, never forward: a future moment could be one the machine has not reached)."""
    local = now.astimezone(zone)
    target = datetime.combine(local.date(), wanted, tzinfo=zone)
    if target > local:
        target = datetime.combine(local.date() - timedelta(days=1), wanted, tzinfo=zone)
    return round((target.astimezone(UTC) - now).total_seconds())


def library() -> Path:
    """Where the ``libfaketime`` package keeps its shared library."""
    package = find_spec("libfaketime")
    if package is None or package.origin is None:
        sys.exit("tests.at_hour needs the dev dependencies (libfaketime): run `make test`")
    so = Path(package.origin).parent / "vendor" / "libfaketime" / "src" / "libfaketime.so.1"
    if not so.is_file():
        sys.exit(f"the libfaketime package has no shared library at {so}")
    return so


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.at_hour",
        usage="%(prog)s HH:MM [--zone ZONE] -- COMMAND...",
        description="Run COMMAND with the wall clock moved to HH:MM local time.",
    )
    parser.add_argument("at", type=time.fromisoformat, help="local time to start at, HH:MM")
    parser.add_argument("--zone", help="IANA zone for TZ (default: the machine's zone)")
    argv = sys.argv[1:] if argv is None else argv
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        parser.error("give the command to run after --")
    split = argv.index("--")
    args, command = parser.parse_args(argv[:split]), argv[split + 1 :]
    env = dict(os.environ)
    if args.zone:
        env["TZ"] = args.zone
    zone = ZoneInfo(args.zone) if args.zone else _machine_zone()
    seconds = offset_to(args.at, zone, datetime.now(UTC))
    preload = [str(library()), *filter(None, env.get("LD_PRELOAD", "").split(":"))]
    env.update(
        {
            "LD_PRELOAD": ":".join(preload),
            "FAKETIME": f"{seconds:+d}s",
            "DONT_FAKE_MONOTONIC": "1",
            # its "monotonic fix" makes every timed wait of a thread ~10x slower
            "FAKETIME_FORCE_MONOTONIC_FIX": "0",
            FAKED_AT: args.at.strftime("%H:%M"),
        }
    )
    print(
        f"tests.at_hour: {args.at:%H:%M} in {args.zone or 'the machine zone'} "
        f"(FAKETIME={seconds:+d}s): {' '.join(command)}",
        flush=True,
    )
    os.execvpe(command[0], command, env)  # noqa: S606  (runs the command it was given)


def _machine_zone() -> ZoneInfo:
    if os.environ.get("TZ"):
        return ZoneInfo(os.environ["TZ"].lstrip(":"))
    local = str(Path("/etc/localtime").resolve())
    return ZoneInfo(local.split("zoneinfo/", 1)[1]) if "zoneinfo/" in local else ZoneInfo("UTC")


if __name__ == "__main__":
    main()
