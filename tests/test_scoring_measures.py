"""Utterance and corpus scores, Azure evaluation properties and the per-utterance JSON."""

from __future__ import annotations

import json
import random
import time
import zipfile
from pathlib import Path

import jiwer
import pytest

from voxtune.scoring import (
    CorpusScores,
    azure_evaluation_properties,
    error_rate,
    score,
    score_utterance,
)
from voxtune.text import normalize_lexical

# AN4-like pairs: (id, reference as transcribed, hypothesis as a recognizer might return it)
AN4_PAIRS = [
    ("cen7-fash-b", "TWO SIX EIGHT FOUR FOUR ONE EIGHT", "two six eight four one eight"),
    (
        "an131-fkdo-b",
        "RUBOUT W L F X Y SEVEN OH SIX NINE",
        "rubout w l s x y seven zero six nine nine",
    ),
    ("an251-fash-b", "YES", "yes"),
    ("cen5-fash-b", "P I T T S B U R G H", "pittsburgh"),
    ("an253-fash-b", "GO", ""),
    ("an330-ftal-b", "ENTER TWO SIX", "enter 26"),
]
# Counted by hand: (N, hits, substitutions, deletions, insertions)
AN4_COUNTS = {
    "cen7-fash-b": (7, 6, 0, 1, 0),
    "an131-fkdo-b": (10, 8, 2, 0, 1),  # f -> s, oh -> zero, + nine
    "an251-fash-b": (1, 1, 0, 0, 0),
    "cen5-fash-b": (10, 0, 1, 9, 0),  # ten letters against one word
    "an253-fash-b": (1, 0, 0, 1, 0),
    "an330-ftal-b": (3, 2, 1, 0, 0),  # "26" is read "twenty six": two -> twenty
}


def test_utterance_counts_on_an4_pairs() -> None:
    scores = score(AN4_PAIRS)
    for utterance in scores.utterances:
        counts = (
            utterance.reference_word_count,
            utterance.hits,
            utterance.substitutions,
            utterance.deletions,
            utterance.insertions,
        )
        assert counts == AN4_COUNTS[utterance.id], utterance.id


def test_corpus_totals_on_an4_pairs() -> None:
    scores = score(AN4_PAIRS)
    assert scores.sentence_count == 6
    assert scores.word_count == 32
    assert scores.correct_word_count == 17
    assert scores.substitution_count == 4
    assert scores.deletion_count == 11
    assert scores.insertion_count == 1
    assert scores.error_count == 16
    assert scores.wer == 0.5
    assert scores.sentence_error_count == 5
    assert scores.ser == pytest.approx(5 / 6)


def test_corpus_wer_is_not_the_mean_of_utterance_wers() -> None:
    scores = score([("long", "a b c d e f g h i j", "a b c d e f g h i j"), ("short", "a", "b")])
    assert scores.wer == pytest.approx(1 / 11)
    assert [u.wer for u in scores.utterances] == [0.0, 1.0]


def test_corpus_wer_equals_jiwer_on_the_normalized_corpus() -> None:
    scores = score(AN4_PAIRS)
    references = [normalize_lexical(ref) for _, ref, _ in AN4_PAIRS]
    hypotheses = [normalize_lexical(hyp) for _, _, hyp in AN4_PAIRS]
    assert scores.wer == pytest.approx(jiwer.wer(references, hypotheses))


def _an4_pairs(archive: Path) -> list[tuple[str, str, str]]:
    with zipfile.ZipFile(archive) as zipped:
        lines = zipped.read("trans.txt").decode("utf-8-sig").splitlines()
    rng = random.Random(11)
    pairs = []
    for line in filter(str.strip, lines):
        name, text = line.split("\t", 1)
        words = text.split()
        # a deterministic "recognizer": drop one word in three utterances, swap one in three
        if words and rng.random() < 0.33:
            words.pop(rng.randrange(len(words)))
        elif words and rng.random() < 0.5:
            words[rng.randrange(len(words))] = "OH"
        pairs.append((name, text, " ".join(words)))
    return pairs


def test_wer_and_counts_equal_jiwer_on_an4_dev(an4_dev_zip: Path) -> None:
    pairs = _an4_pairs(an4_dev_zip)
    scores = score(pairs)
    references = [normalize_lexical(ref) for _, ref, _ in pairs]
    hypotheses = [normalize_lexical(hyp) for _, _, hyp in pairs]
    out = jiwer.process_words(references, hypotheses)
    assert scores.sentence_count == len(pairs) == 113
    assert scores.correct_word_count == out.hits
    assert scores.substitution_count == out.substitutions
    assert scores.deletion_count == out.deletions
    assert scores.insertion_count == out.insertions
    assert scores.wer == pytest.approx(out.wer)
    assert 0 < scores.wer < 0.5


def test_both_texts_are_normalized_before_alignment() -> None:
    utterance = score_utterance(
        "u1", "I paid $3.50 on the 21st.", "i paid three dollars fifty cents on the twenty first"
    )
    assert utterance.errors == 0
    assert utterance.reference == "I paid $3.50 on the 21st."  # the texts are kept as given
    assert not utterance.sentence_error


def test_locale_is_passed_to_normalization() -> None:
    assert score_utterance("u", "5 ans", "cinq ans", locale="fr-FR").substitutions == 1
    assert score_utterance("u", "5 cats", "five cats", locale="en-US").errors == 0


def test_error_rate_counts_an_empty_reference_as_one_word() -> None:
    assert error_rate(0, 0) == 0.0
    assert error_rate(3, 0) == 3.0
    assert error_rate(1, 4) == 0.25


def test_corpus_totals_are_derived_never_passed_in() -> None:
    utterances = score(AN4_PAIRS).utterances
    rebuilt = CorpusScores(utterances[:2])
    assert rebuilt.sentence_count == 2
    assert rebuilt.word_count == 17
    with pytest.raises(TypeError):
        CorpusScores(utterances, word_count=5)  # type: ignore[call-arg]


def test_azure_evaluation_properties() -> None:
    properties = azure_evaluation_properties(score(AN4_PAIRS), "1")
    assert properties == {
        "wordErrorRate1": 0.5,
        "sentenceErrorRate1": 0.833333,  # 5/6 rounded to 6 decimals
        "sentenceCount1": 6,
        "wordCount1": 32,
        "correctWordCount1": 17,
        "wordSubstitutionCount1": 4,
        "wordDeletionCount1": 11,
        "wordInsertionCount1": 1,
    }
    assert all(isinstance(properties[f"{name}1"], int) for name in ("sentenceCount", "wordCount"))


def test_azure_properties_of_model2_and_of_an_empty_corpus() -> None:
    properties = azure_evaluation_properties(score([]), "2")
    assert properties["wordErrorRate2"] == 0.0
    assert properties["sentenceErrorRate2"] == 0.0
    assert properties["sentenceCount2"] == 0
    assert set(properties) == {
        "wordErrorRate2", "sentenceErrorRate2", "sentenceCount2", "wordCount2",
        "correctWordCount2", "wordSubstitutionCount2", "wordDeletionCount2", "wordInsertionCount2",
    }  # fmt: skip


def test_to_json_is_a_json_document_of_the_utterance() -> None:
    utterance = score_utterance("an131", "RUBOUT W L F", "rubout w s l")
    document = utterance.to_json()
    assert json.loads(json.dumps(document)) == document
    assert document == {
        "id": "an131",
        "reference": "RUBOUT W L F",
        "hypothesis": "rubout w s l",
        "referenceTokens": ["rubout", "w", "l", "f"],
        "hypothesisTokens": ["rubout", "w", "s", "l"],
        "ops": [
            {"op": "equal", "ref": "rubout", "hyp": "rubout"},
            {"op": "equal", "ref": "w", "hyp": "w"},
            {"op": "insert", "ref": None, "hyp": "s"},
            {"op": "equal", "ref": "l", "hyp": "l"},
            {"op": "delete", "ref": "f", "hyp": None},
        ],
        "counts": {
            "referenceWords": 4,
            "hits": 3,
            "substitutions": 0,
            "deletions": 1,
            "insertions": 1,
        },
        "wordErrorRate": 0.5,
        "sentenceError": True,
    }


def test_scoring_ten_thousand_utterances_is_quick() -> None:
    rng = random.Random(3)
    vocabulary = ["the", "cat", "sat", "on", "a", "mat", "five", "$5", "21st", "don't"]
    pairs = [
        (f"u{i}", " ".join(rng.choices(vocabulary, k=20)), " ".join(rng.choices(vocabulary, k=20)))
        for i in range(10_000)
    ]
    started = time.perf_counter()
    scores = score(pairs)
    elapsed = time.perf_counter() - started
    assert scores.sentence_count == 10_000
    assert elapsed < 30, f"10k utterances took {elapsed:.1f} s"
