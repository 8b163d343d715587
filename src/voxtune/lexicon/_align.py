"""Letter-to-phone alignment by EM, the first step of training the joint-sequence G2P.

Each word is cut into graphones: one letter paired with 0, 1 or 2 phones ("x" -> K S). Chunks of
several letters ("th" -> TH) were tried: EM on joint probabilities prefers few big chunks and
aligned "ahren" as ah/AA re/R n/AH N; single letters with a long n-gram context do better
(Bisani & Ney 2008 found the same). EM (forward-backward over all segmentations) estimates the
graphone probabilities, then each word takes its Viterbi segmentation.

Each word's segmentations form a lattice over states (letters used, phones used), built once
as flat int arrays so the EM passes are plain loops (about 5 s per pass over cmudict).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

Phones = tuple[str, ...]
Graphone = tuple[str, str]  # (letter, phones joined by "|"; "" = a silent letter)
MAX_PHONES_PER_LETTER = 2
# Starting weight by number of phones: EM from a flat start let 1-2 graphones swallow their
# neighbours ("budding": n -> nothing, g -> IH NG); starting them low fixes that.
_START = (0.5, 1.0, 0.01)


@dataclass(frozen=True)
class _Lattice:
    final: int  # index of the state (all letters, all phones); the start is 0
    arcs: array[int]  # flat (source, target, graphone id) triples, sources in topological order


def alignable(letters: str, phones: Phones) -> bool:
    """Whether some segmentation exists: every phone needs a letter, a letter takes <= 2."""
    return 0 < len(phones) <= MAX_PHONES_PER_LETTER * len(letters)


def _lattice(letters: str, phones: Phones, ids: dict[Graphone, int]) -> _Lattice:
    n, m = len(letters), len(phones)
    width = m + 1
    arcs = array("i")
    # chunks[k][j]: phones j .. j+k-1 as one graphone's phone string
    chunks = [[""] * width, list(phones), ["|".join(phones[j : j + 2]) for j in range(m)]]
    for i, letter in enumerate(letters):
        # Only states from which the remaining phones can still be covered are kept.
        low, high = max(0, m - 2 * (n - i)), min(m, 2 * i)
        next_low = max(0, m - 2 * (n - i - 1))
        for j in range(low, high + 1):
            for k in range(MAX_PHONES_PER_LETTER + 1):
                if next_low <= j + k <= m:
                    unit_id = ids.setdefault((letter, chunks[k][j]), len(ids))
                    arcs.extend((i * width + j, (i + 1) * width + j + k, unit_id))
    return _Lattice(n * width + m, arcs)


class Aligner:
    """EM over the lattices of a fixed list of (letters, phones) pairs."""

    def __init__(self, pairs: Sequence[tuple[str, Phones]]) -> None:
        self._ids: dict[Graphone, int] = {}
        self._lattices = [_lattice(letters, phones, self._ids) for letters, phones in pairs]
        self.units = list(self._ids)  # graphone of each id
        self.prob = [_START[phones.count("|") + 1 if phones else 0] for _, phones in self.units]

    def iterate(self) -> None:
        """One EM pass: expected graphone counts under `prob`, renormalised."""
        counts = [0.0] * len(self.units)
        prob = self.prob
        for lattice in self._lattices:
            arcs, final = lattice.arcs, lattice.final
            alpha = [0.0] * (final + 1)
            alpha[0] = 1.0
            for k in range(0, len(arcs), 3):
                alpha[arcs[k + 1]] += alpha[arcs[k]] * prob[arcs[k + 2]]
            total = alpha[final]
            if total <= 0.0:
                continue
            beta = [0.0] * (final + 1)
            beta[final] = 1.0 / total  # folding 1/total in makes alpha*p*beta a posterior
            for k in range(len(arcs) - 3, -1, -3):
                source, target, unit = arcs[k], arcs[k + 1], arcs[k + 2]
                beta[source] += prob[unit] * beta[target]
                counts[unit] += alpha[source] * prob[unit] * beta[target]
        grand = sum(counts)
        # A floor keeps graphones EM drove to zero usable by the Viterbi pass (no log(0)).
        self.prob = [max(c / grand, 1e-12) for c in counts]

    def viterbi(self) -> list[tuple[Graphone, ...] | None]:
        """The most probable segmentation of every pair (None: it has none), in order."""
        log_prob = [math.log(p) for p in self.prob]
        return [_viterbi(lattice, log_prob, self.units) for lattice in self._lattices]


def _viterbi(
    lattice: _Lattice, log_prob: list[float], units: list[Graphone]
) -> tuple[Graphone, ...] | None:
    arcs, final = lattice.arcs, lattice.final
    best = [-math.inf] * (final + 1)
    back = [-1] * (final + 1)  # the arc that reached each state best
    best[0] = 0.0
    for k in range(0, len(arcs), 3):
        score = best[arcs[k]] + log_prob[arcs[k + 2]]
        if score > best[arcs[k + 1]]:  # strict: ties keep the first arc, deterministically
            best[arcs[k + 1]], back[arcs[k + 1]] = score, k
    if back[final] < 0:
        return None
    path: list[Graphone] = []
    state = final
    while state != 0:
        k = back[state]
        path.append(units[arcs[k + 2]])
        state = arcs[k]
    return tuple(reversed(path))


def align(pairs: Sequence[tuple[str, Phones]], iterations: int) -> list[tuple[Graphone, ...]]:
    """The Viterbi graphone segmentation of every pair (after `iterations` EM passes);
    pairs that cannot be segmented are left out."""
    aligner = Aligner(pairs)
    for _ in range(iterations):
        aligner.iterate()
    return [units for units in aligner.viterbi() if units is not None]
