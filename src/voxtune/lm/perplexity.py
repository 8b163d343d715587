"""Perplexity of a model on tokenized sentences, counted the way SRILM's `ngram -ppl` does.

Every word and each sentence's </s> is predicted, <s> opens every history. Words outside the
vocabulary are out-of-vocabulary (OOV) and words the model gives probability zero are zeroprobs:
neither is scored, and the denominator is words - OOVs - zeroprobs + sentences.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from voxtune.lm.model import BOS, EOS, LOG10_ZERO, FloatArray, IntArray, NGramModel, sentence_events


@dataclass(frozen=True)
class Perplexity:
    ppl: float  # 10 ** (-logprob / scored); inf when nothing could be scored
    logprob: float  # total log10 probability of the scored tokens
    oov_count: int  # words outside the vocabulary (not scored)
    zeroprob_count: int  # words in the vocabulary with probability zero (not scored)
    sentence_count: int
    word_count: int  # words in the sentences, OOVs included, </s> not

    @property
    def scored_count(self) -> int:
        return self.word_count - self.oov_count - self.zeroprob_count + self.sentence_count


def perplexity(model: NGramModel, sentences: Iterable[Sequence[str]]) -> Perplexity:
    """Perplexity of `model` on `sentences` (lists of words, without <s> and </s>)."""
    sentence_ids = [model.ids(sentence) for sentence in sentences]
    logprob = token_logprobs(model, sentence_ids)
    targets = np.concatenate([*sentence_ids, np.zeros(0, np.int64)])
    oov = int(np.count_nonzero(targets < 0))
    scored = logprob > LOG10_ZERO
    zeroprob = int(np.count_nonzero(~scored)) - oov
    total = float(logprob[scored].sum())
    return Perplexity(
        ppl=from_logprob(total, int(np.count_nonzero(scored))),
        logprob=total,
        oov_count=oov,
        zeroprob_count=zeroprob,
        sentence_count=len(sentence_ids),
        word_count=len(targets),
    )


def token_logprobs(model: NGramModel, sentence_ids: Sequence[IntArray]) -> FloatArray:
    """log10 p of every predicted token (words and </s>), LOG10_ZERO for OOVs, in order."""
    bos, eos = model.word_ids.get(BOS, -1), model.word_ids.get(EOS, -1)
    histories, targets = sentence_events(sentence_ids, model.order, bos, eos)
    return model.logprob_batch(histories, targets)


def from_logprob(total_log10: float, scored: int) -> float:
    return 10.0 ** (-total_log10 / scored) if scored else math.inf
