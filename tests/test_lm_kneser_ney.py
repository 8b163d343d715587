"""Modified Kneser-Ney: against an independent brute-force implementation, and normalization."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import pytest

from voxtune.errors import TrainingError
from voxtune.lm import BOS, EOS, UNK, NGramModel, estimate, kneser_ney
from voxtune.lm.kneser_ney import DEFAULT_DISCOUNTS, discounts

TOY = ["a b c a b", "b c a", "a b a b c d", "c c c", "d a b c", "a", "b d", "a b c d e f g"]


def brute_force_kn(
    sentences: Sequence[Sequence[str]], order: int, extra: Sequence[str] = ()
) -> tuple[Callable[[str, tuple[str, ...]], float], list[str]]:
    """Chen & Goodman's interpolated modified Kneser-Ney, straight from the formulas, with
    dictionaries and recursion (no shared code with the implementation)."""
    counts: dict[int, Counter[tuple[str, ...]]] = {n: Counter() for n in range(1, order + 1)}
    vocabulary = {BOS, EOS, UNK, *extra}
    for sentence in sentences:
        tokens = [BOS, *sentence, EOS]
        vocabulary.update(sentence)
        for n in range(1, order + 1):
            for start in range(len(tokens) - n + 1):
                counts[n][tuple(tokens[start : start + n])] += 1
    adjusted: dict[int, dict[tuple[str, ...], int]] = {}
    for n in range(1, order + 1):
        if n == order:
            adjusted[n] = dict(counts[n])
        else:
            adjusted[n] = {
                gram: count if gram[0] == BOS else sum(1 for g in counts[n + 1] if g[1:] == gram)
                for gram, count in counts[n].items()
            }
        adjusted[n].pop((BOS,), None)
    discount: dict[int, list[float]] = {}
    for n in range(1, order + 1):
        t = [sum(1 for a in adjusted[n].values() if a == k) for k in range(1, 5)]
        y = t[0] / (t[0] + 2 * t[1]) if t[0] + 2 * t[1] else 0.0
        values = []
        for k in (1, 2, 3):
            value = k - (k + 1) * y * t[k] / t[k - 1] if t[k - 1] and t[k] and y else -1.0
            values.append(value if 0 < value < k else DEFAULT_DISCOUNTS[k - 1])
        discount[n] = values
    size = len(vocabulary) - 1  # <s> is never predicted

    def d(n: int, count: int) -> float:
        return 0.0 if count == 0 else discount[n][min(count, 3) - 1]

    def prob(word: str, history: tuple[str, ...]) -> float:
        if word == BOS:
            return 0.0
        n = len(history) + 1
        context = {g: a for g, a in adjusted[n].items() if g[:-1] == history}
        total = sum(context.values())
        if total == 0:
            return prob(word, history[1:])
        count = context.get((*history, word), 0)
        pseudo = (count - d(n, count)) / total if count else 0.0
        gamma = sum(d(n, a) for a in context.values()) / total
        lower = 1.0 / size if n == 1 else prob(word, history[1:])
        return pseudo + gamma * lower

    return prob, sorted(vocabulary)


def distribution_sum(model: NGramModel, history: Sequence[str]) -> float:
    """Sum of p(w | history) over every word of the vocabulary."""
    size = len(model.words)
    width = model.order - 1
    histories = np.full((size, width), -1, np.int64)
    if width and history:
        histories[:, width - len(history) :] = model.ids(history[-width:])
    return float((10.0 ** model.logprob_batch(histories, np.arange(size))).sum())


def all_contexts(model: NGramModel) -> list[tuple[str, ...]]:
    contexts: list[tuple[str, ...]] = [()]
    for order in range(1, model.order):
        for row in model.ngram_words(order).tolist():
            contexts.append(tuple(model.words[i] for i in row))
    return contexts


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_matches_brute_force_on_toy_corpus(order: int) -> None:
    sentences = [s.split() for s in TOY]
    model = estimate(sentences, order, vocabulary_extra=["zz"])
    reference, vocabulary = brute_force_kn(sentences, order, ["zz"])
    assert sorted(model.words) == vocabulary
    histories = [c[-(order - 1) :] if order > 1 else () for c in all_contexts(model)]
    histories += [("zz",), (BOS, "zz"), ("g", "a")][: order - 1 if order > 1 else 0]
    for history in histories:
        for word in vocabulary:
            expected = reference(word, tuple(history))
            actual = 10.0 ** model.logprob(word, history) if word != BOS else 0.0
            assert actual == pytest.approx(expected, abs=1e-12), (history, word)


def test_matches_brute_force_with_estimated_discounts() -> None:
    # a long-tailed corpus where every order's count-of-counts give valid discounts
    rng = np.random.default_rng(3)
    sentences = [[f"w{int(i)}" for i in rng.zipf(2.0, size=rng.integers(1, 9))] for _ in range(150)]
    words, tokens, positions = kneser_ney._tokenize(sentences, ())
    levels = kneser_ney._count(tokens, positions, 3, len(words))
    adjusted = kneser_ney._adjusted_counts(levels, words.index(BOS))
    assert all(discounts(counts[counts > 0]).estimated for counts in adjusted)
    model = estimate(sentences, 3)
    reference, vocabulary = brute_force_kn(sentences, 3)
    for history in [(), ("w1",), (BOS,), ("w1", "w2"), (BOS, "w1"), ("w3", "w1"), ("w9",)]:
        for word in vocabulary:
            expected = reference(word, history)
            actual = 10.0 ** model.logprob(word, history) if word != BOS else 0.0
            assert actual == pytest.approx(expected, abs=1e-12), (history, word)


@pytest.mark.parametrize("order", [2, 3, 5])
def test_every_context_sums_to_one(order: int) -> None:
    sentences = [s.split() for s in TOY] + [[]]
    model = estimate(sentences, order, vocabulary_extra=["unseen"])
    for history in [*all_contexts(model), ("unseen",), ("nothing", "known")]:
        assert distribution_sum(model, history) == pytest.approx(1.0, abs=1e-12), history


def test_discounts_from_count_of_counts() -> None:
    counts = np.array([1] * 10 + [2] * 5 + [3] * 3 + [4] * 2)
    y = 10 / (10 + 2 * 5)
    result = discounts(counts)
    assert result.estimated
    assert result.d1 == pytest.approx(1 - 2 * y * 5 / 10)
    assert result.d2 == pytest.approx(2 - 3 * y * 3 / 5)
    assert result.d3 == pytest.approx(3 - 4 * y * 2 / 3)


def test_discounts_fall_back_on_degenerate_counts() -> None:
    result = discounts(np.array([1, 1, 1]))  # no count of two, three or four
    assert not result.estimated
    assert (result.d1, result.d2, result.d3) == DEFAULT_DISCOUNTS


def test_special_tokens() -> None:
    model = estimate([["hello", "world"]])
    assert model.logprob(BOS) == -99.0
    assert set(model.vocabulary()) == {"hello", "world"}
    assert {BOS, EOS, UNK} <= set(model.words)
    assert model.logprob(UNK) > -99.0  # <unk> keeps the uniform share
    assert model.logprob("world", ["hello"]) > model.logprob("hello", ["hello"])


def test_single_sentence_and_empty_sentences() -> None:
    model = estimate([["one"], []], 3)
    assert distribution_sum(model, [BOS]) == pytest.approx(1.0)
    assert distribution_sum(model, [BOS, "one"]) == pytest.approx(1.0)


def test_errors() -> None:
    with pytest.raises(TrainingError):
        estimate([], 3)
    with pytest.raises(TrainingError):
        estimate([["a"]], 0)


def test_an4_text_estimates_fast(shared_data: object) -> None:
    from pathlib import Path

    from voxtune.text import lexical_tokens

    path = Path(str(shared_data)) / "an4" / "train-text.txt"
    sentences = [lexical_tokens(line) for line in path.read_text(encoding="utf-8-sig").splitlines()]
    model = estimate(sentences)
    assert model.counts[0] > 90 and model.counts[2] > 2000
    for history in [(), (BOS,), ("enter",), ("c", "z")]:
        assert distribution_sum(model, history) == pytest.approx(1.0, abs=1e-12)
