"""Reply understanding: accuracy on a labelled corpus and messages per second on one core.

python -m benchmarks.replies [--corpus PATH] [--reasons PATH] [--rounds N] [--show-wrong]

PATH is a JSONL corpus (tests/domain/corpus/FORMAT.md); the default is the tuned corpus in
tests/domain/corpus/replies.jsonl. Prints accuracy per language and per intent, the confusion
matrix, how often the proposed/arrival time is right, confirm↔cancel mix-ups, questions acted
on, how sure the cancellations were, and the throughput (language detection and dates included)
in CPU time of this one process, so a busy machine does not distort it. ``--reasons PATH``
also scores the no-show reason classifier on a JSONL file of {"text", "language", "reason"}
(default: tests/domain/corpus/noshow_reasons.jsonl).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bot.domain.replies import CANCEL_AT_ONCE, Intent
from bot.domain.replies.evaluation import (
    ReasonScore,
    Score,
    load_cases,
    read_case,
    score,
    score_reasons,
)

CORPORA = Path(__file__).resolve().parents[1] / "tests" / "domain" / "corpus"
CORPUS = CORPORA / "replies.jsonl"
REASONS = CORPORA / "noshow_reasons.jsonl"


def _report(result: Score, *, show_wrong: bool) -> None:
    print(f"{result.total} replies, accuracy {result.accuracy:.1%}")
    print(
        "per language: "
        + ", ".join(
            f"{code} {result.right_by_language[code] / n:.1%} ({n})"
            for code, n in sorted(result.by_language.items())
        )
    )
    print(
        "per intent:   "
        + ", ".join(
            f"{intent} {result.right_by_intent[intent] / n:.1%} ({n})"
            for intent, n in sorted(result.by_intent.items())
        )
    )
    intents = list(Intent)
    print("confusion (rows: labelled, columns: read)")
    print(" " * 12 + "".join(f"{i.value:>11}" for i in intents))
    for expected in intents:
        cells = "".join(f"{result.confusion[expected, got]:>11}" for got in intents)
        print(f"{expected.value:>12}{cells}")
    timed = result.timed_right / result.timed if result.timed else 0.0
    print(f"when right: {timed:.1%} of {result.timed} reschedule/late replies read as such")
    print(f"language detected right: {result.language_right / result.total:.1%}")
    print(f"confirm<->cancel mix-ups: {len(result.mixups)}")
    for line in result.mixups:
        print(f"  {line}")
    print(
        f"questions read as confirm/cancel against their label: {len(result.acted_on_questions)}"
    )
    for line in result.acted_on_questions:
        print(f"  {line}")
    applied = [right for confidence, right in result.cancels if confidence >= CANCEL_AT_ONCE]
    asked = [right for confidence, right in result.cancels if confidence < CANCEL_AT_ONCE]
    print(
        f"cancellations read: {len(result.cancels)}; applied at once (confidence >= "
        f"{CANCEL_AT_ONCE}): {len(applied)}, of them wrong {applied.count(False)}; asked back: "
        f"{len(asked)}, of them wrong {asked.count(False)}"
    )
    if show_wrong:
        print("misread:\n  " + "\n  ".join(result.wrong))
        print("wrong when:\n  " + "\n  ".join(result.wrong_when))


def _report_reasons(result: ReasonScore, *, show_wrong: bool) -> None:
    print(f"no-show reasons: {result.total} answers, accuracy {result.accuracy:.1%}")
    print(
        "per language: "
        + ", ".join(
            f"{code} {result.right_by_language[code] / n:.1%} ({n})"
            for code, n in sorted(result.by_language.items())
        )
    )
    reasons = sorted({expected for expected, _ in result.confusion})
    print(" " * 14 + "".join(f"{r:>14}" for r in reasons))
    for expected in reasons:
        cells = "".join(f"{result.confusion[expected, got]:>14}" for got in reasons)
        print(f"{expected:>14}{cells}")
    if show_wrong:
        print("misread:\n  " + "\n  ".join(result.wrong))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--reasons", type=Path, default=REASONS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--show-wrong", action="store_true")
    args = parser.parse_args()
    cases = load_cases(args.corpus.read_text(encoding="utf-8"), source=str(args.corpus))
    assert cases, f"{args.corpus} holds no replies"
    _report(score(cases), show_wrong=args.show_wrong)
    reasons = args.reasons.read_text(encoding="utf-8")
    _report_reasons(score_reasons(reasons, source=str(args.reasons)), show_wrong=args.show_wrong)
    began, began_cpu = time.perf_counter(), time.process_time()
    for _ in range(args.rounds):
        for case in cases:
            read_case(case)
    elapsed, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    total = len(cases) * args.rounds
    print(
        f"parse_reply: {total} messages, {total / cpu:,.0f} msg/s of CPU time on one core "
        f"({total / elapsed:,.0f} msg/s wall clock, which other processes on the machine slow)"
    )


if __name__ == "__main__":
    main()
