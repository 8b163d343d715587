"""Read a finished pocketsphinx utterance into a `Phrase`: words, timings, N-best, confidences.

Confidences
-----------
Word confidence is pocketsphinx's lattice posterior for the word (`seg().prob`, forward-backward
over the word lattice with the decoder's acoustic scale), clamped to [0, 1]. That posterior is
only computed by the bestpath search; a decoder run with bestpath off (custom models: see
engine/sphinx/decoder_options.py) reports 1.0 for every word, so its word confidence is the N-best
posterior instead: the share of the N-best mass (below) whose text keeps that word where the
best path has it (`nbest_word_confidences`).

Alternative confidence is a posterior over the N-best list. Each N-best path score is
`acoustic + lw * LM` in the decoder's units (log base 1.0001, shifted right by SENSCR_SHIFT=10
bits); we turn it into natural log, divide by the LM weight (the usual lattice acoustic scale
1/lw, so the LM counts once), sum the paths that spell the same words (they differ only in
silences or pronunciation variants), and take a softmax over the distinct texts. On AN4 clips
this puts "yes" at ~0.6 where its word posterior is 0.51, so the two scales agree.

The first alternative is always the decoder's best path (`hyp()`, the one with word timings).
The A* N-best search rescores with a trigram and can rank that text lower or miss it on long
lattices; the best path is then given the top N-best score. Confidences are made
non-increasing down the list (a later one is capped at the one before), so they stay sorted
and, being part of one softmax, sum to at most 1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from typing import Any

from voxtune.engine.types import Alternative, Phrase, Word
from voxtune.units import TICKS_PER_SECOND, Ticks

SENSCR_SHIFT_FACTOR = 1 << 10  # pocketsphinx keeps path scores shifted right by 10 bits
NBEST_PATHS = 40  # raw N-best paths read; many differ only in silences or variants
_VARIANT = re.compile(r"\(\d+\)$")  # "read(2)": second pronunciation of "read"


def lexical_word(token: str) -> str | None:
    """A dictionary word as lexical text, or None for <s>, </s>, <sil>, [NOISE], ++UH++."""
    if not token or token.startswith(("<", "[", "+")):
        return None
    return _VARIANT.sub("", token).lower()


def lexical_text(hypstr: str | None) -> str:
    words = (lexical_word(token) for token in (hypstr or "").split())
    return " ".join(word for word in words if word)


def phrase_words(segments: Iterable[Any], offset_ticks: Ticks, frame_rate: int) -> list[Word]:
    """Words of the best path from `decoder.seg()`; frames count from the utterance start."""
    ticks_per_frame = TICKS_PER_SECOND // frame_rate
    words = []
    for seg in segments:
        text = lexical_word(seg.word)
        if text is None:
            continue
        words.append(
            Word(
                text=text,
                offset_ticks=offset_ticks + seg.start_frame * ticks_per_frame,
                duration_ticks=(seg.end_frame - seg.start_frame + 1) * ticks_per_frame,
                confidence=min(1.0, max(0.0, float(seg.prob))),
            )
        )
    return words


def nbest_scores(
    nbest: Iterable[Any], lm_weight: float, limit: int = NBEST_PATHS
) -> dict[str, float]:
    """Distinct N-best texts with their scaled log scores (paths of one text log-summed)."""
    scores: dict[str, float] = {}
    for count, hypothesis in enumerate(nbest):
        if count >= limit:
            break
        if hypothesis is None:  # pocketsphinx yields None for a path it cannot spell out
            continue
        text = lexical_text(hypothesis.hypstr)
        score = float(hypothesis.score)  # pocketsphinx hands back exp(path score)
        if not text or score <= 0.0:  # 0.0: the score underflowed (a very long phrase)
            continue
        scaled = math.log(score) * SENSCR_SHIFT_FACTOR / lm_weight
        previous = scores.get(text)
        scores[text] = scaled if previous is None else _log_add(previous, scaled)
    return scores


def build_alternatives(
    best_words: Sequence[Word], scores: dict[str, float], max_alternatives: int
) -> tuple[Alternative, ...]:
    """The best path first, then other N-best texts by posterior, confidences non-increasing."""
    best_text = " ".join(word.text for word in best_words)
    if not scores:
        # No usable N-best: fall back to the mean word posterior of the best path.
        mean = sum(w.confidence for w in best_words) / len(best_words) if best_words else 0.0
        return (Alternative(best_text, mean, tuple(best_words)),)
    scores = dict(scores)
    scores.setdefault(best_text, max(scores.values()))
    top = max(scores.values())
    weights = {text: math.exp(score - top) for text, score in scores.items()}
    total = sum(weights.values())
    others = sorted((t for t in weights if t != best_text), key=lambda t: -weights[t])
    confidence = weights[best_text] / total
    alternatives = [Alternative(best_text, confidence, tuple(best_words))]
    for text in others[: max(0, max_alternatives - 1)]:
        confidence = min(confidence, weights[text] / total)
        alternatives.append(Alternative(text, confidence))
    return tuple(alternatives)


def nbest_word_confidences(best_words: Sequence[Word], scores: dict[str, float]) -> list[float]:
    """Each best-path word's posterior over the N-best texts: the softmax mass of the texts
    that, aligned word by word with the best path, keep it. The best path keeps every word, so
    a word's confidence is at least the best path's own posterior."""
    best = [word.text for word in best_words]
    best_text = " ".join(best)
    scores = dict(scores)
    scores.setdefault(best_text, max(scores.values(), default=0.0))
    top = max(scores.values())
    kept = [0.0] * len(best)
    total = 0.0
    for text, score in scores.items():
        weight = math.exp(score - top)
        total += weight
        matcher = SequenceMatcher(None, best, text.split(), autojunk=False)
        for block in matcher.get_matching_blocks():
            for index in range(block.a, block.a + block.size):
                kept[index] += weight
    return [min(1.0, value / total) for value in kept]


def make_phrase(
    alternatives: tuple[Alternative, ...], span_offset: Ticks, span_duration: Ticks
) -> Phrase:
    """A phrase timed by its words when it has any, else by the audio it was decoded from."""
    words = alternatives[0].words
    if words:
        start = words[0].offset_ticks
        end = words[-1].offset_ticks + words[-1].duration_ticks
        return Phrase(start, end - start, alternatives)
    return Phrase(span_offset, span_duration, alternatives)


def _log_add(a: float, b: float) -> float:
    high, low = max(a, b), min(a, b)
    return high + math.log1p(math.exp(low - high))
