"""Choose the interpolation weight of the domain LM by held-out perplexity.

A deterministic slice of the domain text (every HELDOUT_EVERY-th sentence) is held out, a domain
model is estimated on the rest, and each candidate weight is scored by the perplexity of the
held-out slice under weight * p_domain + (1 - weight) * p_general. That per-word mixture is
what SRILM's compute-best-mix optimizes; the static model built afterwards differs from it only
in the backed-off mass, so the ranking of weights carries over and no candidate model has to be
built. Words neither model knows are left out for every candidate alike, so candidates compare
on the same tokens; a word only the general LM knows costs the domain share its probability,
which is what keeps the weight below 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from voxtune.errors import TrainingError
from voxtune.lm.classes import WordClass, estimate_with_classes, fill_classes
from voxtune.lm.interpolate import continued_words
from voxtune.lm.kneser_ney import DEFAULT_ORDER
from voxtune.lm.model import BOS, EOS, LOG10_ZERO, FloatArray, NGramModel, sentence_events
from voxtune.lm.perplexity import from_logprob, token_logprobs

HELDOUT_EVERY = 10  # every 10th sentence of the domain text is held out for tuning
MIN_HELDOUT_SENTENCES = 5  # fewer held-out sentences than this are too few to tune on
# Candidate domain weights. The top is capped at 0.95 on purpose: held-out perplexity on a
# narrow domain keeps rising towards 1.0, but a weight that high starves general speech (see
# the measurements in voxtune/lm/__init__.py).
DEFAULT_CANDIDATES = (0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)


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
    domain_p, general_p, factor, oov = _heldout_probabilities(domain, general, heldout)
    results: list[tuple[float, float]] = []
    for weight in sorted(candidates):
        share = weight * factor
        # Floor at the LM's log-zero, as the decoder does: one token the mix gives no mass
        # must not make every candidate weight infinitely bad.
        mixed = np.maximum(share * domain_p + (1.0 - share) * general_p, 10.0**LOG10_ZERO)
        ppl = from_logprob(float(np.log10(mixed).sum()), len(mixed))
        results.append((weight, ppl))
    best = min(results, key=lambda item: (item[1], item[0]))
    words = len(domain_p) - len(heldout_sentences)
    return WeightChoice(best[0], tuple(results), len(heldout_sentences), words, oov)


def _heldout_probabilities(
    domain: NGramModel, general: NGramModel, sentences: Sequence[Sequence[str]]
) -> tuple[FloatArray, FloatArray, FloatArray, int]:
    """On the tokens at least one model knows: each model's probability, and the domain's
    share factor (see `interpolate`: 1 after words the domain text continues, else 0)."""
    domain_ids = [domain.ids(s) for s in sentences]
    general_ids = [general.ids(s) for s in sentences]
    bos, eos = domain.word_ids[BOS], domain.word_ids[EOS]
    histories, _ = sentence_events(domain_ids, max(domain.order, 2), bos, eos)
    previous = histories[:, -1]
    factor = np.where(previous >= 0, continued_words(domain)[np.maximum(previous, 0)], False)
    domain_p = _probabilities(token_logprobs(domain, domain_ids))
    general_p = _probabilities(token_logprobs(general, general_ids))
    # tokens in stream order: each sentence's words then its </s> (never OOV)
    known = np.concatenate(
        [np.append((d >= 0) | (g >= 0), True) for d, g in zip(domain_ids, general_ids, strict=True)]
    )
    oov = int(np.count_nonzero(~known))
    return domain_p[known], general_p[known], factor[known].astype(float), oov


def _probabilities(logprob: FloatArray) -> FloatArray:
    return np.where(logprob > LOG10_ZERO, 10.0**logprob, 0.0)
