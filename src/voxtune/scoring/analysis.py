"""Error analysis: which words a model gets wrong most often, over a scored corpus."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from voxtune.errors import InvalidInputError
from voxtune.scoring.align import EditOp
from voxtune.scoring.measures import CorpusScores


@dataclass(frozen=True, slots=True)
class SubstitutionCount:
    reference: str  # the word spoken
    hypothesis: str  # the word recognized instead
    count: int


@dataclass(frozen=True, slots=True)
class WordCount:
    word: str
    count: int


@dataclass(frozen=True, slots=True)
class ErrorAnalysis:
    """The most frequent errors, most frequent first (ties in alphabetical order)."""

    substitutions: tuple[SubstitutionCount, ...]  # reference word -> hypothesis word
    deletions: tuple[WordCount, ...]  # reference words the hypothesis missed
    insertions: tuple[WordCount, ...]  # hypothesis words with no reference word


_Key = TypeVar("_Key", str, tuple[str, str])


def _most_common(counts: Counter[_Key], top: int | None) -> list[tuple[_Key, int]]:
    # Counter.most_common keeps insertion order among ties; sort them for a stable report.
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked if top is None else ranked[:top]


def _counts(scores: CorpusScores) -> tuple[Counter[tuple[str, str]], Counter[str], Counter[str]]:
    substituted: Counter[tuple[str, str]] = Counter()
    deleted: Counter[str] = Counter()
    inserted: Counter[str] = Counter()
    for utterance in scores.utterances:
        for word in utterance.alignment.words():
            # A multi-word substitution chunk arrives here word by word, paired in order.
            if word.op is EditOp.SUBSTITUTE and word.ref is not None and word.hyp is not None:
                substituted[word.ref, word.hyp] += 1
            elif word.op is EditOp.DELETE and word.ref is not None:
                deleted[word.ref] += 1
            elif word.op is EditOp.INSERT and word.hyp is not None:
                inserted[word.hyp] += 1
    return substituted, deleted, inserted


def _word_counts(ranked: Iterable[tuple[str, int]]) -> tuple[WordCount, ...]:
    return tuple(WordCount(word, count) for word, count in ranked)


def error_analysis(scores: CorpusScores, top: int | None = 10) -> ErrorAnalysis:
    """The `top` most frequent substitutions, deletions and insertions (all with top=None)."""
    if top is not None and top < 0:
        raise InvalidInputError(f"top must be zero or more, got {top}")
    substituted, deleted, inserted = _counts(scores)
    return ErrorAnalysis(
        substitutions=tuple(
            SubstitutionCount(ref, hyp, count)
            for (ref, hyp), count in _most_common(substituted, top)
        ),
        deletions=_word_counts(_most_common(deleted, top)),
        insertions=_word_counts(_most_common(inserted, top)),
    )


__all__ = ["ErrorAnalysis", "SubstitutionCount", "WordCount", "error_analysis"]
