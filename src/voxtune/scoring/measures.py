"""Error rates of utterances and corpora, and the Azure evaluation properties built from them.

WER = (S + D + I) / N over the lexical forms (`voxtune.text.normalize_lexical`) of reference
and hypothesis, N the number of reference words; corpus WER sums errors and words over all
utterances (it is not the mean of utterance WERs). SER is the fraction of utterances with at
least one error.

Empty references (N = 0) do not raise, unlike jiwer: the divisor becomes 1, so WER is the
number of inserted words (0.0 when silence is recognized as silence). That is the value jiwer
returns for an all-empty reference corpus, and it stays a finite number in JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeAlias

from voxtune.scoring.align import Alignment, align
from voxtune.text import lexical_tokens

JSONValue: TypeAlias = str | int | float | bool | list["JSONValue"] | dict[str, "JSONValue"] | None

# Rates in Azure evaluation properties are fractions (0.0289, not 2.89%), as the REST API
# returns them; 6 decimals resolve one error in a million words.
RATE_DECIMALS = 6


def error_rate(errors: int, reference_words: int) -> float:
    """errors / N, with N = 0 counted as 1 (see the module docstring)."""
    return errors / max(reference_words, 1)


@dataclass(frozen=True, slots=True)
class UtteranceScore:
    id: str  # the utterance id, e.g. the audio file name
    reference: str  # the human transcript as given
    hypothesis: str  # the recognized text as given
    alignment: Alignment  # of the lexical tokens of both

    @property
    def reference_word_count(self) -> int:
        return len(self.alignment.reference)

    @property
    def hypothesis_word_count(self) -> int:
        return len(self.alignment.hypothesis)

    @property
    def hits(self) -> int:
        return self.alignment.hits

    @property
    def substitutions(self) -> int:
        return self.alignment.substitutions

    @property
    def deletions(self) -> int:
        return self.alignment.deletions

    @property
    def insertions(self) -> int:
        return self.alignment.insertions

    @property
    def errors(self) -> int:
        return self.alignment.errors

    @property
    def wer(self) -> float:
        return error_rate(self.errors, self.reference_word_count)

    @property
    def sentence_error(self) -> bool:
        return self.errors > 0

    def to_json(self) -> dict[str, JSONValue]:
        """The per-utterance record of an evaluation's details file."""
        ops: list[JSONValue] = [
            {"op": word.op.value, "ref": word.ref, "hyp": word.hyp}
            for word in self.alignment.words()
        ]
        return {
            "id": self.id,
            "reference": self.reference,
            "hypothesis": self.hypothesis,
            "referenceTokens": list(self.alignment.reference),
            "hypothesisTokens": list(self.alignment.hypothesis),
            "ops": ops,
            "counts": {
                "referenceWords": self.reference_word_count,
                "hits": self.hits,
                "substitutions": self.substitutions,
                "deletions": self.deletions,
                "insertions": self.insertions,
            },
            "wordErrorRate": self.wer,
            "sentenceError": self.sentence_error,
        }


@dataclass(frozen=True, slots=True)
class CorpusScores:
    """Scores of a set of utterances; the totals are derived from them, never passed in."""

    utterances: tuple[UtteranceScore, ...]
    sentence_count: int = field(init=False)
    sentence_error_count: int = field(init=False)
    word_count: int = field(init=False)  # N: reference words
    correct_word_count: int = field(init=False)
    substitution_count: int = field(init=False)
    deletion_count: int = field(init=False)
    insertion_count: int = field(init=False)

    def __post_init__(self) -> None:
        # frozen: the derived fields are set once, here
        object.__setattr__(self, "utterances", tuple(self.utterances))
        totals = {
            "sentence_count": len(self.utterances),
            "sentence_error_count": sum(u.sentence_error for u in self.utterances),
            "word_count": sum(u.reference_word_count for u in self.utterances),
            "correct_word_count": sum(u.hits for u in self.utterances),
            "substitution_count": sum(u.substitutions for u in self.utterances),
            "deletion_count": sum(u.deletions for u in self.utterances),
            "insertion_count": sum(u.insertions for u in self.utterances),
        }
        for name, value in totals.items():
            object.__setattr__(self, name, value)

    @property
    def error_count(self) -> int:
        return self.substitution_count + self.deletion_count + self.insertion_count

    @property
    def wer(self) -> float:
        return error_rate(self.error_count, self.word_count)

    @property
    def ser(self) -> float:
        return self.sentence_error_count / self.sentence_count if self.sentence_count else 0.0


def score_utterance(
    utterance_id: str, reference: str, hypothesis: str, *, locale: str = "en-US"
) -> UtteranceScore:
    """Normalizes both texts to their lexical form and aligns them."""
    alignment = align(lexical_tokens(reference, locale), lexical_tokens(hypothesis, locale))
    return UtteranceScore(utterance_id, reference, hypothesis, alignment)


def score(pairs: Iterable[tuple[str, str, str]], *, locale: str = "en-US") -> CorpusScores:
    """Scores (utterance id, reference text, hypothesis text) triples as one corpus."""
    return CorpusScores(
        tuple(score_utterance(uid, ref, hyp, locale=locale) for uid, ref, hyp in pairs)
    )


def azure_evaluation_properties(scores: CorpusScores, suffix: str) -> dict[str, float | int]:
    """The Azure evaluation `properties` of one model: suffix "1" for model1, "2" for model2."""
    return {
        f"wordErrorRate{suffix}": round(scores.wer, RATE_DECIMALS),
        f"sentenceErrorRate{suffix}": round(scores.ser, RATE_DECIMALS),
        f"sentenceCount{suffix}": scores.sentence_count,
        f"wordCount{suffix}": scores.word_count,
        f"correctWordCount{suffix}": scores.correct_word_count,
        f"wordSubstitutionCount{suffix}": scores.substitution_count,
        f"wordDeletionCount{suffix}": scores.deletion_count,
        f"wordInsertionCount{suffix}": scores.insertion_count,
    }


__all__ = [
    "RATE_DECIMALS",
    "CorpusScores",
    "JSONValue",
    "UtteranceScore",
    "azure_evaluation_properties",
    "error_rate",
    "score",
    "score_utterance",
]
