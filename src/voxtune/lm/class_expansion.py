"""The expansion of class tokens into list items behind `classes.expand_classes`: readings of
each word context, their mixture, and the recomputed backoff weights (see classes.py)."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from voxtune.errors import TrainingError
from voxtune.lm.build import NGramList, assemble
from voxtune.lm.model import BOS, EOS, LOG10_ZERO, NGramModel

MAX_CONTEXT_EXPANSIONS = 100_000  # a context with two adjacent lists larger than this backs off

Context = tuple[str, ...]
Distribution = dict[str, float]


@dataclass(frozen=True)
class _ItemStats:
    """One class's items: probabilities by item, by first word and by last words."""

    items: dict[Context, float]
    first: Distribution
    inner: dict[Context, Distribution]  # window inside an item -> mass of each next word


def _item_stats(token: str, all_items: Sequence[Sequence[str]], width: int) -> _ItemStats:
    counts: dict[Context, int] = defaultdict(int)
    for item in all_items:
        if item:
            counts[tuple(item)] += 1
    if not counts:
        raise TrainingError(f"list {token} has no items")
    total = sum(counts.values())
    items = {item: count / total for item, count in counts.items()}
    first: Distribution = defaultdict(float)
    inner: dict[Context, Distribution] = defaultdict(lambda: defaultdict(float))
    for item, share in items.items():
        first[item[0]] += share
        for end in range(1, len(item)):  # predict item[end] from the words before it
            for length in range(1, min(width, end) + 1):
                inner[item[end - length : end]][item[end]] += share
    return _ItemStats(items, dict(first), {k: dict(v) for k, v in inner.items()})


def expand(model: NGramModel, lists: Mapping[str, Sequence[Sequence[str]]]) -> NGramModel:
    """The word-level model of a class model: `lists` maps each class token to its items."""
    return _Expander(model, lists).run()


class _Expander:
    def __init__(self, model: NGramModel, lists: Mapping[str, Sequence[Sequence[str]]]) -> None:
        self.model = model
        self.width = model.order - 1
        self.stats = {
            token: _item_stats(token, items, self.width) for token, items in lists.items()
        }
        missing = [token for token in self.stats if token not in model.word_ids]
        if missing:
            raise TrainingError(f"class tokens missing from the class model: {missing}")
        literal = [w for w in model.words if w not in self.stats]
        item_words = {w for s in self.stats.values() for item in s.items for w in item}
        self.words = tuple(literal + sorted(item_words - set(literal)))
        self.literal = frozenset(literal)
        self.by_first: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for token, stats in self.stats.items():
            for word, share in stats.first.items():
                self.by_first[word].append((token, share))
        self.cache: dict[tuple[str, Context], Distribution] = {}
        self.id_cache: dict[tuple[str, Context], tuple[list[int], list[float]]] = {}

    def run(self) -> NGramModel:
        lists = [self._unigrams()]
        for length in range(1, self.width + 1):
            partial = assemble(self.words, lists[0], lists[1:])
            grams, backoffs = self._order(length, partial)
            lists[-1] = _with_backoffs(lists[-1], backoffs, self.index)
            lists.append(grams)
        return assemble(self.words, lists[0], lists[1:])

    @property
    def index(self) -> dict[str, int]:
        return {word: position for position, word in enumerate(self.words)}

    def _unigrams(self) -> NGramList:
        """Expected frequency of each word: literal, plus each class's mass spread over the
        words of its items; renormalized because multi-word items lengthen the text."""
        frequency = {w: 10.0 ** self.model.logprob(w) for w in self.literal}
        frequency[BOS] = 0.0
        for token, stats in self.stats.items():
            mass = 10.0 ** self.model.logprob(token)
            for item, share in stats.items.items():
                for word in item:
                    frequency[word] = frequency.get(word, 0.0) + mass * share
        total = sum(frequency.values())
        logprob = [_log10(frequency.get(w, 0.0) / total) for w in self.words]
        ids = np.arange(len(self.words), dtype=np.int64)[:, None]
        return NGramList(ids, np.array(logprob), np.zeros(len(self.words)))

    def _order(self, length: int, partial: NGramModel) -> tuple[NGramList, dict[Context, float]]:
        """The (length+1)-grams of the word model, and the backoff weight of each context."""
        index = self.index
        contexts: list[Context] = []
        owner: list[int] = []
        word_ids: list[int] = []
        probs: list[float] = []
        for context, options in self._readings(length).items():
            ids, values = self._mixture(options, index)
            if ids:
                owner.extend([len(contexts)] * len(ids))
                word_ids.extend(ids)
                probs.extend(values)
                contexts.append(context)
        context_ids = np.array([[index[w] for w in c] for c in contexts], np.int64)
        rows = np.array(owner, np.int64)
        words = np.concatenate(
            [context_ids.reshape(len(contexts), length)[rows], np.array(word_ids)[:, None]], axis=1
        ).astype(np.int64)
        prob = np.array(probs)
        lower = 10.0 ** partial.logprob_batch(words[:, 1:-1], words[:, -1])
        explicit = np.bincount(rows, weights=prob, minlength=len(contexts))
        shadowed = np.bincount(rows, weights=lower, minlength=len(contexts))
        backoff = np.log10(np.maximum(1.0 - explicit, 1e-10) / np.maximum(1.0 - shadowed, 1e-10))
        grams = NGramList(words, np.log10(np.maximum(prob, 1e-300)), np.zeros(len(prob)))
        return grams, dict(zip(contexts, backoff.tolist(), strict=True))

    def _readings(self, length: int) -> dict[Context, dict[tuple[str, Context], float]]:
        """Each word context of `length` words -> its readings -> how often each occurs."""
        readings: dict[Context, dict[tuple[str, Context], float]] = defaultdict(
            lambda: defaultdict(float)
        )
        table = self.model.tables[length]
        rows = np.unique(table.context)
        grams = self.model.ngram_words(length)[rows]
        expanded: set[Context] = set()
        for ids in grams.tolist():
            tokens = tuple(self.model.words[i] for i in ids)
            prior = self._prior(tokens)
            if not any(token in self.stats for token in tokens):
                readings[tokens][("M", tokens)] += prior
                continue
            for context, share in self._expand(tokens).items():
                readings[context][("M", tokens)] += prior * share
                expanded.add(context)
        for token, stats in self.stats.items():
            mass = 10.0 ** self.model.logprob(token)
            for window, following in stats.inner.items():
                if len(window) == length:
                    readings[window][("item", (token, *window))] += mass * sum(following.values())
        for context in expanded:  # the same words may also be plain text
            if (
                all(word in self.literal for word in context)
                and ("M", context) not in readings[context]
            ):
                readings[context][("M", context)] += self._prior(context)
        return readings

    def _prior(self, tokens: Context) -> float:
        """How often the class-model tokens occur in a row: the chain of their probabilities,
        with p(<s>) taken as p(</s>), since every sentence has one of each."""
        first = EOS if tokens[0] == BOS else tokens[0]
        logprob = self.model.logprob(first)
        for position in range(1, len(tokens)):
            logprob += self.model.logprob(tokens[position], tokens[:position])
        return float(10.0**logprob)

    def _expand(self, tokens: Context) -> dict[Context, float]:
        """Word contexts a class-model context stands for, with the items' probability."""
        choices = [
            list(self.stats[t].items.items()) if t in self.stats else [((t,), 1.0)] for t in tokens
        ]
        if math.prod(len(choice) for choice in choices) > MAX_CONTEXT_EXPANSIONS:
            return {}
        contexts: dict[Context, float] = defaultdict(float)
        for combination in itertools.product(*choices):
            words = tuple(word for item, _ in combination for word in item)[-len(tokens) :]
            contexts[words] += math.prod(share for _, share in combination)
        return contexts

    def _mixture(
        self, options: dict[tuple[str, Context], float], index: dict[str, int]
    ) -> tuple[list[int], list[float]]:
        """Explicit next words (ids) of a context and their probabilities: one reading's own
        distribution, or the prior-weighted mixture of several readings."""
        if len(options) == 1:
            key = next(iter(options))
            if key not in self.id_cache:
                distribution = self._distribution(key)
                self.id_cache[key] = ([index[w] for w in distribution], list(distribution.values()))
            return self.id_cache[key]
        words = sorted(set().union(*(self._distribution(key) for key in options)))
        total = sum(options.values())
        mixed = np.zeros(len(words))
        for key, prior in options.items():
            weight = prior / total if total > 0 else 1.0 / len(options)
            mixed += weight * self._full(key, words)
        return [index[w] for w in words], mixed.tolist()

    def _distribution(self, key: tuple[str, Context]) -> Distribution:
        """The explicit next words of one reading and their probabilities (cached)."""
        if key not in self.cache:
            kind, tokens = key
            if kind == "item":
                following = self.stats[tokens[0]].inner[tokens[1:]]
                total = sum(following.values())
                self.cache[key] = {w: share / total for w, share in following.items()}
            else:
                words = sorted(self._successors(tokens))
                self.cache[key] = dict(zip(words, self._full(key, words).tolist(), strict=True))
        return self.cache[key]

    def _successors(self, tokens: Context) -> set[str]:
        """Words explicit after a class-model context: its literal successors, and the first
        words of its class successors unless the context holds a class token itself (lists on
        both sides would multiply; those n-grams back off to the context without the list)."""
        expand = not any(token in self.stats for token in tokens)
        ids = self.model.ids(tokens)
        if np.any(ids < 0):
            return set()
        row = self.model.context_rows(ids[None, :])[-1][0]
        table = self.model.tables[len(tokens)]
        if row < 0:
            return set()
        start, stop = np.searchsorted(table.context, [row, row + 1])
        words: set[str] = set()
        for word_id in table.word[start:stop].tolist():
            token = self.model.words[word_id]
            if token not in self.stats:
                words.add(token)
            elif expand:
                words.update(self.stats[token].first)
        return words

    def _full(self, key: tuple[str, Context], words: list[str]) -> np.ndarray:
        """Probability of each word under one reading, backoff included."""
        kind, tokens = key
        if kind == "item":
            distribution = self._distribution(key)
            return np.array([distribution.get(w, 0.0) for w in words])
        ids = self.model.ids(tokens)
        histories = np.repeat(ids[None, :], len(words), axis=0)
        literal = self.model.ids([w if w in self.literal else "" for w in words])
        probs = self.model.logprob_batch(histories, literal)
        result = np.where(probs > LOG10_ZERO, 10.0**probs, 0.0)
        for token, stats in self.stats.items():
            mass = 10.0 ** self.model.logprob(token, tokens)
            result += mass * np.array([stats.first.get(w, 0.0) for w in words])
        return result


def _with_backoffs(
    grams: NGramList, backoffs: dict[Context, float], index: dict[str, int]
) -> NGramList:
    """`grams` with the backoff weight of each context set; contexts it lacks are added with
    probability NaN, which `assemble` fills with the backed-off value."""
    width = grams.words.shape[1]
    position = {tuple(row): i for i, row in enumerate(grams.words.tolist())}
    backoff = grams.backoff.copy()
    extra: list[list[int]] = []
    extra_backoff: list[float] = []
    for context, value in backoffs.items():
        ids = [index[w] for w in context]
        if tuple(ids) in position:
            backoff[position[tuple(ids)]] = value
        else:
            extra.append(ids)
            extra_backoff.append(value)
    return NGramList(
        np.concatenate([grams.words, np.array(extra, np.int64).reshape(-1, width)]),
        np.concatenate([grams.logprob, np.full(len(extra), np.nan)]),
        np.concatenate([backoff, np.array(extra_backoff)]),
    )


def _log10(value: float) -> float:
    return math.log10(value) if value > 0 else LOG10_ZERO
