"""Static linear interpolation of two backoff models into one (SRILM `ngram -mix-lm` style).

The result holds the union of both models' n-grams. Each gets
    p(w | h) = weight * p_domain(w | h) + (1 - weight) * p_general(w | h),
each model's probability with its own backoff when it lacks the n-gram. The backoff weight of
a context h is then recomputed so that its distribution sums to one:
    bo(h) = (1 - sum_E p(w | h)) / (1 - sum_E p(w | h')),   E = words explicit after h,
with h' = h without its first word. Words a model does not know have probability 0 in it.
Everything is vectorized per order: the bundled general LM (3.7M n-grams) mixes in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from voxtune.errors import TrainingError
from voxtune.lm.model import LOG10_ZERO, FloatArray, IntArray, NGramModel, NGramTable

# Floor for the numerator and denominator of a recomputed backoff weight: quantized general-LM
# probabilities can make an explicit mass sum to slightly more than one.
_MIN_MASS = 1e-10
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class _Side:
    """One input model seen through the union vocabulary."""

    model: NGramModel
    to_union: IntArray  # model word id -> union word id
    from_union: IntArray  # union word id -> model word id, -1 when the model lacks the word


def interpolate(
    domain: NGramModel,
    general: NGramModel,
    weight: float,
    *,
    context_dependent: bool = False,
    unigram_weight: float | None = None,
    complete_top: int = 0,
    other_weight: float = 0.0,
    posterior: bool = False,
) -> NGramModel:
    """Mix with `weight` the share of `domain` (Azure's customModelWeightPercent / 100)."""
    if not 0.0 <= weight <= 1.0:
        raise TrainingError(f"interpolation weight must be within 0..1, not {weight}")
    if weight == 1.0:
        return domain
    if weight == 0.0:
        return general
    words = _union_words(general.words, domain.words)
    sides = [_side(domain, words), _side(general, words)]
    size = len(words)
    union_words = np.arange(size, dtype=np.int64)[:, None]
    known = _domain_contexts(domain, sides[0]) if context_dependent else np.ones(size, bool)
    share0 = weight if unigram_weight is None else unigram_weight
    logprob = _mix(sides, np.full(size, share0), np.zeros((size, 0), np.int64), union_words[:, 0])
    tables = [NGramTable(np.zeros(size, np.int64), union_words[:, 0], logprob, np.zeros(size))]
    rows = [side.to_union for side in sides]  # each model's rows -> union rows, current order
    for order in range(2, max(domain.order, general.order) + 1):
        extra = _completion(domain, sides[0], known, complete_top) if order == 2 else None
        context, word, rows = _union_keys(sides, rows, order, size, extra)
        grams = np.concatenate([union_words[context], word[:, None]], axis=1)
        if posterior:
            shares = _posterior(sides, weight, union_words)[context]
        else:
            shares = np.where(known[grams[:, -2]], weight, other_weight)
        logprob = _mix(sides, shares, grams[:, :-1], word)
        tables[-1] = _with_backoff(tables, words, context, grams, logprob)
        tables.append(NGramTable(context, word, logprob, np.zeros(len(word))))
        union_words = grams
    return NGramModel(words, tuple(tables))


def _union_words(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    known = set(first)
    return first + tuple(sorted(word for word in set(second) if word not in known))


def _side(model: NGramModel, words: tuple[str, ...]) -> _Side:
    index = {word: position for position, word in enumerate(words)}
    to_union = np.array([index[word] for word in model.words], dtype=np.int64)
    from_union = np.full(len(words), -1, np.int64)
    from_union[to_union] = np.arange(len(model.words))
    return _Side(model, to_union, from_union)


def _posterior(sides: list[_Side], weight: float, histories: IntArray) -> FloatArray:
    """P(domain | history) for each history row: the prior `weight` times how likely each
    model makes the history words (a history opening with <s> is certain in both)."""
    log_odds = np.full(len(histories), np.log10((1.0 - weight) / weight))
    for sign, side in zip((-1.0, 1.0), sides, strict=True):
        ids = np.where(histories >= 0, side.from_union[histories], -1)
        bos = side.model.word_ids.get("<s>", -2)
        for position in range(histories.shape[1]):
            logprob = side.model.logprob_batch(ids[:, :position], ids[:, position])
            if position == 0:
                logprob = np.where(ids[:, 0] == bos, 0.0, logprob)
            log_odds += sign * np.maximum(logprob, LOG10_ZERO)
    weights: FloatArray = 1.0 / (1.0 + 10.0 ** np.clip(log_odds, -300, 300))
    return weights


def _completion(domain: NGramModel, side: _Side, known: BoolArray, top: int) -> IntArray | None:
    """Bigram keys (union ids) pairing each word the domain continues with the domain's `top`
    most probable words, so their distributions do not lean on the shared unigram floor."""
    if top <= 0:
        return None
    best = np.argsort(-domain.tables[0].logprob, kind="stable")[:top]
    best = side.to_union[best[domain.tables[0].logprob[best] > LOG10_ZERO]]
    contexts = np.flatnonzero(known)
    size = len(side.from_union)
    return (contexts[:, None] * size + best[None, :]).ravel()


def _union_keys(
    sides: list[_Side],
    rows: list[IntArray],
    order: int,
    size: int,
    extra: IntArray | None = None,
) -> tuple[IntArray, IntArray, list[IntArray]]:
    """Union n-grams of `order` as sorted (union context row, union word), and each model's
    map from its rows of this order to union rows."""
    keys: list[IntArray] = []
    for side, side_rows in zip(sides, rows, strict=True):
        if order <= side.model.order:
            table = side.model.tables[order - 1]
            keys.append(side_rows[table.context] * size + side.to_union[table.word])
        else:
            keys.append(np.zeros(0, np.int64))
    union = np.unique(np.concatenate([*keys, extra if extra is not None else keys[0][:0]]))
    new_rows = [np.searchsorted(union, side_keys) for side_keys in keys]
    return union // size, union % size, new_rows


def continued_words(domain: NGramModel) -> BoolArray:
    """For each domain word id: whether the domain text continues it (it is the context of
    some bigram). After other words the domain model only offers its unigram guess."""
    seen = np.zeros(len(domain.words), bool)
    if domain.order > 1:
        seen[np.unique(domain.tables[1].context)] = True
    return seen


def domain_shares(domain: NGramModel, previous_words: Sequence[str]) -> FloatArray:
    """The domain's share factor after each word: 1 when the domain text continues it, else 0."""
    ids = domain.ids(previous_words)
    return np.where(ids >= 0, continued_words(domain)[np.maximum(ids, 0)], False).astype(float)


def _domain_contexts(domain: NGramModel, side: _Side) -> BoolArray:
    """Union words after which the domain model has seen something."""
    seen = np.zeros(len(side.from_union), bool)
    seen[side.to_union[continued_words(domain)]] = True
    return seen


def _mix(
    sides: list[_Side], domain_share: FloatArray, histories: IntArray, words: IntArray
) -> FloatArray:
    """log10 of the weighted sum of both models' probabilities of (history, word)."""
    total = np.zeros(len(words))
    for side, share in zip(sides, (domain_share, 1.0 - domain_share), strict=True):
        model_words = side.from_union[words]
        model_histories = np.where(histories >= 0, side.from_union[histories], -1)
        logprob = side.model.logprob_batch(model_histories, model_words)
        total += share * np.where(logprob > LOG10_ZERO, 10.0**logprob, 0.0)
    return np.where(total > 0, np.log10(np.maximum(total, 1e-300)), LOG10_ZERO)


def _with_backoff(
    tables: list[NGramTable],
    words: tuple[str, ...],
    context: IntArray,
    grams: IntArray,
    logprob: FloatArray,
) -> NGramTable:
    """The highest table so far, with backoff weights that normalize its contexts given the
    new order's n-grams (context rows, word matrices, log10 probabilities)."""
    lower = NGramModel(words, tuple(tables))
    rows = len(tables[-1])
    lower_logprob = lower.logprob_batch(grams[:, 1:-1], grams[:, -1])
    explicit = np.bincount(context, weights=10.0**logprob, minlength=rows)
    shadowed = np.bincount(context, weights=10.0**lower_logprob, minlength=rows)
    has_words = np.bincount(context, minlength=rows) > 0
    numerator = np.maximum(1.0 - explicit, _MIN_MASS)
    denominator = np.maximum(1.0 - shadowed, _MIN_MASS)
    backoff = np.where(has_words, np.log10(numerator / denominator), 0.0)
    last = tables[-1]
    return NGramTable(last.context, last.word, last.logprob, backoff)
