"""Error analysis: most frequent substitutions, deletions and insertions."""

from __future__ import annotations

import pytest

from voxtune.errors import InvalidInputError
from voxtune.scoring import SubstitutionCount, WordCount, error_analysis, score

PAIRS = [
    ("1", "enter six two four", "enter six to four"),
    ("2", "go two", "go to"),
    ("3", "erase f i five", "erase s i five"),
    ("4", "rubout f", "rubout s"),
    ("5", "oh six nine", "six nine"),
    ("6", "oh two", "two"),
    ("7", "stop", "stop stop"),
    ("8", "yes", "yes uh"),
    ("9", "no", "no uh"),
    ("10", "p i t t", "b e t t"),  # a two-word substitution chunk
]


def test_error_analysis_counts_and_orders_errors() -> None:
    analysis = error_analysis(score(PAIRS))
    assert analysis.substitutions == (
        SubstitutionCount("f", "s", 2),
        SubstitutionCount("two", "to", 2),
        SubstitutionCount("i", "e", 1),  # ties: alphabetical by reference, then hypothesis
        SubstitutionCount("p", "b", 1),
    )
    assert analysis.deletions == (WordCount("oh", 2),)
    assert analysis.insertions == (WordCount("uh", 2), WordCount("stop", 1))


def test_multi_word_substitution_chunks_are_split_word_by_word() -> None:
    scores = score([("x", "p i t t", "b e t t")])
    assert scores.utterances[0].alignment.chunks[0].ref_end == 2  # one chunk of two words
    analysis = error_analysis(scores)
    assert analysis.substitutions == (
        SubstitutionCount("i", "e", 1),
        SubstitutionCount("p", "b", 1),
    )


def test_top_limits_each_list() -> None:
    analysis = error_analysis(score(PAIRS), top=1)
    assert analysis.substitutions == (SubstitutionCount("f", "s", 2),)
    assert analysis.insertions == (WordCount("uh", 2),)
    assert error_analysis(score(PAIRS), top=0).deletions == ()


def test_top_none_lists_everything() -> None:
    assert len(error_analysis(score(PAIRS), top=None).substitutions) == 4


def test_negative_top_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        error_analysis(score(PAIRS), top=-1)


def test_counts_add_up_to_the_corpus_totals() -> None:
    scores = score(PAIRS)
    analysis = error_analysis(scores, top=None)
    assert sum(s.count for s in analysis.substitutions) == scores.substitution_count
    assert sum(w.count for w in analysis.deletions) == scores.deletion_count
    assert sum(w.count for w in analysis.insertions) == scores.insertion_count
