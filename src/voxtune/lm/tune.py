"""Choose the interpolation weight of the domain LM by held-out perplexity.

A deterministic slice of the domain text (every HELDOUT_EVERY-th sentence) is held out, a domain
model is estimated on the rest, and each candidate weight is scored by the perplexity of the
held-out slice under the per-word mixture s(h) p_domain + (1 - s(h)) p_general, with s(h) the
posterior domain share `interpolate` uses (prior = the candidate). A per-word mixture is what
SRILM's compute-best-mix optimizes; the static model built afterwards differs from it only in
the backed-off mass, so no candidate model has to be built. Words neither model knows are left
out for every candidate alike; a word only the general LM knows costs the domain its share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from voxtune.errors import TrainingError
from voxtune.lm.classes import WordClass, estimate_with_classes, fill_classes
from voxtune.lm.kneser_ney import DEFAULT_ORDER
from voxtune.lm.model import BOS, EOS, LOG10_ZERO, FloatArray, NGramModel, sentence_events
from voxtune.lm.perplexity import from_logprob
from voxtune.lm.posterior import domain_posterior, history_logprob

HELDOUT_EVERY = 10  # every 10th sentence of the domain text is held out for tuning
MIN_HELDOUT_SENTENCES = 5  # fewer held-out sentences than this are too few to tune on
# Candidate domain weights. Capped at 0.9 on purpose: held-out domain perplexity keeps falling
# towards 1.0 on a narrow domain, but the prior is what a sentence start gets, and past 0.9 the
# measured recognition stops improving on the domain and gets worse on general speech (numbers
# in voxtune/lm/__init__.py).
DEFAULT_CANDIDATES = (0.3, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class WeightChoice:
    """The chosen domain weight and the evidence for it, for the training report."""

    weight: float  # share of the domain model, 0..1 (Azure customModelWeightPercent / 100)
    perplexities: tuple[tuple[float, float], ...]  # (candidate weight, held-out perplexity)
    heldout_sentences: int
    heldout_words: int  # words scored (OOVs of both models excluded)
    oov_words: int  # held-out words neither model knows

    @property
    def weight_percent(self) -> int:
        return round(self.weight * 100)


def split_heldout(
    sentences: Sequence[Sequence[str]], every: int = HELDOUT_EVERY
) -> tuple[list[Sequence[str]], list[Sequence[str]]]:
    """(training part, held-out part): sentence i is held out when i % every == every - 1."""
    train = [s for i, s in enumerate(sentences) if i % every != every - 1]
    heldout = [s for i, s in enumerate(sentences) if i % every == every - 1]
    return train, heldout


def choose_weight(
    domain_train_sentences: Sequence[Sequence[str]],
    heldout_sentences: Sequence[Sequence[str]],
    general: NGramModel,
    candidates: Sequence[float] = DEFAULT_CANDIDATES,
    *,
    order: int = DEFAULT_ORDER,
    classes: Sequence[WordClass] = (),
) -> WeightChoice:
    """The candidate weight with the lowest held-out perplexity (ties: the smaller weight).
    Sentences may hold class tokens of `classes`; held-out ones are scored with list items
    filled in."""
    if not candidates or any(not 0.0 < c <= 1.0 for c in candidates):
        raise TrainingError(f"candidate weights must be within (0, 1]: {list(candidates)}")
    if not heldout_sentences:
        raise TrainingError("no held-out sentences to choose the weight on")
    domain = estimate_with_classes(domain_train_sentences, classes, order)
    heldout = fill_classes(heldout_sentences, classes)
    domain_p, general_p, domain_h, general_h, oov = _heldout_probabilities(domain, general, heldout)
    results: list[tuple[float, float]] = []
    for weight in sorted(candidates):
        share = domain_posterior(weight, domain_h, general_h)
        # Floor at the LM's log-zero, as the decoder does: one token that the mix gives no
        # mass (share 1 on a word only the general LM knows) must not make every weight inf.
        mixed = np.maximum(share * domain_p + (1.0 - share) * general_p, 10.0**LOG10_ZERO)
        ppl = from_logprob(float(np.log10(mixed).sum()), len(mixed))
        results.append((weight, ppl))
    best = min(results, key=lambda item: (item[1], item[0]))
    words = len(domain_p) - len(heldout_sentences)
    return WeightChoice(best[0], tuple(results), len(heldout_sentences), words, oov)


def _heldout_probabilities(
    domain: NGramModel, general: NGramModel, sentences: Sequence[Sequence[str]]
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, int]:
    """On the tokens at least one model knows: each model's probability of the token and of
    its history (for the posterior share), and the number of tokens neither knows."""
    vocabulary = sorted({BOS, EOS, *(word for sentence in sentences for word in sentence)})
    local = {word: index for index, word in enumerate(vocabulary)}
    ids = [np.array([local[w] for w in sentence], np.int64) for sentence in sentences]
    order = max(domain.order, general.order)
    histories, targets = sentence_events(ids, order, local[BOS], local[EOS])
    present = histories >= 0  # False: before the sentence start
    results: list[FloatArray] = []
    known = np.zeros(len(targets), bool)
    for model in (domain, general):
        to_model = model.ids(vocabulary)
        model_histories = np.where(present, to_model[histories], -1)
        model_targets = to_model[targets]
        known |= model_targets >= 0
        results.append(_probabilities(model.logprob_batch(model_histories, model_targets)))
        results.append(history_logprob(model, model_histories, present))
    domain_p, domain_history, general_p, general_history = results
    oov = int(np.count_nonzero(~known))
    return (domain_p[known], general_p[known], domain_history[known], general_history[known], oov)


def _probabilities(logprob: FloatArray) -> FloatArray:
    return np.where(logprob > LOG10_ZERO, 10.0**logprob, 0.0)
