"""How much the domain model is trusted after a history: P(domain | history).

The custom model treats speech as coming from one of two sources, domain text (prior `weight`,
Azure's customModelWeightPercent) or general English. After the history h, Bayes gives

    P(domain | h) = weight P_d(h) / (weight P_d(h) + (1 - weight) P_g(h)),

with P_m(h) the probability model m gives the history words (each word given the ones before
it inside the history; <s> opening a history is certain under both). After "c z" the domain
share is ~1, after "ask not" it is ~0, and only where the history says nothing (the start of a
sentence) is it the prior `weight`. Used by `interpolate` for every context of the mixed model
and by `tune` for every held-out word.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from voxtune.lm.model import BOS, LOG10_ZERO, FloatArray, IntArray, NGramModel

BoolArray = npt.NDArray[np.bool_]


def history_logprob(
    model: NGramModel, histories: IntArray, present: BoolArray | None = None
) -> FloatArray:
    """log10 P(history words) under `model` for each row of word ids (-1: unknown word), each
    word given the ones before it in the row. Columns where `present` is False are padding
    before a sentence start and are skipped, like a history-opening <s>."""
    total = np.zeros(len(histories))
    bos = model.word_ids.get(BOS, -2)
    for column in range(histories.shape[1]):
        words = histories[:, column]
        logprob = model.logprob_batch(histories[:, :column], words)
        logprob = np.where(words == bos, 0.0, np.maximum(logprob, LOG10_ZERO))
        if present is not None:
            logprob = np.where(present[:, column], logprob, 0.0)
        total += logprob
    return total


def domain_posterior(
    weight: float, domain_logprob: FloatArray, general_logprob: FloatArray
) -> FloatArray:
    """P(domain | history) from the prior and both models' log10 P(history)."""
    if weight >= 1.0:
        return np.ones(len(domain_logprob))
    if weight <= 0.0:
        return np.zeros(len(domain_logprob))
    log_odds = np.log10((1.0 - weight) / weight) + general_logprob - domain_logprob
    share: FloatArray = 1.0 / (1.0 + 10.0 ** np.clip(log_odds, -300.0, 300.0))
    return share
