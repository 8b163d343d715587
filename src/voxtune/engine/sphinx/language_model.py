"""The language-model step of training: domain Kneser-Ney LM, mixed with the base general LM.

The weight (Azure's customModelWeightPercent) is the user's, or chosen by held-out perplexity
on a deterministic slice of the domain text. The final domain LM is estimated on all the text
and mixed with the chosen weight; the bundle stores pocketsphinx's binary format.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from voxtune.errors import InvalidInputError, TrainingError
from voxtune.lm.arpa import arpa_to_binary, write_arpa
from voxtune.lm.classes import WordClass, estimate_with_classes
from voxtune.lm.interpolate import interpolate
from voxtune.lm.model import NGramModel
from voxtune.lm.perplexity import perplexity
from voxtune.lm.sphinx_binary import read_binary
from voxtune.lm.tune import DEFAULT_CANDIDATES, choose_weight, split_heldout
from voxtune.units import Seconds


@dataclass(frozen=True)
class LanguageModelReport:
    order: int
    weight_percent: int
    weight_chosen_by: str  # "user" or "held-out perplexity"
    candidates: tuple[tuple[float, float], ...]  # (weight, held-out perplexity)
    heldout_sentences: int
    perplexity_base: float  # base general LM on the held-out slice
    perplexity_custom: float  # the mixed LM (estimated without the slice) on it
    ngram_counts: tuple[int, ...]  # of the final mixed model
    vocabulary_size: int
    elapsed_s: Seconds


def build_language_model(
    sentences: Sequence[Sequence[str]],
    classes: Sequence[WordClass],
    general_lm_path: Path,
    out_path: Path,
    *,
    weight_percent: int | None,
    order: int,
) -> tuple[NGramModel, LanguageModelReport]:
    """Writes the mixed model to `out_path` (pocketsphinx binary) and returns it."""
    if weight_percent is not None and not 1 <= weight_percent <= 100:
        raise InvalidInputError(f"weight must be within 1..100, not {weight_percent}")
    started = time.monotonic()
    general = read_binary(general_lm_path)
    plain: list[Sequence[str]] = [_fill_classes(s, classes) for s in sentences]
    train, heldout = split_heldout(plain)
    if not heldout:  # too little text to hold any out: measure on what there is
        train, heldout = plain, plain
    candidates = (weight_percent / 100,) if weight_percent is not None else DEFAULT_CANDIDATES
    choice = choose_weight(train, heldout, general, candidates, order=order)
    base_ppl = perplexity(general, heldout).ppl
    domain = estimate_with_classes(sentences, classes, order)
    mixed = interpolate(domain, general, choice.weight)
    arpa_path = out_path.with_suffix(".arpa")
    write_arpa(mixed, arpa_path)
    arpa_to_binary(arpa_path, out_path)
    arpa_path.unlink()
    chosen_ppl = dict(choice.perplexities).get(choice.weight, float("nan"))
    report = LanguageModelReport(
        order=order,
        weight_percent=choice.weight_percent,
        weight_chosen_by="user" if weight_percent is not None else "held-out perplexity",
        candidates=choice.perplexities,
        heldout_sentences=choice.heldout_sentences,
        perplexity_base=base_ppl,
        perplexity_custom=chosen_ppl,
        ngram_counts=mixed.counts,
        vocabulary_size=len(mixed.vocabulary()),
        elapsed_s=time.monotonic() - started,
    )
    return mixed, report


def _fill_classes(sentence: Sequence[str], classes: Sequence[WordClass]) -> list[str]:
    """For weight tuning only: a class token replaced by one of its items, chosen by a hash
    of the sentence so the choice is deterministic (the final LM keeps the class model)."""
    by_token = {c.token: c for c in classes}
    if not any(token in by_token for token in sentence):
        return list(sentence)
    seed = zlib.crc32(" ".join(sentence).encode())
    filled: list[str] = []
    for position, token in enumerate(sentence):
        word_class = by_token.get(token)
        if word_class is None:
            filled.append(token)
        else:
            filled += word_class.items[(seed + position) % len(word_class.items)]
    return filled


def vocabulary_oov_rate(sentences: Sequence[Sequence[str]], known: set[str]) -> float:
    """Share of running words of the training text that the base vocabulary lacks."""
    words = [w for s in sentences for w in s if not w.startswith("[")]
    if not words:
        raise TrainingError("no words in the training text")
    return sum(w not in known for w in words) / len(words)
