"""The no-show reason classifier on its corpus, and its per-language words."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.policy import Reason, classify_reason
from bot.domain.replies.evaluation import score_reasons

CORPUS = Path(__file__).parent / "corpus" / "noshow_reasons.jsonl"


def test_reasons_corpus_is_read_right() -> None:
    result = score_reasons(CORPUS.read_text(encoding="utf-8"), source=str(CORPUS))
    assert result.total >= 300
    assert result.accuracy >= 0.95, "\n".join(result.wrong)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Lo siento, no puedo ir, hasta luego", Reason.OTHER),  # not Turkish "hasta", ill
        ("Hasta luego, gracias", Reason.OTHER),
        ("Hastaydım, doktora gittim", Reason.ILLNESS),
        ("There was an accident on the bridge, traffic didn't move", Reason.TRANSPORT),
        ("Попала в аварию, лежу в больнице", Reason.ILLNESS),
        ("Söylemek istemiyorum", Reason.OTHER),
        ("Muy caro, decidí no ir", Reason.OTHER),
    ],
)
def test_words_fire_only_in_their_language(text: str, reason: Reason) -> None:
    assert classify_reason(text) is reason


def test_the_language_can_be_given() -> None:
    assert classify_reason("hasta", language="tr") is Reason.ILLNESS
    assert classify_reason("hasta", language="es") is Reason.OTHER
