"""Interpolation: exact mixture on explicit n-grams, normalization, and the real general LM."""

from __future__ import annotations

import time

import numpy as np
import pytest

from test_lm_kneser_ney import all_contexts, distribution_sum
from voxtune.engine.bundle import base_model_dir
from voxtune.errors import TrainingError
from voxtune.lm import NGramModel, estimate, interpolate, read_binary

DOMAIN = [s.split() for s in ["enter one two", "erase one", "enter three four", "go", "yes no"]]
GENERAL = [
    s.split()
    for s in ["the cat sat on the mat", "one cat", "two dogs sat", "enter the room", "go home"]
]


def probability(model: NGramModel, word: str, history: tuple[str, ...]) -> float:
    if word not in model.word_ids:
        return 0.0
    logprob = model.logprob(word, history)
    return 0.0 if logprob <= -99 else float(10**logprob)


def history_probability(model: NGramModel, history: tuple[str, ...]) -> float:
    """P(history words) under `model`, one word at a time (<s> first is certain)."""
    total = 1.0
    for position, word in enumerate(history):
        if position == 0 and word == "<s>":
            continue
        total *= probability(model, word, history[:position])
    return total


def posterior_share(
    domain: NGramModel, general: NGramModel, weight: float, history: tuple[str, ...]
) -> float:
    in_domain = weight * history_probability(domain, history)
    in_general = (1 - weight) * history_probability(general, history)
    if in_domain + in_general == 0:  # neither model can produce the history: the prior
        return weight
    return in_domain / (in_domain + in_general)


@pytest.mark.parametrize("order", [(2, 3), (3, 3), (3, 2), (4, 3)])
@pytest.mark.parametrize("constant", [False, True])
def test_every_context_sums_to_one(order: tuple[int, int], constant: bool) -> None:
    domain = estimate(DOMAIN, order[0])
    general = estimate(GENERAL, order[1])
    mixed = interpolate(domain, general, 0.7, constant=constant)
    assert set(mixed.words) == set(domain.words) | set(general.words)
    for history in [*all_contexts(mixed), ("nothing",), ("the", "one")]:
        # a context whose explicit words take all the mass keeps a 1e-10 backoff floor
        assert distribution_sum(mixed, history) == pytest.approx(1.0, abs=1e-9), history


@pytest.mark.parametrize("constant", [False, True])
def test_explicit_ngrams_are_the_weighted_sum(constant: bool) -> None:
    domain = estimate(DOMAIN)
    general = estimate(GENERAL)
    weight = 0.8
    mixed = interpolate(domain, general, weight, constant=constant)
    for order in (2, 3):
        for row in mixed.ngram_words(order).tolist():
            gram = tuple(mixed.words[i] for i in row)
            history, word = gram[:-1], gram[-1]
            share = weight if constant else posterior_share(domain, general, weight, history)
            expected = share * probability(domain, word, history) + (1 - share) * probability(
                general, word, history
            )
            assert 10 ** mixed.logprob(word, history) == pytest.approx(expected, rel=1e-9), gram


def test_posterior_share_follows_the_history() -> None:
    domain = estimate(DOMAIN)
    general = estimate(GENERAL)
    assert posterior_share(domain, general, 0.9, ("<s>",)) == pytest.approx(0.9)
    assert posterior_share(domain, general, 0.9, ("erase",)) > 0.99  # a domain-only word
    assert posterior_share(domain, general, 0.9, ("cat",)) == 0.0  # a general-only word
    mixed = interpolate(domain, general, 0.9)
    # after "one cat" the general model's distribution is kept
    assert mixed.logprob("sat", ["one", "cat"]) == pytest.approx(
        general.logprob("sat", ["one", "cat"])
    )
    # the domain's words are completed after the words it continues
    assert 10 ** mixed.logprob("four", ["erase"]) > 0.9 * probability(domain, "four", ("erase",))


def test_weight_extremes_and_errors() -> None:
    domain = estimate(DOMAIN)
    general = estimate(GENERAL)
    assert interpolate(domain, general, 1.0) is domain
    assert interpolate(domain, general, 0.0) is general
    for weight in (-0.1, 1.5):
        with pytest.raises(TrainingError):
            interpolate(domain, general, weight)


@pytest.mark.slow
def test_with_the_bundled_general_lm() -> None:
    """The whole base LM mixes in seconds and every context still sums to one."""
    general = read_binary(base_model_dir() / "en-us.lm.bin")
    domain = estimate([*DOMAIN, ["c", "z", "d"], ["enter", "c", "z"]])
    start = time.process_time()
    mixed = interpolate(domain, general, 0.9)
    assert time.process_time() - start < 60
    assert mixed.counts[0] == len(set(general.words) | set(domain.words))
    assert mixed.counts[1] >= general.counts[1]
    rng = np.random.default_rng(0)
    trigrams = mixed.ngram_words(3)
    histories = [
        tuple(mixed.words[i] for i in row[:2]) for row in trigrams[rng.choice(len(trigrams), 4)]
    ]
    for history in [("<s>",), ("enter",), ("c", "z"), ("of", "the"), *histories]:
        assert distribution_sum(mixed, history) == pytest.approx(1.0, abs=1e-6), history
    share = posterior_share(domain, general, 0.9, ("enter",))
    assert 10 ** mixed.logprob("one", ["enter"]) == pytest.approx(
        share * probability(domain, "one", ("enter",))
        + (1 - share) * probability(general, "one", ("enter",)),
        rel=1e-9,
    )
