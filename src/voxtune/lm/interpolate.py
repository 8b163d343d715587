"""Interpolation of the domain model with the general LM into one static backoff model.

The result holds the union of both models' n-grams (SRILM `ngram -mix-lm` style). Each gets

    p(w | h) = s(h) p_domain(w | h) + (1 - s(h)) p_general(w | h),

each model's probability with its own backoff when it lacks the n-gram, and each context's
backoff weight is recomputed so that its distribution sums to one:
    bo(h) = (1 - sum_E p(w | h)) / (1 - sum_E p(w | h')),   E = words explicit after h,
h' = h without its first word. Words a model does not know have probability 0 in it.

The domain share s(h) is P(domain | h) with prior `weight` (see `posterior`), not a constant.
Measured with the AN4 census domain (held-out speakers) and general LibriVox/JFK speech
(details in lm/__init__.py): a constant share good for AN4 (0.9) doubles general-speech errors
(smoke WER 0.40 -> 0.53), because after "ask not what" the domain model still spreads its
unigram guess (letters, digits) over 90% of the mass; with the posterior share the same prior
leaves general speech as good as the base model (0.28) and AN4 as good as the constant share.
`constant=True` gives the classic static mixture.

Two details serve the posterior share. The unigram table is the backoff floor of every
context; its domain share is FLOOR_FRACTION * weight, small so that general contexts do not
back off into domain words, non-zero so that domain-only words stay reachable everywhere.
Contexts the domain continues get explicit bigrams for its most probable words (up to
COMPLETION_BUDGET in all), so their backed-off mass follows the domain, not that floor.
Everything is vectorized per order: the bundled general LM (3.7M n-grams) mixes in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voxtune.errors import TrainingError
from voxtune.lm.model import LOG10_ZERO, FloatArray, IntArray, NGramModel, NGramTable
from voxtune.lm.posterior import BoolArray, domain_posterior, history_logprob

FLOOR_FRACTION = 0.1  # domain share of the unigram floor, relative to the weight
COMPLETION_BUDGET = 1_000_000  # most bigrams added to complete the domain's contexts
# Floor for the numerator and denominator of a recomputed backoff weight: quantized general-LM
# probabilities can make an explicit mass sum to slightly more than one.
_MIN_MASS = 1e-10


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
    constant: bool = False,
) -> NGramModel:
    """Mix with `weight` the prior share of `domain` (customModelWeightPercent / 100)."""
    if not 0.0 <= weight <= 1.0:
        raise TrainingError(f"interpolation weight must be within 0..1, not {weight}")
    if weight == 1.0:
        return domain
    if weight == 0.0:
        return general
    words = _union_words(general.words, domain.words)
    sides = [_side(domain, words), _side(general, words)]
    size = len(words)
    history = np.arange(size, dtype=np.int64)[:, None]  # word matrix of the previous order
    floor = weight if constant else FLOOR_FRACTION * weight
    logprob = _mix(sides, np.full(size, floor), np.zeros((size, 0), np.int64), history[:, 0])
    tables = [NGramTable(np.zeros(size, np.int64), history[:, 0], logprob, np.zeros(size))]
    rows = [side.to_union for side in sides]  # each model's rows -> union rows, current order
    for order in range(2, max(domain.order, general.order) + 1):
        extra = _completion(sides[0]) if order == 2 and not constant else None
        context, word, rows = _union_keys(sides, rows, order, size, extra)
        shares = np.full(len(history), weight) if constant else _posterior(sides, weight, history)
        grams = np.concatenate([history[context], word[:, None]], axis=1)
        logprob = _mix(sides, shares[context], grams[:, :-1], word)
        tables[-1] = _with_backoff(tables, words, context, grams, logprob)
        tables.append(NGramTable(context, word, logprob, np.zeros(len(word))))
        history = grams
    return NGramModel(words, tuple(tables))


def continued_words(domain: NGramModel) -> BoolArray:
    """For each domain word id: whether the domain text continues it (it opens a bigram)."""
    seen = np.zeros(len(domain.words), bool)
    if domain.order > 1:
        seen[np.unique(domain.tables[1].context)] = True
    return seen


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
    """P(domain | history) for each row of union word ids."""
    domain, general = (history_logprob(side.model, side.from_union[histories]) for side in sides)
    return domain_posterior(weight, domain, general)


def _completion(side: _Side) -> IntArray:
    """Bigram keys (union ids) pairing each word the domain continues with the domain's most
    probable words, as many as the budget allows."""
    domain = side.model
    contexts = side.to_union[np.flatnonzero(continued_words(domain))]
    top = COMPLETION_BUDGET // max(len(contexts), 1)
    unigram = domain.tables[0].logprob
    best = np.argsort(-unigram, kind="stable")[:top]
    best = side.to_union[best[unigram[best] > LOG10_ZERO]]
    size = len(side.from_union)
    return (contexts[:, None] * size + best[None, :]).ravel()


def _union_keys(
    sides: list[_Side], rows: list[IntArray], order: int, size: int, extra: IntArray | None
) -> tuple[IntArray, IntArray, list[IntArray]]:
    """Union n-grams of `order` as sorted (union context row, union word), and each model's
    map from its rows of this order to union rows."""
    keys: list[IntArray] = [np.zeros(0, np.int64) if extra is None else extra]
    for side, side_rows in zip(sides, rows, strict=True):
        if order <= side.model.order:
            table = side.model.tables[order - 1]
            keys.append(side_rows[table.context] * size + side.to_union[table.word])
        else:
            keys.append(np.zeros(0, np.int64))
    union = np.unique(np.concatenate(keys))
    new_rows = [np.searchsorted(union, side_keys) for side_keys in keys[1:]]
    return union // size, union % size, new_rows


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
