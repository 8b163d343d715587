"""Human-readable alignments."""

from __future__ import annotations

import pytest

from voxtune.errors import InvalidInputError
from voxtune.scoring import render_alignment, score_utterance


def test_render_marks_each_error_under_its_column() -> None:
    utterance = score_utterance("utt7", "the cat sat on mat", "the bat a sat mat")
    assert render_alignment(utterance) == (
        "utt7: N=5 S=1 D=1 I=1 WER=60.00%\n"
        "REF: the *** cat sat on  mat\n"
        "HYP: the bat a   sat *** mat\n"
        "         I   S       D"
    )


def test_render_of_a_correct_utterance_has_no_marks() -> None:
    rendered = render_alignment(score_utterance("ok", "Hello, World!", "hello world"))
    assert rendered == "ok: N=2 S=0 D=0 I=0 WER=0.00%\nREF: hello world\nHYP: hello world"


def test_columns_are_as_wide_as_the_longer_word() -> None:
    rendered = render_alignment(score_utterance("w", "a pittsburgh b", "a pit b"))
    assert rendered.splitlines()[1:] == [
        "REF: a pittsburgh b",
        "HYP: a pit        b",
        "       S",
    ]


def test_line_width_wraps_into_blocks() -> None:
    utterance = score_utterance("long", "one two three four five six", "one two tree four five")
    rendered = render_alignment(utterance, line_width=20)
    assert rendered == (
        "long: N=6 S=1 D=1 I=0 WER=33.33%\n"
        "REF: one two three\n"
        "HYP: one two tree\n"
        "             S\n"
        "\n"
        "REF: four five six\n"
        "HYP: four five ***\n"
        "               D"
    )
    assert all(len(line) <= 20 for line in rendered.splitlines()[1:])


def test_too_small_a_line_width_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        render_alignment(score_utterance("x", "a", "b"), line_width=5)
