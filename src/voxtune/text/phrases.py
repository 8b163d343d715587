"""Phrases looked up on token sequences, longest first: the matching behind #rewrite rules
and profanity lists."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")
Key = tuple[str, ...]


@dataclass(frozen=True)
class PhraseTable(Generic[V]):
    """Phrases (tuples of normalized tokens) with a value each, grouped by their first token."""

    by_first: dict[str, tuple[tuple[Key, V], ...]]

    @classmethod
    def build(cls, entries: Iterable[tuple[Key, V]]) -> PhraseTable[V]:
        """The first value given for a phrase wins; empty phrases are ignored."""
        table: dict[Key, V] = {}
        for key, value in entries:
            if key:
                table.setdefault(key, value)
        by_first: dict[str, list[tuple[Key, V]]] = {}
        for key, value in table.items():
            by_first.setdefault(key[0], []).append((key, value))
        return cls({k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in by_first.items()})

    def __bool__(self) -> bool:
        return bool(self.by_first)

    def longest_at(self, keys: Sequence[str], start: int) -> tuple[int, V] | None:
        """(token count, value) of the longest phrase at `keys[start:]`, or None."""
        for phrase, value in self.by_first.get(keys[start], ()):
            if tuple(keys[start : start + len(phrase)]) == phrase:
                return len(phrase), value
        return None

    def spans(self, keys: Sequence[str]) -> Iterator[tuple[int, int, tuple[V] | None]]:
        """Left to right: (start, end, (value,)) for each phrase found (the longest at its
        start; found phrases never overlap), (start, start + 1, None) for every other token."""
        i = 0
        while i < len(keys):
            found = self.longest_at(keys, i)
            if found is None:
                yield i, i + 1, None
                i += 1
            else:
                yield i, i + found[0], (found[1],)
                i += found[0]
