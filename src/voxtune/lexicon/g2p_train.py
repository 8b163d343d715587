"""Training and measuring the joint-sequence G2P from a pronunciation dictionary.

    python -m voxtune.lexicon.g2p_train [OUT] [--order N] [--iterations N]

rebuilds the shipped model from the bundled cmudict (about 5 minutes on one core). Words whose
sha1 falls in one bucket of 63 (about 2,000 of 126k) are held out of training, so the shipped
model can be measured honestly on them (`evaluate`, tests/test_lexicon_g2p.py).
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from voxtune.lexicon._align import align, alignable
from voxtune.lexicon._ngram import BackoffModel, estimate, write_model
from voxtune.lexicon.dictionary import Lexicon
from voxtune.lexicon.g2p import G2P, G2P_MODEL_PATH, G2P_WORD
from voxtune.lexicon.phones import Phones

HELD_OUT_BUCKETS = 63  # 1 word in 63 is held out: ~2,000 of the 126k words in cmudict-en-us
# Held-out measurements (1,970 words; word accuracy / phone error rate / model file):
#   order 4: 0.706 / 0.071 / 1.4 MB      order 5: 0.731 / 0.064 / 2.2 MB
#   order 6: 0.740 / 0.062 / 4.3 MB      order 7, 6-7 w/o singletons: 0.738 / 0.063 / 3.5 MB
# Cutting singletons from order 3 up cost 1-2 points. Order 5 is within about one standard
# error (1 point) of order 6 at half the size and load time.
DEFAULT_ORDER = 5
DEFAULT_MIN_COUNT = (1,)  # per order (the last repeats): keep every n-gram
DEFAULT_ITERATIONS = 5  # EM passes: 3, 5, 8 and 12 score within 0.2 points of each other


def is_held_out(word: str) -> bool:
    digest = hashlib.sha1(word.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % HELD_OUT_BUCKETS == 0


def training_pairs(lexicon: Lexicon) -> list[tuple[str, Phones]]:
    """(word, phones) for every pronunciation of every G2P-readable, not held-out word."""
    return [
        (word, phones)
        for word in lexicon.words()
        if G2P_WORD.fullmatch(word) and not is_held_out(word)
        for phones in lexicon.pronunciations(word)
        if alignable(word, phones)
    ]


def held_out_words(lexicon: Lexicon) -> list[str]:
    return [w for w in lexicon.words() if G2P_WORD.fullmatch(w) and is_held_out(w)]


def train(
    pairs: Sequence[tuple[str, Phones]],
    *,
    order: int = DEFAULT_ORDER,
    min_count: Sequence[int] = DEFAULT_MIN_COUNT,
    iterations: int = DEFAULT_ITERATIONS,
) -> tuple[BackoffModel, list[str]]:
    """The graphone n-gram model and its unit names (`letter:PH_PH`, id 0/1 = <s>/</s>)."""
    units = ["<s>", "</s>"]
    ids: dict[tuple[str, str], int] = {}
    sequences: list[list[int]] = []
    for aligned in align(pairs, iterations):
        sequence = []
        for unit in aligned:
            if unit not in ids:
                ids[unit] = len(units)
                units.append(f"{unit[0]}:{unit[1].replace('|', '_')}")
            sequence.append(ids[unit])
        sequences.append(sequence)
    return estimate(sequences, order, min_count), units


@dataclass(frozen=True)
class G2PScore:
    words: int
    word_accuracy: float  # share of words whose prediction equals one of the references
    phone_error_rate: float  # edit distance to the closest reference / its length, summed
    seconds_per_word: float


def evaluate(g2p: G2P, lexicon: Lexicon, words: Iterable[str]) -> G2PScore:
    """Scores `g2p` against `lexicon`'s pronunciations (any variant counts as right)."""
    n_words = correct = errors = length = 0
    start = time.perf_counter()
    for word in words:
        references = lexicon.pronunciations(word)
        predicted = g2p.predict(word)
        n_words += 1
        correct += predicted in references
        distance, ref_len = min((_edit_distance(predicted, r), len(r)) for r in references)
        errors += distance
        length += ref_len
    elapsed = time.perf_counter() - start
    return G2PScore(
        words=n_words,
        word_accuracy=correct / max(n_words, 1),
        phone_error_rate=errors / max(length, 1),
        seconds_per_word=elapsed / max(n_words, 1),
    )


def _edit_distance(a: Phones, b: Phones) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def main(argv: Sequence[str] | None = None) -> None:
    from voxtune.engine.bundle import base_bundle
    from voxtune.lexicon.g2p import JointSequenceG2P

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", nargs="?", type=Path, default=G2P_MODEL_PATH)
    parser.add_argument("--order", type=int, default=DEFAULT_ORDER)
    parser.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS)
    parser.add_argument("--min-count", type=int, nargs="+", default=list(DEFAULT_MIN_COUNT))
    args = parser.parse_args(argv)
    lexicon = Lexicon.load(base_bundle().dictionary_path)
    started = time.perf_counter()
    model, units = train(
        training_pairs(lexicon),
        order=args.order,
        min_count=args.min_count,
        iterations=args.iterations,
    )
    write_model(model, units, args.out)
    print(f"trained in {time.perf_counter() - started:.0f} s: {len(model.logprob)} n-grams")
    score = evaluate(JointSequenceG2P.load(args.out), lexicon, held_out_words(lexicon))
    print(score)


if __name__ == "__main__":
    main()
