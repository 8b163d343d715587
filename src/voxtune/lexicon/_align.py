"""Letter-to-phone alignment by EM, the first step of training the joint-sequence G2P.

Each word is cut into graphones: one letter paired with 0, 1 or 2 phones ("x" -> K S). Chunks of
several letters ("th" -> TH) were tried: EM on joint probabilities prefers few big chunks and
aligned "ahren" as ah/AA re/R n/AH N; single letters with a long n-gram context do better
(Bisani & Ney 2008 found the same). EM (forward-backward over all segmentations) estimates the
graphone probabilities, then each word takes its Viterbi segmentation.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

Phones = tuple[str, ...]
Graphone = tuple[str, str]  # (letters, phones joined by "|"; "" = silent letters)
_STEPS = ((1, 0), (1, 1), (1, 2))  # (letters, phones) a graphone may take
_START = {(1, 0): 0.5, (1, 1): 1.0, (1, 2): 0.01}
_FLOOR = 1e-12  # probability of a chunk pair never seen in an EM pass


def _edges(letters: str, phones: Phones, i: int, j: int) -> list[tuple[int, int, Graphone]]:
    """The graphones that can start at letter i, phone j: (next i, next j, graphone)."""
    out = []
    for di, dj in _STEPS:
        if i + di <= len(letters) and j + dj <= len(phones):
            out.append((i + di, j + dj, (letters[i : i + di], "|".join(phones[j : j + dj]))))
    return out


def alignable(letters: str, phones: Phones) -> bool:
    """Whether some segmentation exists: every phone needs a letter, a letter takes <= 2."""
    return 0 < len(phones) <= 2 * len(letters)


def _expect(
    letters: str,
    phones: Phones,
    prob: dict[Graphone, float],
    default: float,
    counts: dict[Graphone, float],
) -> None:
    """Adds the expected count of every graphone in one word (forward-backward)."""
    n, m = len(letters), len(phones)
    alpha: dict[tuple[int, int], float] = defaultdict(float)
    alpha[0, 0] = 1.0
    arcs: list[tuple[int, int, int, int, Graphone, float]] = []
    # States are visited in (i, j) order, so every arc into a state is added before it leaves.
    for i in range(n + 1):
        for j in range(m + 1):
            a = alpha.get((i, j), 0.0)
            if a == 0.0:
                continue
            for ni, nj, unit in _edges(letters, phones, i, j):
                p = prob.get(unit, default * _START.get((ni - i, nj - j), 1.0))
                alpha[ni, nj] += a * p
                arcs.append((i, j, ni, nj, unit, p))
    total = alpha.get((n, m), 0.0)
    if total <= 0.0:
        return
    beta: dict[tuple[int, int], float] = defaultdict(float)
    beta[n, m] = 1.0
    for i, j, ni, nj, _unit, p in reversed(arcs):
        beta[i, j] += p * beta.get((ni, nj), 0.0)
    for i, j, ni, nj, unit, p in arcs:
        posterior = alpha[i, j] * p * beta.get((ni, nj), 0.0) / total
        if posterior > 0.0:
            counts[unit] += posterior


def estimate_graphones(
    pairs: Sequence[tuple[str, Phones]], iterations: int
) -> dict[Graphone, float]:
    """Joint graphone probabilities after `iterations` EM passes from a uniform start."""
    prob: dict[Graphone, float] = {}
    for iteration in range(iterations):
        # The first pass weighs every chunk pair 1.0 (uniform start; 1.0 rather than a small
        # number so long words do not underflow), later ones floor pairs EM has not seen.
        default = 1.0 if iteration == 0 else _FLOOR
        counts: dict[Graphone, float] = defaultdict(float)
        for letters, phones in pairs:
            _expect(letters, phones, prob, default, counts)
        total = sum(counts.values())
        if total <= 0.0:
            break
        prob = {unit: count / total for unit, count in counts.items()}
    return prob


def viterbi_align(
    letters: str, phones: Phones, prob: dict[Graphone, float]
) -> tuple[Graphone, ...] | None:
    """The most probable segmentation of one word into graphones, or None if there is none."""
    n, m = len(letters), len(phones)
    best: dict[tuple[int, int], tuple[float, tuple[int, int], Graphone]] = {
        (0, 0): (0.0, (0, 0), ("", ""))
    }
    for i in range(n + 1):
        for j in range(m + 1):
            here = best.get((i, j))
            if here is None:
                continue
            for ni, nj, unit in _edges(letters, phones, i, j):
                score = here[0] + math.log(prob.get(unit, _FLOOR))
                old = best.get((ni, nj))
                if old is None or score > old[0]:
                    best[ni, nj] = (score, (i, j), unit)
    if (n, m) not in best:
        return None
    units: list[Graphone] = []
    state = (n, m)
    while state != (0, 0):
        _score, state, unit = best[state][0], best[state][1], best[state][2]
        units.append(unit)
    return tuple(reversed(units))
