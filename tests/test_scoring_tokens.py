"""Token figures on display text: tokenization, the error rate and each edit's category."""

from __future__ import annotations

import pytest

from voxtune.scoring import align
from voxtune.scoring.tokens import (
    azure_token_properties,
    display_tokens,
    edit_counts,
    score_tokens,
    score_tokens_utterance,
)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Hello, Dr. Smith.", ["Hello", ",", "Dr", ".", "Smith", "."]),
        ("I don't know; it's 3.5 km at 10:30!", ["I", "don't", "know", ";", "it's", "3.5", "km",
                                                 "at", "10:30", "!"]),
        ("$25 + e-mail", ["$", "25", "+", "e-mail"]),
        ("  ", []),
    ],
)
def test_display_tokens(text: str, tokens: list[str]) -> None:
    assert display_tokens(text) == tokens


@pytest.mark.parametrize(
    ("reference", "hypothesis", "category", "edits"),
    [
        ("the cat sat", "the Cat sat", "capitalization", 1),
        ("C Z EIGHT", "c z eight", "capitalization", 3),
        ("Yes, go.", "Yes go", "punctuation", 2),
        ("it's fine", "its fine", "punctuation", 1),
        ("I have 5 pencils", "I have five pencils", "inverseTextNormalization", 1),
        ("twenty five", "25", "inverseTextNormalization", 2),
        ("the cat", "the dog", "lexical", 1),
        ("a + b", "a b", "others", 1),
    ],
)
def test_each_edit_gets_its_category(
    reference: str, hypothesis: str, category: str, edits: int
) -> None:
    scored = score_tokens_utterance("u", reference, hypothesis)
    counts = edit_counts(scored)
    assert counts[category] == edits == scored.errors
    assert sum(counts.values()) == edits


def test_punctuation_is_paired_with_punctuation_and_words_with_words() -> None:
    scored = score_tokens_utterance("u", "Hello, Dr. Smith.", "hello doctor smith")
    assert edit_counts(scored) == {
        "punctuation": 3,  # , . . deleted
        "capitalization": 2,  # Hello, Smith
        "inverseTextNormalization": 0,
        "lexical": 1,  # Dr -> doctor (abbreviations are not expanded: a different word)
        "others": 0,
    }


def test_the_token_edit_count_is_the_minimum_edit_distance() -> None:
    pairs = [("A b, c. D e", "a x c d"), ("one two three.", "One, two; three"), ("", "a b")]
    for reference, hypothesis in pairs:
        scored = score_tokens_utterance("u", reference, hypothesis)
        plain = align(display_tokens(reference), display_tokens(hypothesis))
        assert scored.errors == plain.errors


def test_azure_token_properties_fill_every_token_field() -> None:
    scores = score_tokens([("a", "I have 5 pencils.", "i have five pencils"), ("b", "Go.", "go")])
    properties = azure_token_properties(scores, "2")
    assert properties["tokenCount2"] == 7
    assert properties["correctTokenCount2"] == 2  # have, pencils
    assert properties["tokenSubstitutionCount2"] == 3  # I, 5, Go
    assert properties["tokenDeletionCount2"] == 2  # the two periods
    assert properties["tokenInsertionCount2"] == 0
    assert properties["tokenErrorRate2"] == round(5 / 7, 6)
    assert properties["tokenErrors2"] == {
        "punctuation": {"numberOfEdits": 2, "percentageOfAllEdits": 40.0},
        "capitalization": {"numberOfEdits": 2, "percentageOfAllEdits": 40.0},
        "inverseTextNormalization": {"numberOfEdits": 1, "percentageOfAllEdits": 20.0},
        "lexical": {"numberOfEdits": 0, "percentageOfAllEdits": 0.0},
        "others": {"numberOfEdits": 0, "percentageOfAllEdits": 0.0},
    }


def test_an_empty_corpus_has_zero_rates() -> None:
    properties = azure_token_properties(score_tokens([]), "1")
    assert properties["tokenErrorRate1"] == 0.0 and properties["tokenCount1"] == 0
