"""Edge case: empty references and hypotheses (silence, or text that normalizes to nothing)."""

from __future__ import annotations

import jiwer
import pytest

from voxtune.scoring import (
    EditOp,
    align,
    azure_evaluation_properties,
    error_analysis,
    render_alignment,
    score,
    score_utterance,
)


def test_empty_reference_with_hypothesis_is_all_insertions() -> None:
    alignment = align([], ["uh", "hello"])
    assert (alignment.hits, alignment.substitutions, alignment.deletions) == (0, 0, 0)
    assert alignment.insertions == 2
    assert [word.op for word in alignment.words()] == [EditOp.INSERT, EditOp.INSERT]


def test_empty_hypothesis_is_all_deletions() -> None:
    alignment = align(["hello", "world"], [])
    assert (alignment.hits, alignment.substitutions, alignment.insertions) == (0, 0, 0)
    assert alignment.deletions == 2


def test_both_empty_is_no_error() -> None:
    alignment = align([], [])
    assert alignment.errors == 0
    assert alignment.chunks == ()


def test_utterance_with_empty_reference_does_not_raise() -> None:
    utterance = score_utterance("silence", "", "uh hello")
    assert utterance.reference_word_count == 0
    assert utterance.wer == 2.0  # insertions over max(N, 1), as jiwer reports for N = 0
    assert utterance.sentence_error
    assert utterance.wer == jiwer.wer("", "uh hello")


def test_silence_recognized_as_silence_scores_zero() -> None:
    utterance = score_utterance("silence", "[noise] <sil>", "<sil>")
    assert utterance.wer == 0.0
    assert not utterance.sentence_error


def test_empty_hypothesis_has_wer_one() -> None:
    utterance = score_utterance("missed", "hello world", "")
    assert utterance.wer == 1.0
    assert utterance.deletions == 2


def test_corpus_of_empty_references_has_a_finite_wer() -> None:
    scores = score([("a", "", "x y"), ("b", "", "")])
    assert scores.word_count == 0
    assert scores.wer == 2.0
    assert scores.ser == 0.5
    assert azure_evaluation_properties(scores, "1")["wordErrorRate1"] == 2.0


def test_empty_reference_among_others_counts_its_insertions() -> None:
    scores = score([("a", "", "x"), ("b", "a b", "a b")])
    assert scores.wer == pytest.approx(jiwer.wer(["", "a b"], ["x", "a b"])) == 0.5


def test_empty_corpus() -> None:
    scores = score([])
    assert (scores.sentence_count, scores.word_count, scores.wer, scores.ser) == (0, 0, 0.0, 0.0)
    analysis = error_analysis(scores)
    assert analysis.substitutions == ()
    assert analysis.deletions == ()
    assert analysis.insertions == ()


def test_render_of_empty_texts() -> None:
    assert render_alignment(score_utterance("e", "", "")) == (
        "e: N=0 S=0 D=0 I=0 WER=0.00%\nREF:\nHYP:"
    )
    assert render_alignment(score_utterance("e", "", "uh")) == (
        "e: N=0 S=0 D=0 I=1 WER=100.00%\nREF: ***\nHYP: uh\n     I"
    )
