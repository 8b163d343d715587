"""Interpolated modified Kneser-Ney estimation (Chen & Goodman 1998, as KenLM's lmplz does it).

Counts: the highest order and n-grams that start with <s> use raw counts; other orders use
continuation counts a(x) = |{v : c(v x) > 0}|, the number of distinct words seen before x.
Discounts: three per order, D1, D2, D3+, from the count-of-counts t_k of those counts:
Y = t1 / (t1 + 2 t2), D_k = k - (k + 1) Y t_(k+1) / t_k. Tiny corpora make some t_k zero or a
D_k leave (0, k); that discount then falls back to DEFAULT_DISCOUNTS (KenLM's
--discount_fallback values).

    p(w | h) = (a(h w) - D(a(h w))) / sum_x a(h x) + gamma(h) p(w | h'),
    gamma(h) = (D1 N1(h) + D2 N2(h) + D3+ N3+(h)) / sum_x a(h x),

where h' drops the first word of h and N_k(h) counts the words seen after h with a = k (3+).
Unigrams interpolate with the uniform distribution over the vocabulary without <s>. The result
is a backoff model: interpolated probabilities for every seen n-gram, gamma(h) as the backoff
weight of h, which is exactly the mass interpolation gives to words unseen after h.
<unk> and `vocabulary_extra` words are in the vocabulary with no counts (uniform mass only).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from voxtune.errors import TrainingError
from voxtune.lm.model import (
    BOS,
    EOS,
    LOG10_ZERO,
    UNK,
    FloatArray,
    IntArray,
    NGramModel,
    NGramTable,
)

DEFAULT_ORDER = 3
DEFAULT_DISCOUNTS = (0.5, 1.0, 1.5)  # D1, D2, D3+ when count-of-counts cannot give them


@dataclass(frozen=True)
class Discounts:
    """The three modified Kneser-Ney discounts of one order."""

    d1: float
    d2: float
    d3: float  # for counts of 3 and more
    estimated: bool  # False when any of them is a fallback value

    def for_counts(self, counts: IntArray) -> FloatArray:
        table = np.array([0.0, self.d1, self.d2, self.d3])
        return table[np.minimum(counts, 3)]


@dataclass(frozen=True, eq=False)
class _Counts:
    """Distinct n-grams of one order in (context, word) order, with their counts."""

    context: IntArray  # row of the n-gram without its last word, one order down
    word: IntArray
    raw: IntArray  # occurrences
    suffix: IntArray  # row of the n-gram without its first word, one order down
    first_word: IntArray


def estimate(
    sentences: Iterable[Sequence[str]],
    order: int = DEFAULT_ORDER,
    *,
    vocabulary_extra: Iterable[str] = (),
) -> NGramModel:
    """A modified Kneser-Ney model of `order` from tokenized sentences (without <s>, </s>)."""
    if order < 1:
        raise TrainingError(f"n-gram order must be at least 1, not {order}")
    words, tokens, positions = _tokenize(sentences, vocabulary_extra)
    if not np.any(positions > 0):
        raise TrainingError("no training text for the language model")
    levels = _count(tokens, positions, order, len(words))
    adjusted = _adjusted_counts(levels, words.index(BOS))
    tables = _probabilities(levels, adjusted, len(words), words.index(BOS))
    return NGramModel(tuple(words), tuple(tables))


def discounts(counts: IntArray) -> Discounts:
    """Modified Kneser-Ney discounts from the (adjusted) counts of one order."""
    t = [int(np.count_nonzero(counts == k)) for k in range(1, 5)]
    estimated = True
    values: list[float] = []
    y = t[0] / (t[0] + 2 * t[1]) if t[0] + 2 * t[1] > 0 else 0.0
    for k in (1, 2, 3):
        value = k - (k + 1) * y * t[k] / t[k - 1] if t[k - 1] and t[k] and y else -1.0
        if not 0.0 < value < k:
            value = DEFAULT_DISCOUNTS[k - 1]
            estimated = False
        values.append(value)
    return Discounts(values[0], values[1], values[2], estimated)


def _tokenize(
    sentences: Iterable[Sequence[str]], extra: Iterable[str]
) -> tuple[list[str], IntArray, IntArray]:
    """Sorted vocabulary, the token stream as ids (<s> w1 .. wn </s> per sentence) and each
    token's position in its sentence (0 for <s>)."""
    index: dict[str, int] = {BOS: 0, EOS: 1, UNK: 2}
    ids: list[int] = []
    positions: list[int] = []
    for sentence in sentences:
        ids.append(0)
        ids.extend(index.setdefault(word, len(index)) for word in sentence)
        ids.append(1)
        positions.extend(range(len(sentence) + 2))
    for word in extra:
        index.setdefault(word, len(index))
    words = sorted(index)
    lookup = {word: new for new, word in enumerate(words)}
    remap = np.empty(len(index), np.int64)
    for word, old in index.items():
        remap[old] = lookup[word]
    return words, remap[np.array(ids, np.int64)], np.array(positions, np.int64)


def _count(tokens: IntArray, positions: IntArray, order: int, size: int) -> list[_Counts]:
    """Distinct n-grams of each order. node[i] is the row of the n-gram of the current order
    that ends at token i: the prefix of the next order's n-gram ending at i + 1, and the
    suffix (first word dropped) of the one ending at i."""
    node = tokens.copy()
    unigram_raw = np.bincount(tokens, minlength=size)
    everything = np.arange(size, dtype=np.int64)
    zeros = np.zeros(size, np.int64)
    levels = [_Counts(zeros, everything, unigram_raw, zeros, everything)]
    for n in range(2, order + 1):
        ends = np.flatnonzero(positions >= n - 1)
        keys = node[ends - 1] * size + tokens[ends]
        unique, first, inverse, raw = np.unique(
            keys, return_index=True, return_inverse=True, return_counts=True
        )
        context = unique // size
        suffix = node[ends[first]]
        levels.append(_Counts(context, unique % size, raw, suffix, levels[-1].first_word[context]))
        node = np.full(len(tokens), -1, np.int64)
        node[ends] = inverse
    return levels


def _adjusted_counts(levels: list[_Counts], bos: int) -> list[IntArray]:
    adjusted: list[IntArray] = []
    for n, level in enumerate(levels, start=1):
        if n == len(levels):
            counts = level.raw.copy()
        else:
            counts = np.bincount(levels[n].suffix, minlength=len(level.word))
            starts = level.first_word == bos
            counts[starts] = level.raw[starts]
        if n == 1:
            counts[bos] = 0  # <s> is never predicted
        adjusted.append(counts)
    return adjusted


def _probabilities(
    levels: list[_Counts], adjusted: list[IntArray], size: int, bos: int
) -> list[NGramTable]:
    """Interpolated probabilities of every counted n-gram, and gamma of every context."""
    probabilities: list[FloatArray] = []
    gammas: list[FloatArray] = []
    for n, (level, counts) in enumerate(zip(levels, adjusted, strict=True), start=1):
        seen = counts > 0
        rows = len(levels[n - 2].word) if n > 1 else 1
        context = level.context if n > 1 else np.zeros(len(counts), np.int64)
        discount = discounts(counts[seen]).for_counts(counts)
        total = np.bincount(context, weights=counts, minlength=rows)
        mass = np.bincount(context, weights=np.where(seen, discount, 0.0), minlength=rows)
        gamma: FloatArray = np.divide(mass, total, out=np.zeros(rows), where=total > 0)
        pseudo: FloatArray = (counts - discount) / np.maximum(total[context], 1.0)
        if n == 1:
            prob: FloatArray = pseudo + gamma[0] / (size - 1)  # uniform floor, <s> excluded
            prob[bos] = 0.0
        else:
            prob = pseudo + gamma[context] * probabilities[-1][level.suffix]
        probabilities.append(prob)
        gammas.append(gamma)
    return [
        _table(level, prob, gammas[n] if n < len(levels) else np.zeros(len(prob)))
        for n, (level, prob) in enumerate(zip(levels, probabilities, strict=True), start=1)
    ]


def _table(level: _Counts, prob: FloatArray, gamma: FloatArray) -> NGramTable:
    """log10 probabilities, and gamma as the backoff weight (log10 1 = 0 for no context)."""
    logprob = np.where(prob > 0, np.log10(np.maximum(prob, 1e-300)), LOG10_ZERO)
    backoff = np.where(gamma > 0, np.log10(np.maximum(gamma, 1e-300)), 0.0)
    return NGramTable(level.context, level.word, logprob, backoff)
