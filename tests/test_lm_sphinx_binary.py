"""The pocketsphinx binary trie reader, checked against pocketsphinx's own probabilities."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pocketsphinx
import pytest

from voxtune.engine.bundle import base_model_dir
from voxtune.errors import ModelError
from voxtune.lm import NGramModel, read_binary

LOG10_PER_UNIT = math.log10(1.0001)
TOLERANCE = 1.5 * LOG10_PER_UNIT  # pocketsphinx rounds its scores to whole units


@pytest.fixture(scope="module")
def base_lm_path() -> Path:
    return base_model_dir() / "en-us.lm.bin"


@pytest.fixture(scope="module")
def base_lm(base_lm_path: Path) -> NGramModel:
    return read_binary(base_lm_path)


def pocketsphinx_logprob(model: pocketsphinx.NGramModel, gram: list[str]) -> float:
    # NGramModel.prob takes the predicted word first, then the history backwards
    return float(model.prob(gram[::-1])) * LOG10_PER_UNIT


@pytest.mark.slow
def test_base_lm_shape(base_lm: NGramModel) -> None:
    # the header claims 2,051,547 bigrams; 2,051,541 are stored (pocketsphinx issue #502)
    assert base_lm.counts == (72547, 2051541, 1669625)
    assert "<s>" in base_lm.words and "</s>" in base_lm.words
    assert len(base_lm.vocabulary()) == 72545


@pytest.mark.slow
def test_matches_pocketsphinx_on_random_ngrams(base_lm: NGramModel, base_lm_path: Path) -> None:
    """Stored n-grams of every order, random word triples (deep backoff) and stored bigrams
    followed by a random word (one level of backoff)."""
    theirs = pocketsphinx.NGramModel.readfile(str(base_lm_path))
    rng = np.random.default_rng(0)
    grams: list[list[str]] = []
    for order in (1, 2, 3):
        rows = base_lm.ngram_words(order)
        grams += [list(row) for row in rows[rng.choice(len(rows), 1500, replace=False)]]
    size = len(base_lm.words)
    grams += [list(row) for row in rng.integers(0, size, (1500, 3))]
    bigrams = base_lm.ngram_words(2)
    picked = bigrams[rng.choice(len(bigrams), 1500)]
    grams += [
        [*row, int(w)] for row, w in zip(picked.tolist(), rng.integers(0, size, 1500), strict=True)
    ]
    mismatches = []
    for ids in grams:
        words = [base_lm.words[i] for i in ids]
        if words[-1] == "<s>":
            continue
        ours = base_lm.logprob(words[-1], words[:-1])
        expected = pocketsphinx_logprob(theirs, words)
        if abs(ours - expected) > TOLERANCE:
            mismatches.append((words, ours, expected))
    assert not mismatches, mismatches[:5]
    assert len(grams) == 7500


def test_not_a_binary_lm(tmp_path: Path) -> None:
    path = tmp_path / "fake.lm.bin"
    path.write_bytes(b"Darpa Trigram LM\0" + bytes(100))
    with pytest.raises(ModelError, match="Trie Language Model"):
        read_binary(path)
    truncated = tmp_path / "truncated.lm.bin"
    truncated.write_bytes((base_model_dir() / "en-us.lm.bin").read_bytes()[:5000])
    with pytest.raises(ModelError):
        read_binary(truncated)
    with pytest.raises(ModelError):
        read_binary(tmp_path / "missing.lm.bin")
