"""Assemble an NGramModel from n-grams listed as word-id matrices (ARPA, trie and class readers).

Sources do not always list every prefix of an n-gram (a pocketsphinx trie stores suffixes,
not prefixes), but the model's lookup needs the prefix as a context row. A missing prefix is
added with its backed-off probability and backoff weight 1, which changes no probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from voxtune.errors import ModelError
from voxtune.lm.model import LOG10_ZERO, FloatArray, IntArray, NGramModel, NGramTable


@dataclass(frozen=True, eq=False)
class NGramList:
    """The n-grams of one order in any order: words (count, n), log10 probs and backoffs."""

    words: IntArray
    logprob: FloatArray
    backoff: FloatArray


def assemble(words: Sequence[str], unigrams: NGramList, higher: Sequence[NGramList]) -> NGramModel:
    """A model over `words` (id = position). Unigrams may omit words: they get LOG10_ZERO."""
    size = len(words)
    logprob = np.full(size, LOG10_ZERO)
    backoff = np.zeros(size)
    ids = unigrams.words[:, 0]
    if len(ids) and (ids.min() < 0 or ids.max() >= size):
        raise ModelError("a unigram has a word id outside the vocabulary")
    logprob[ids] = unigrams.logprob
    backoff[ids] = unigrams.backoff
    zeros = np.zeros(size, np.int64)
    models = [NGramModel(tuple(words), (NGramTable(zeros, np.arange(size), logprob, backoff),))]
    lists = list(higher)
    order = 2
    while order <= len(lists) + 1:
        grams = lists[order - 2]
        context = models[-1].context_rows(grams.words[:, :-1])[-1]
        if np.all(context >= 0):
            models.append(_add_order(models[-1], order, grams, context))
            order += 1
            continue
        # Missing prefixes (rare): add them one order down and rebuild from there, since a
        # prefix's own prefix may be missing as well.
        if order == 2:
            raise ModelError("a bigram starts with a word outside the vocabulary")
        extra = np.unique(grams.words[context < 0, :-1], axis=0)
        lower = lists[order - 3]
        lists[order - 3] = NGramList(
            np.concatenate([lower.words, extra]),
            np.concatenate([lower.logprob, np.full(len(extra), np.nan)]),
            np.concatenate([lower.backoff, np.zeros(len(extra))]),
        )
        models.pop()
        order -= 1
    return models[-1]


def _add_order(model: NGramModel, order: int, grams: NGramList, context: IntArray) -> NGramModel:
    histories = grams.words[:, :-1]
    word = grams.words[:, -1]
    keys = context * len(model.words) + word
    sort = np.argsort(keys, kind="stable")
    keys = keys[sort]
    if np.any(keys[1:] == keys[:-1]):
        raise ModelError(f"duplicate {order}-grams")
    logprob = grams.logprob[sort].astype(np.float64)
    missing = np.isnan(logprob)
    if missing.any():
        # an added prefix: its probability is what backoff gives without it
        base = model.logprob_batch(histories[sort][missing][:, 1:], word[sort][missing])
        logprob[missing] = base + model.tables[order - 2].backoff[context[sort][missing]]
    table = NGramTable(context[sort], word[sort], logprob, grams.backoff[sort].astype(np.float64))
    return NGramModel(model.words, (*model.tables, table))
