"""Interpolation: exact mixture on explicit n-grams, normalization, and the real general LM."""

from __future__ import annotations

import time

import numpy as np
import pytest

from test_lm_kneser_ney import all_contexts, distribution_sum
from voxtune.engine.bundle import base_model_dir
from voxtune.errors import TrainingError
from voxtune.lm import NGramModel, estimate, interpolate, read_binary
from voxtune.lm.interpolate import domain_shares

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


@pytest.mark.parametrize("order", [(2, 3), (3, 3), (3, 2), (4, 3)])
@pytest.mark.parametrize("context_dependent", [False, True])
def test_every_context_sums_to_one(order: tuple[int, int], context_dependent: bool) -> None:
    domain = estimate(DOMAIN, order[0])
    general = estimate(GENERAL, order[1])
    mixed = interpolate(domain, general, 0.7, context_dependent=context_dependent)
    assert set(mixed.words) == set(domain.words) | set(general.words)
    for history in [*all_contexts(mixed), ("nothing",), ("the", "one")]:
        assert distribution_sum(mixed, history) == pytest.approx(1.0, abs=1e-12), history


@pytest.mark.parametrize("context_dependent", [False, True])
def test_explicit_ngrams_are_the_weighted_sum(context_dependent: bool) -> None:
    domain = estimate(DOMAIN)
    general = estimate(GENERAL)
    weight = 0.8
    mixed = interpolate(domain, general, weight, context_dependent=context_dependent)
    for order in (2, 3):
        for row in mixed.ngram_words(order).tolist():
            gram = tuple(mixed.words[i] for i in row)
            history, word = gram[:-1], gram[-1]
            share = weight
            if context_dependent:
                share *= domain_shares(domain, [history[-1]])[0]
            expected = share * probability(domain, word, history) + (1 - share) * probability(
                general, word, history
            )
            assert 10 ** mixed.logprob(word, history) == pytest.approx(expected, rel=1e-9), gram


def test_context_dependent_share_follows_the_domain_text() -> None:
    domain = estimate(DOMAIN)
    general = estimate(GENERAL)
    shares = domain_shares(domain, ["<s>", "enter", "four", "cat", "unknown"])
    # the domain text continues <s>, "enter" and "four" (with </s>); never "cat"
    assert shares.tolist() == [1.0, 1.0, 1.0, 0.0, 0.0]
    mixed = interpolate(domain, general, 0.9, context_dependent=True)
    # after "cat" (general only) the general model's distribution is kept
    assert mixed.logprob("sat", ["one", "cat"]) == pytest.approx(
        general.logprob("sat", ["one", "cat"])
    )


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
    assert 10 ** mixed.logprob("one", ["enter"]) == pytest.approx(
        0.9 * probability(domain, "one", ("enter",))
        + 0.1 * probability(general, "one", ("enter",)),
        rel=1e-9,
    )
