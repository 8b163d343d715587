"""Decoder output -> lexical words, N-best alternatives and their confidences."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from voxtune.engine.sphinx.hypotheses import (
    SENSCR_SHIFT_FACTOR,
    build_alternatives,
    lexical_text,
    lexical_word,
    nbest_scores,
    nbest_word_confidences,
    phrase_words,
)
from voxtune.engine.types import Word


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("country", "country"),
        ("read(2)", "read"),
        ("for(3)", "for"),
        ("Y'ALL", "y'all"),
        ("<s>", None),
        ("</s>", None),
        ("<sil>", None),
        ("[NOISE]", None),
        ("++BREATH++", None),
        ("", None),
    ],
)
def test_lexical_word(token: str, expected: str | None) -> None:
    assert lexical_word(token) == expected


def test_lexical_text_drops_fillers_and_variants() -> None:
    assert lexical_text("<s> and(2) <sil> so [NOISE] my </s>") == "and so my"
    assert lexical_text(None) == ""


@dataclass
class FakeSeg:
    word: str
    start_frame: int
    end_frame: int
    prob: float


def test_phrase_words_offsets_durations_and_clamped_confidence() -> None:
    segs = [
        FakeSeg("<s>", 0, 9, 1.0),
        FakeSeg("yes(2)", 10, 39, 1.0001),  # posteriors can overshoot 1 by rounding
        FakeSeg("<sil>", 40, 49, 0.9),
        FakeSeg("no", 50, 69, 0.25),
    ]
    words = phrase_words(segs, offset_ticks=5_000_000, frame_rate=100)
    assert words == [
        Word("yes", 5_000_000 + 10 * 100_000, 30 * 100_000, 1.0),
        Word("no", 5_000_000 + 50 * 100_000, 20 * 100_000, 0.25),
    ]


@dataclass
class FakeHyp:
    hypstr: str
    score: float  # exp(score in shifted log-1.0001 units), as pocketsphinx hands it back


def shifted(native_nats: float) -> float:
    """The score pocketsphinx would report for a path of `native_nats` natural-log score."""
    return math.exp(native_nats / SENSCR_SHIFT_FACTOR)


def test_nbest_scores_merges_paths_of_one_text_and_skips_underflow() -> None:
    lm_weight = 10.0
    nbest: list[FakeHyp | None] = [
        FakeHyp("yes", shifted(-100.0)),
        FakeHyp("yes", shifted(-100.0)),  # the same words through other silences
        FakeHyp("yep", shifted(-110.0)),
        FakeHyp("", shifted(-90.0)),  # an all-filler path
        FakeHyp("yeah", 0.0),  # underflowed
        None,  # pocketsphinx yields None for some paths (seen on FSDD and AN4 clips)
    ]
    scores = nbest_scores(nbest, lm_weight)
    assert set(scores) == {"yes", "yep"}
    assert scores["yes"] == pytest.approx(-10.0 + math.log(2))
    assert scores["yep"] == pytest.approx(-11.0)


def words_of(text: str) -> list[Word]:
    return [Word(w, i * 100_000, 100_000, 0.5) for i, w in enumerate(text.split())]


def test_alternatives_best_path_first_sorted_and_summing_to_at_most_one() -> None:
    scores = {"go home": -1.0, "go on": -1.5, "no home": -3.0, "gnome": -4.0}
    alternatives = build_alternatives(words_of("go home"), scores, max_alternatives=3)
    assert [a.lexical for a in alternatives] == ["go home", "go on", "no home"]
    confidences = [a.confidence for a in alternatives]
    assert confidences == sorted(confidences, reverse=True)
    assert 0.0 < sum(confidences) <= 1.0
    assert confidences[0] == pytest.approx(1 / (1 + math.exp(-0.5) + math.exp(-2) + math.exp(-3)))
    assert alternatives[0].words and not alternatives[1].words


def test_best_path_missing_from_nbest_is_first_and_confidences_stay_sorted() -> None:
    scores = {"it and got": -5.0, "it and gold": -5.2}
    alternatives = build_alternatives(words_of("and so my"), scores, max_alternatives=5)
    assert alternatives[0].lexical == "and so my"
    confidences = [a.confidence for a in alternatives]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) <= 1.0 + 1e-9


def test_no_usable_nbest_falls_back_to_mean_word_posterior() -> None:
    (only,) = build_alternatives(words_of("yes"), {}, max_alternatives=5)
    assert only.lexical == "yes" and only.confidence == 0.5


def test_nbest_word_confidence_is_the_mass_of_texts_that_keep_the_word() -> None:
    scores = {"go home": math.log(0.6), "go on": math.log(0.3), "no home": math.log(0.1)}
    confidences = nbest_word_confidences(words_of("go home"), scores)
    assert confidences == pytest.approx([0.9, 0.7])


def test_nbest_word_confidence_without_alternatives_is_one_and_never_above_one() -> None:
    assert nbest_word_confidences(words_of("yes"), {"yes": -3.0}) == [1.0]
    # the best path missing from the N-best gets the top score, as in build_alternatives
    confidences = nbest_word_confidences(words_of("and so my"), {"and so me": -1.0})
    assert confidences == pytest.approx([1.0, 1.0, 0.5])
