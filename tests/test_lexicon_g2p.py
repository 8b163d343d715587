"""G2P: the shipped joint-sequence model on held-out cmudict words, and its training code."""

from __future__ import annotations

import gzip
import math
import time
from pathlib import Path

import pytest

from voxtune.engine.bundle import base_bundle
from voxtune.errors import ModelError
from voxtune.lexicon import JointSequenceG2P, LetterRuleG2P, Lexicon, PhoneSet, read_phone_set
from voxtune.lexicon._ngram import BOS, EOS, estimate, read_model, write_model
from voxtune.lexicon.g2p import G2P_MODEL_PATH, default_g2p
from voxtune.lexicon.g2p_train import (
    evaluate,
    held_out_words,
    is_held_out,
    train,
    training_pairs,
)


@pytest.fixture(scope="module")
def base() -> Lexicon:
    return Lexicon.load(base_bundle().dictionary_path)


@pytest.fixture(scope="module")
def phone_set() -> PhoneSet:
    return read_phone_set(base_bundle().acoustic_model_dir)


@pytest.fixture(scope="module")
def held_out(base: Lexicon) -> list[str]:
    return held_out_words(base)


def test_held_out_split_is_about_2000_words(held_out: list[str]) -> None:
    assert 1_800 <= len(held_out) <= 2_200
    assert held_out == sorted(held_out)  # stable order: the same sample every run


def test_shipped_model_was_not_trained_on_held_out_words(base: Lexicon) -> None:
    assert not any(is_held_out(word) for word, _ in training_pairs(base))


def test_model_on_held_out_words(base: Lexicon, held_out: list[str]) -> None:
    sample = held_out[::8]  # ~250 words, ~3 s; the full set is measured in the report
    score = evaluate(default_g2p(), base, sample)
    baseline = evaluate(LetterRuleG2P(), base, sample)
    # Full held-out set when trained: word accuracy 0.73, phone error rate 0.064.
    assert score.word_accuracy >= 0.65, score
    assert score.phone_error_rate <= 0.09, score
    assert baseline.word_accuracy < 0.1 < score.word_accuracy - baseline.word_accuracy


def test_predictions_use_only_model_phones(held_out: list[str], phone_set: PhoneSet) -> None:
    g2p = default_g2p()
    for word in [*held_out[::20], "voxtune", "pocketsphinx", "o'brien's", "zzz", "q"]:
        phones = g2p.predict(word)
        assert phones, word
        assert phone_set.unknown(phones) == (), word


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("voxtune", ("V", "AA", "K", "S", "T", "UW", "N")),
        ("segosairus", None),  # just deterministic
    ],
)
def test_predictions_are_deterministic(word: str, expected: tuple[str, ...] | None) -> None:
    first = default_g2p().predict(word)
    again = JointSequenceG2P.load().predict(word)
    assert first == again
    if expected is not None:
        assert first == expected


@pytest.mark.parametrize("word", ["", "Hello", "naïve", "3cpo", "e-mail", "'"])
def test_predict_refuses_what_it_cannot_read(word: str) -> None:
    with pytest.raises(ValueError):
        default_g2p().predict(word)


def test_model_loads_quickly() -> None:
    started = time.perf_counter()
    JointSequenceG2P.load()
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"loading took {elapsed:.2f} s"  # ~0.3 s; slack for busy machines


def test_corrupt_model_is_a_model_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.gz"
    path.write_bytes(gzip.compress(b"not a model"))
    with pytest.raises(ModelError):
        JointSequenceG2P.load(path)
    with pytest.raises(ModelError):
        JointSequenceG2P.load(tmp_path / "missing.gz")


def test_training_is_deterministic_and_learns(base: Lexicon, tmp_path: Path) -> None:
    pairs = training_pairs(base)[::100]  # ~1,300 pronunciations: a few seconds
    paths = []
    for name in ("a", "b"):
        model, units = train(pairs, order=3, iterations=2)
        path = tmp_path / f"{name}.gz"
        write_model(model, units, path)
        paths.append(path)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    small = JointSequenceG2P.load(paths[0])
    assert small.predict("cat") == ("K", "AE", "T")


def test_kneser_ney_distributions_sum_to_one() -> None:
    sequences = [[2, 3, 4], [2, 3, 5], [3, 4, 4, 2], [5, 5, 3], [2, 4]]
    model = estimate(sequences, order=3, min_count=[1, 1, 2])
    tokens = [EOS, 2, 3, 4, 5]
    for history in [(), (BOS,), (2,), (BOS, 2), (2, 3), (4, 4), (5, 5)]:
        total = sum(math.exp(model.score(history, t)) for t in tokens)
        assert total == pytest.approx(1.0, abs=1e-6), history


def test_shipped_model_file_is_the_packed_format() -> None:
    model = read_model(G2P_MODEL_PATH)
    assert model.units[:2] == ("<s>", "</s>")
    assert all(":" in unit for unit in model.units[2:])
    assert model.base**model.order < 2**63
