"""The typed result of a LanguageMarkdown (structured text) dataset; parsing is in markdown.py."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from voxtune.data.report import DatasetReport

LIST_REFERENCE = re.compile(r"\{@\s*([^{}\s]+)\s*\}")  # `{@name}`, spaces tolerated inside


@dataclass(frozen=True)
class WordList:
    name: str
    items: tuple[str, ...]  # as written
    normalized: tuple[str, ...]  # lexical forms, same order
    line: int  # of the `@ list` header


@dataclass(frozen=True)
class LexiconEntry:
    word: str
    phones: tuple[str, ...]  # upper-case ARPAbet for en-US; as written for other locales
    line: int


@dataclass(frozen=True)
class SentenceTemplate:
    section: str
    text: str  # as written; may contain `{@list}` references
    normalized: str  # literal words normalized, references kept as `{@list}`
    lists: tuple[str, ...]  # referenced list names, in order of appearance
    line: int


@dataclass(frozen=True)
class LanguageMarkdown:
    lists: tuple[WordList, ...]
    lexicon: tuple[LexiconEntry, ...]
    templates: tuple[SentenceTemplate, ...]
    report: DatasetReport

    def word_list(self, name: str) -> WordList:
        for word_list in self.lists:
            if word_list.name == name:
                return word_list
        raise KeyError(name)

    def sample_sentences(
        self, n: int, seed: int = 0, *, normalized: bool = False
    ) -> tuple[str, ...]:
        """`n` sentences drawn at random (reproducibly), each reference filled with one item."""
        if not self.templates:
            return ()
        rng = random.Random(seed)
        lists = {
            word_list.name: word_list.normalized if normalized else word_list.items
            for word_list in self.lists
        }
        sentences: list[str] = []
        for _ in range(n):
            template = rng.choice(self.templates)
            text = template.normalized if normalized else template.text
            sentences.append(LIST_REFERENCE.sub(lambda m: rng.choice(lists[m.group(1)]), text))
        return tuple(sentences)
