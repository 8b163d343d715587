"""Pronunciation variants learned from the training audio: drop the ones hardly ever spoken.

Forced alignment picks, for every word of a transcript, the dictionary variant that fits the
audio ("a" as EY, not AH, when it is a spelled letter). A variant the audio (almost) never
chose while its word was heard often is, for this domain, mostly a way to misrecognize: on
held-out AN4 speakers "a" (AH) was the most frequent insertion, and alignment chose it for 4 of
116 "a"s, which a noisy frame or two can explain. Words heard fewer than MIN_OCCURRENCES times
keep every variant; user pronunciations are never touched.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from voxtune.lexicon.dictionary import Lexicon, split_variant

MIN_OCCURRENCES = 10  # fewer aligned occurrences say too little about a word's variants
MIN_SHARE = 0.05  # a variant chosen for less than this share of its word's occurrences goes


@dataclass(frozen=True)
class PrunedPronunciation:
    word: str
    phones: str  # the variant removed
    heard: int  # aligned occurrences of the word
    chosen: int  # of them, with this variant


def variant_counts(usage: Iterable[tuple[str, int]]) -> dict[str, dict[int, int]]:
    """word -> {variant number (1 = main): aligned count} from entries like "a(2)"."""
    counts: dict[str, dict[int, int]] = {}
    for entry, count in usage:
        word, number = split_variant(entry)
        per_word = counts.setdefault(word, {})
        per_word[number] = per_word.get(number, 0) + count
    return counts


def prune_unheard_variants(
    lexicon: Lexicon,
    usage: Iterable[tuple[str, int]],
    *,
    keep: Collection[str] = (),
    min_occurrences: int = MIN_OCCURRENCES,
    min_share: float = MIN_SHARE,
) -> tuple[Lexicon, tuple[PrunedPronunciation, ...]]:
    """`lexicon` without the variants alignment chose for less than `min_share` of the
    occurrences of words heard at least `min_occurrences` times (words in `keep` are left
    alone). Variant numbers refer to the order of `lexicon`'s pronunciations: usage must come
    from aligning with this lexicon."""
    changed: list[tuple[str, list[tuple[str, ...]]]] = []
    pruned: list[PrunedPronunciation] = []
    for word, counts in sorted(variant_counts(usage).items()):
        heard = sum(counts.values())
        variants = lexicon.pronunciations(word)
        if word in keep or heard < min_occurrences or len(variants) < 2:
            continue
        kept = [
            p for n, p in enumerate(variants, start=1) if counts.get(n, 0) >= min_share * heard
        ]
        if not kept or len(kept) == len(variants):
            continue
        pruned += [
            PrunedPronunciation(word, " ".join(p), heard, counts.get(n, 0))
            for n, p in enumerate(variants, start=1)
            if p not in kept
        ]
        changed.append((word, kept))
    return lexicon.with_pronunciations(changed, replace=True), tuple(pruned)
