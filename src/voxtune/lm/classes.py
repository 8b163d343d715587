"""Structured-text lists as word classes: count templates with a class token, expand after.

A template "weather in {@cities}" is counted as "weather in [cities]", so a 35,000-item list adds
one token to the class model, not 35,000 sentences. The word-level model is then built from the
class model: p(item | h) = p([cities] | h) * p(item | cities), items weighted by how often they
are listed. The expanded model has O(contexts x items) n-grams, never combinations of lists.

Each word-level context can be reached in several ways ("readings"): literally, as the end of a
list item after a class-model context, or inside a multi-word item. Its distribution is the
mixture of its readings' distributions, weighted by how often each reading occurs (the chain of
class-model probabilities, times the item's probability); backoff weights are then recomputed
so every context sums to one. With single-word items that appear nowhere else each context has
one reading and the expansion is exact.

Multi-word items ("new york") give their first word the class probability and chain the rest
inside the item (p(york | new) from the item list). After an item, the next word is predicted
from the class-model context just after the class token, except that a context the item's own
words fill (the last n-1 words) forgets what came before the item; contexts mixing a word from
before the item with a word inside it are not built and back off.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from voxtune.lm.class_expansion import expand
from voxtune.lm.kneser_ney import DEFAULT_ORDER, estimate
from voxtune.lm.model import NGramModel


@dataclass(frozen=True)
class WordClass:
    """A list of a structured-text dataset: its name and its items as lexical words."""

    name: str
    items: tuple[tuple[str, ...], ...]  # repeated items count more

    @property
    def token(self) -> str:
        return class_token(self.name)


def class_token(name: str) -> str:
    """The token that stands for a list in the class model: `[name]`. Lexical text never
    contains brackets, so it cannot collide with a word."""
    return f"[{name}]"


def estimate_with_classes(
    sentences: Iterable[Sequence[str]],
    classes: Sequence[WordClass],
    order: int = DEFAULT_ORDER,
    *,
    vocabulary_extra: Iterable[str] = (),
) -> NGramModel:
    """A word-level model from sentences that may contain class tokens."""
    tokens = [word_class.token for word_class in classes]
    class_model = estimate(sentences, order, vocabulary_extra=[*vocabulary_extra, *tokens])
    return expand_classes(class_model, classes)


def fill_classes(
    sentences: Iterable[Sequence[str]], classes: Sequence[WordClass]
) -> list[list[str]]:
    """Sentences with each class token replaced by an item of its list, taking the items in
    turn (deterministic), for scoring templates as plain text."""
    by_token = {c.token: [item for item in c.items if item] for c in classes}
    turn: dict[str, int] = defaultdict(int)
    filled: list[list[str]] = []
    for sentence in sentences:
        words: list[str] = []
        for token in sentence:
            items = by_token.get(token)
            if items:
                words.extend(items[turn[token] % len(items)])
                turn[token] += 1
            else:
                words.append(token)
        filled.append(words)
    return filled


def expand_classes(model: NGramModel, classes: Sequence[WordClass]) -> NGramModel:
    """Replace each class token of `model` by the items of its class."""
    if not classes:
        return model
    return expand(model, {c.token: c.items for c in classes})
