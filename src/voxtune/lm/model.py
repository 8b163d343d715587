"""NGramModel: a backoff n-gram language model held in numpy arrays.

Each order is one table sorted by (context row, word id); an n-gram's context is a row of the
table one order below, so an n-gram is found with one binary search per order whatever the
vocabulary size (keys are `context_row * vocabulary_size + word`, which fits int64 for any
order). Unigram row i is word i. Probabilities and backoff weights are log10, as in ARPA.

p(w | h) is the stored probability of (h, w) when present, else backoff(h) * p(w | h minus its
first word), with backoff(h) = 1 when h itself is absent. Every n-gram's prefix is present
(the builders guarantee it), which is what that recursion needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

BOS = "<s>"
EOS = "</s>"
UNK = "<unk>"
SPECIAL_WORDS = frozenset({BOS, EOS, UNK})
LOG10_ZERO = -99.0  # what ARPA files write for "never" (p(<s>) and words a model cannot emit)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class NGramTable:
    """The n-grams of one order, sorted by (context, word)."""

    context: IntArray  # row of the (n-1)-gram table this n-gram extends; 0 for unigrams
    word: IntArray  # id of the last word
    logprob: FloatArray  # log10 p(word | context)
    backoff: FloatArray  # log10 backoff weight of this n-gram as a context; 0 when unused

    def __len__(self) -> int:
        return len(self.word)


@dataclass(frozen=True, eq=False)
class NGramModel:
    """A backoff n-gram model; `words[i]` is word id i and unigram row i."""

    words: tuple[str, ...]
    tables: tuple[NGramTable, ...]

    @property
    def order(self) -> int:
        return len(self.tables)

    @property
    def counts(self) -> tuple[int, ...]:
        return tuple(len(table) for table in self.tables)

    @cached_property
    def word_ids(self) -> dict[str, int]:
        return {word: index for index, word in enumerate(self.words)}

    def vocabulary(self) -> tuple[str, ...]:
        """The words a pronouncing dictionary needs: every word except <s>, </s>, <unk>."""
        return tuple(word for word in self.words if word not in SPECIAL_WORDS)

    def ids(self, tokens: Iterable[str]) -> IntArray:
        """Word ids of `tokens`, -1 for words outside the vocabulary."""
        get = self.word_ids.get
        return np.array([get(token, -1) for token in tokens], dtype=np.int64)

    @cached_property
    def _keys(self) -> tuple[IntArray, ...]:
        size = len(self.words)
        return tuple(table.context * size + table.word for table in self.tables)

    def find(self, order: int, context: IntArray, word: IntArray) -> IntArray:
        """Rows of the n-grams (context row, word) in the table of `order`, -1 where absent."""
        if order == 1:
            return np.where(word >= 0, word, -1)
        keys = self._keys[order - 1]
        valid = (context >= 0) & (word >= 0)
        wanted = np.where(valid, context * len(self.words) + word, -1)
        rows = np.searchsorted(keys, wanted)
        rows = np.minimum(rows, max(len(keys) - 1, 0))
        hit = valid & (len(keys) > 0)
        if len(keys):
            hit &= keys[rows] == wanted
        return np.where(hit, rows, -1)

    def context_rows(self, histories: IntArray) -> list[IntArray]:
        """For histories (n, k) of word ids (last column = previous word, -1 = none), the rows
        of their last-j-word suffixes for j = 1..k (index j-1), -1 where absent."""
        count, width = histories.shape
        rows: list[IntArray] = []
        for length in range(1, min(width, self.order) + 1):
            row = self.find(1, np.zeros(count, np.int64), histories[:, width - length])
            for step in range(1, length):
                row = self.find(step + 1, row, histories[:, width - length + step])
            rows.append(row)
        return rows

    def logprob_batch(self, histories: IntArray, words: IntArray) -> FloatArray:
        """log10 p(word | history) for each row; histories are right-aligned word ids, -1 for
        none. Words outside the vocabulary (-1) get LOG10_ZERO."""
        known = words >= 0
        safe_words = np.where(known, words, 0)
        result = self.tables[0].logprob[safe_words].copy()
        contexts = self.context_rows(histories)[: self.order - 1]
        for order, context in enumerate(contexts, start=2):
            row = self.find(order, context, safe_words)
            backoff = np.where(
                context >= 0, self.tables[order - 2].backoff[np.maximum(context, 0)], 0.0
            )
            found = row >= 0
            result = np.where(
                found, self.tables[order - 1].logprob[np.maximum(row, 0)], result + backoff
            )
        return np.where(known, result, LOG10_ZERO)

    def logprob(self, word: str, history: Sequence[str] = ()) -> float:
        """log10 p(word | history) for one n-gram; unknown words get LOG10_ZERO."""
        width = self.order - 1
        context = list(history)[-width:] if width else []
        ids = self.ids([*context, word])
        padded = np.full((1, width), -1, np.int64)
        if context:
            padded[0, width - len(context) :] = ids[:-1]
        return float(self.logprob_batch(padded, ids[-1:])[0])

    def ngram_words(self, order: int) -> IntArray:
        """Word ids of every n-gram of `order` as a matrix (count, order), in table order."""
        rows = np.arange(len(self.tables[order - 1]), dtype=np.int64)
        columns: list[IntArray] = []
        for level in range(order, 0, -1):
            table = self.tables[level - 1]
            columns.append(table.word[rows])
            rows = table.context[rows]
        return np.stack(columns[::-1], axis=1)


def sentence_events(
    model_ids: Sequence[IntArray], order: int, bos: int, eos: int
) -> tuple[IntArray, IntArray]:
    """Histories (n, order-1) and predicted words (n) for scoring sentences given as word-id
    arrays: each word and the closing </s>, with <s> opening every history."""
    width = order - 1
    histories: list[IntArray] = []
    targets: list[IntArray] = []
    for ids in model_ids:
        stream = np.concatenate(([bos], ids, [eos])).astype(np.int64)
        count = len(stream) - 1
        history = np.full((count, width), -1, np.int64)
        for back in range(1, width + 1):
            # column width-back holds the word `back` positions before the predicted one
            source = np.arange(1, count + 1) - back
            ok = source >= 0
            history[ok, width - back] = stream[source[ok]]
        histories.append(history)
        targets.append(stream[1:])
    if not targets:
        return np.zeros((0, width), np.int64), np.zeros(0, np.int64)
    return np.concatenate(histories), np.concatenate(targets)
