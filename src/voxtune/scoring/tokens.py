"""Token error rates on display text, and what kind of edit each token error is.

Word error rate compares lexical forms ("five", no case, no punctuation); the token figures of
Azure's evaluations compare what a user reads: the display forms, tokenized so punctuation
marks are tokens of their own ("Hello, Dr. Smith." -> Hello , Dr . Smith .). Each edit of the
token alignment is put in one of Azure's categories (TokenErrorDetails):

    punctuation               a punctuation token inserted, deleted or replaced, or a word
                              that differs only in punctuation inside it ("dont" / "don't")
    capitalization            a word that differs only in case ("Smith" / "smith")
    inverseTextNormalization  a run of edits whose lexical forms agree ("5" / "five",
                              "25" / "twenty five"): the words were right, their format not
    lexical                   a different word
    others                    anything else: symbols such as $, + or emoji

The alignment has the fewest edits (as for WER); among such alignments it prefers pairing a
word with a word that differs only in case or punctuation, then word with word, and pairs a
punctuation mark with a word last ("Hello, Dr." / "hello doctor": the comma is deleted and
"Dr." replaced, not the other way round), so the categories describe what happened.
TER = (S + D + I) / N over display tokens, N the reference token count (N = 0 counted as 1, as
for WER). percentageOfAllEdits is a percentage (0..100) of the utterance's or corpus's edits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from voxtune.scoring.align import AlignedWord, Alignment, EditOp, align, alignment_from_ops
from voxtune.scoring.measures import RATE_DECIMALS, JSONValue, error_rate
from voxtune.text import lexical_tokens

# A word (letters, digits, marks) with inner apostrophes, periods, hyphens, colons or slashes
# ("don't", "3.5", "e-mail", "10:30"), or any other single non-space character.
_TOKEN = re.compile(r"[^\W_]+(?:['’.\-:/][^\W_]+)*|\S", re.UNICODE)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


class TokenEdit(StrEnum):
    """The categories of TokenErrorDetails, by their JSON names."""

    PUNCTUATION = "punctuation"
    CAPITALIZATION = "capitalization"
    INVERSE_TEXT_NORMALIZATION = "inverseTextNormalization"
    LEXICAL = "lexical"
    OTHERS = "others"


def display_tokens(text: str) -> list[str]:
    """The tokens of a display text: words and single punctuation or symbol characters."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text))


# Above this many alignment cells the preference-aware dynamic program (pure Python) is too
# slow; the plain minimum-edit alignment is used instead (same counts, cruder categories).
MAX_PREFERENCE_CELLS = 250_000  # e.g. two 500-token texts
_GAP_PREFERENCE = 2  # an insertion or deletion
_SUBSTITUTION_PREFERENCE = (0, 2, 5)  # same but case/punctuation, word/word, punctuation/word


def _is_punctuation(token: str) -> bool:
    return all(unicodedata.category(char).startswith("P") for char in token)


def _substitution_preference(ref: str, hyp: str) -> int:
    if _NON_WORD.sub("", ref).casefold() == _NON_WORD.sub("", hyp).casefold():
        return _SUBSTITUTION_PREFERENCE[0]
    if _is_punctuation(ref) != _is_punctuation(hyp):
        return _SUBSTITUTION_PREFERENCE[2]
    return _SUBSTITUTION_PREFERENCE[1]


def align_display_tokens(reference: Sequence[str], hypothesis: Sequence[str]) -> Alignment:
    """Minimum edits first, then the preferences above (module docstring)."""
    ref, hyp = list(reference), list(hypothesis)
    if len(ref) * len(hyp) > MAX_PREFERENCE_CELLS:
        return align(ref, hyp)
    # Cost = edits * scale + preference; scale exceeds any sum of preferences, so the
    # number of edits is minimal first and the preferences only break ties.
    scale = (len(ref) + len(hyp) + 1) * max(_GAP_PREFERENCE, *_SUBSTITUTION_PREFERENCE) + 1
    gap = scale + _GAP_PREFERENCE
    previous = [j * gap for j in range(len(hyp) + 1)]
    moves: list[list[EditOp]] = [[EditOp.INSERT] * (len(hyp) + 1)]
    for i, r in enumerate(ref, start=1):
        current = [i * gap]
        row = [EditOp.DELETE]
        for j, h in enumerate(hyp, start=1):
            if r == h:
                diagonal, op = previous[j - 1], EditOp.EQUAL
            else:
                diagonal = previous[j - 1] + scale + _substitution_preference(r, h)
                op = EditOp.SUBSTITUTE
            best, best_op = diagonal, op
            if previous[j] + gap < best:
                best, best_op = previous[j] + gap, EditOp.DELETE
            if current[j - 1] + gap < best:
                best, best_op = current[j - 1] + gap, EditOp.INSERT
            current.append(best)
            row.append(best_op)
        previous = current
        moves.append(row)
    ops: list[EditOp] = []
    i, j = len(ref), len(hyp)
    while i or j:
        op = moves[i][j] if i and j else (EditOp.DELETE if i else EditOp.INSERT)
        ops.append(op)
        i -= op is not EditOp.INSERT
        j -= op is not EditOp.DELETE
    return alignment_from_ops(ref, hyp, ops[::-1])


def _classify(word: AlignedWord, span_is_format: bool) -> TokenEdit:
    """The category of one edit; `span_is_format`: its run of edits agrees lexically."""
    ref, hyp = word.ref or "", word.hyp or ""
    present = [token for token in (ref, hyp) if token]
    if all(_is_punctuation(token) for token in present):
        return TokenEdit.PUNCTUATION
    if ref and hyp:
        bare_ref, bare_hyp = _NON_WORD.sub("", ref), _NON_WORD.sub("", hyp)
        if bare_ref and bare_ref == bare_hyp:
            return TokenEdit.PUNCTUATION
        if bare_ref and bare_ref.casefold() == bare_hyp.casefold():
            return TokenEdit.CAPITALIZATION  # possibly with inner punctuation as well
    if span_is_format:
        return TokenEdit.INVERSE_TEXT_NORMALIZATION
    if not any(_NON_WORD.sub("", token) for token in present):
        return TokenEdit.OTHERS  # symbols only, not punctuation
    return TokenEdit.LEXICAL


def _categories(alignment: Alignment, locale: str) -> dict[TokenEdit, int]:
    """Edits per category; a run of consecutive edits is judged as one span for ITN."""
    counts = dict.fromkeys(TokenEdit, 0)
    run: list[AlignedWord] = []

    def close_run() -> None:
        refs = " ".join(w.ref for w in run if w.ref)
        hyps = " ".join(w.hyp for w in run if w.hyp)
        lexical_ref = lexical_tokens(refs, locale)
        is_format = bool(lexical_ref) and lexical_ref == lexical_tokens(hyps, locale)
        for word in run:
            counts[_classify(word, is_format)] += 1
        run.clear()

    for word in alignment.words():
        if word.op is EditOp.EQUAL:
            if run:
                close_run()
        else:
            run.append(word)
    if run:
        close_run()
    return counts


def _edits_json(counts: dict[TokenEdit, int]) -> dict[str, JSONValue]:
    total = sum(counts.values())
    return {
        category.value: {
            "numberOfEdits": counts[category],
            "percentageOfAllEdits": round(100 * counts[category] / total, RATE_DECIMALS)
            if total
            else 0.0,
        }
        for category in TokenEdit
    }


@dataclass(frozen=True, slots=True)
class UtteranceTokenScore:
    id: str
    alignment: Alignment  # of the display tokens of reference and hypothesis
    edits: dict[TokenEdit, int]  # how many edits of each category

    @property
    def errors(self) -> int:
        return self.alignment.errors

    @property
    def ter(self) -> float:
        return error_rate(self.errors, len(self.alignment.reference))

    def to_json(self) -> dict[str, JSONValue]:
        """The display-token part of an evaluation's per-utterance details."""
        return {
            "referenceTokens": list(self.alignment.reference),
            "hypothesisTokens": list(self.alignment.hypothesis),
            "counts": {
                "referenceTokens": len(self.alignment.reference),
                "hits": self.alignment.hits,
                "substitutions": self.alignment.substitutions,
                "deletions": self.alignment.deletions,
                "insertions": self.alignment.insertions,
            },
            "tokenErrorRate": round(self.ter, RATE_DECIMALS),
            "tokenErrors": _edits_json(self.edits),
        }


@dataclass(frozen=True, slots=True)
class CorpusTokenScores:
    """Display-token scores of a set of utterances; the totals are derived from them."""

    utterances: tuple[UtteranceTokenScore, ...]
    token_count: int = field(init=False)  # N: reference display tokens
    correct_token_count: int = field(init=False)
    substitution_count: int = field(init=False)
    deletion_count: int = field(init=False)
    insertion_count: int = field(init=False)
    edits: dict[TokenEdit, int] = field(init=False)

    def __post_init__(self) -> None:
        utterances = tuple(self.utterances)
        totals = {
            "utterances": utterances,
            "token_count": sum(len(u.alignment.reference) for u in utterances),
            "correct_token_count": sum(u.alignment.hits for u in utterances),
            "substitution_count": sum(u.alignment.substitutions for u in utterances),
            "deletion_count": sum(u.alignment.deletions for u in utterances),
            "insertion_count": sum(u.alignment.insertions for u in utterances),
            "edits": {c: sum(u.edits[c] for u in utterances) for c in TokenEdit},
        }
        for name, value in totals.items():
            object.__setattr__(self, name, value)  # frozen: set once, here

    @property
    def error_count(self) -> int:
        return self.substitution_count + self.deletion_count + self.insertion_count

    @property
    def ter(self) -> float:
        return error_rate(self.error_count, self.token_count)


def score_tokens_utterance(
    utterance_id: str, reference: str, hypothesis: str, *, locale: str = "en-US"
) -> UtteranceTokenScore:
    """Aligns the display tokens of both texts and categorizes the edits."""
    alignment = align_display_tokens(display_tokens(reference), display_tokens(hypothesis))
    return UtteranceTokenScore(utterance_id, alignment, _categories(alignment, locale))


def score_tokens(
    triples: Iterable[tuple[str, str, str]], *, locale: str = "en-US"
) -> CorpusTokenScores:
    """Scores (utterance id, reference display text, hypothesis display text) triples."""
    return CorpusTokenScores(
        tuple(score_tokens_utterance(u, r, h, locale=locale) for u, r, h in triples)
    )


def azure_token_properties(scores: CorpusTokenScores, suffix: str) -> dict[str, JSONValue]:
    """The token figures of Azure's EvaluationProperties for one model (suffix "1" or "2")."""
    return {
        f"tokenErrorRate{suffix}": round(scores.ter, RATE_DECIMALS),
        f"tokenCount{suffix}": scores.token_count,
        f"correctTokenCount{suffix}": scores.correct_token_count,
        f"tokenSubstitutionCount{suffix}": scores.substitution_count,
        f"tokenDeletionCount{suffix}": scores.deletion_count,
        f"tokenInsertionCount{suffix}": scores.insertion_count,
        f"tokenErrors{suffix}": _edits_json(scores.edits),
    }


def edit_counts(scores: CorpusTokenScores | UtteranceTokenScore) -> dict[str, int]:
    """Edits per category by JSON name (for reports and tests)."""
    return {category.value: count for category, count in scores.edits.items()}


__all__ = [
    "CorpusTokenScores",
    "TokenEdit",
    "UtteranceTokenScore",
    "align_display_tokens",
    "azure_token_properties",
    "display_tokens",
    "edit_counts",
    "score_tokens",
    "score_tokens_utterance",
]

