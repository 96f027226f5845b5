"""Reply understanding throughput: messages per second on one core, over the test corpus.

python -m benchmarks.replies [--rounds 20]
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.replies import parse_reply

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "domain" / "corpus" / "replies.tsv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    texts = [
        line.split("\t")[0]
        for line in CORPUS.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    zone = ZoneInfo("Europe/Madrid")
    now = datetime(2026, 11, 23, 10, 0, tzinfo=zone)
    parse_reply(texts[0], now=now, tz=zone)  # warm up
    began = time.perf_counter()
    for _ in range(args.rounds):
        for text in texts:
            parse_reply(text, now=now, tz=zone)
    elapsed = time.perf_counter() - began
    total = len(texts) * args.rounds
    print(f"parse_reply: {total} messages in {elapsed:.2f} s = {total / elapsed:,.0f} msg/s")


if __name__ == "__main__":
    main()
