"""Word alignment of a hypothesis against a reference: minimum edit distance with unit costs.

Among the alignments of minimum cost, the backtrace picks the one jiwer (through rapidfuzz)
picks, so hit, substitution, deletion and insertion counts equal jiwer's `process_words`:
walking back from the end, a deletion is taken whenever it lies on an optimal path, else an
insertion when it is cheaper than a substitution or as cheap as a hit, else the diagonal
(hit or substitution). A common prefix and suffix are matched first, as rapidfuzz does.
Exception: for pairs of thousands of words whose distance matrix exceeds rapidfuzz's memory
threshold, rapidfuzz switches to Hirschberg's divide and conquer, whose ties can fall the other
way; the edit distance S + D + I is still the same, the split between S, D and I may differ.

The distance matrix is computed with the bit-parallel algorithm of Myers (1999) in Hyyrö's
formulation (2003, 2004), with one Python int as the bit vector over reference words: time
O(|hyp| * |ref| / 64) in machine words, memory two ints of |ref| bits per hypothesis word.
A 20,000-word pair aligns in seconds; a plain dynamic program in Python would take minutes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import groupby


class EditOp(StrEnum):
    EQUAL = "equal"
    SUBSTITUTE = "substitute"
    DELETE = "delete"  # a reference word missing from the hypothesis
    INSERT = "insert"  # a hypothesis word not in the reference


@dataclass(frozen=True, slots=True)
class AlignmentChunk:
    """A run of one operation: reference[ref_start:ref_end] against hypothesis[hyp_start:hyp_end].

    For `delete` the hypothesis span is empty, for `insert` the reference span; for `equal`
    and `substitute` both spans have the same length."""

    type: EditOp
    ref_start: int
    ref_end: int
    hyp_start: int
    hyp_end: int


@dataclass(frozen=True, slots=True)
class AlignedWord:
    """One column of an alignment: `ref` is None for an insertion, `hyp` for a deletion."""

    op: EditOp
    ref: str | None
    hyp: str | None


@dataclass(frozen=True, slots=True)
class Alignment:
    reference: tuple[str, ...]
    hypothesis: tuple[str, ...]
    chunks: tuple[AlignmentChunk, ...]
    hits: int
    substitutions: int
    deletions: int
    insertions: int

    @property
    def errors(self) -> int:
        """S + D + I: the edit distance."""
        return self.substitutions + self.deletions + self.insertions

    def words(self) -> Iterator[AlignedWord]:
        """The alignment column by column, multi-word chunks split word by word."""
        for chunk in self.chunks:
            refs = self.reference[chunk.ref_start : chunk.ref_end]
            hyps = self.hypothesis[chunk.hyp_start : chunk.hyp_end]
            if chunk.type is EditOp.DELETE:
                yield from (AlignedWord(chunk.type, ref, None) for ref in refs)
            elif chunk.type is EditOp.INSERT:
                yield from (AlignedWord(chunk.type, None, hyp) for hyp in hyps)
            else:
                yield from (AlignedWord(chunk.type, r, h) for r, h in zip(refs, hyps, strict=True))


def align(reference: Sequence[str], hypothesis: Sequence[str]) -> Alignment:
    """Aligns two token sequences (normalized words) with unit-cost edit distance."""
    ref, hyp = tuple(reference), tuple(hypothesis)
    prefix = _common_prefix_length(ref, hyp)
    suffix = _common_prefix_length(ref[prefix:][::-1], hyp[prefix:][::-1])
    middle = _edit_ops(ref[prefix : len(ref) - suffix], hyp[prefix : len(hyp) - suffix])
    return alignment_from_ops(ref, hyp, [EditOp.EQUAL] * prefix + middle + [EditOp.EQUAL] * suffix)


def alignment_from_ops(
    reference: Sequence[str], hypothesis: Sequence[str], ops: Sequence[EditOp]
) -> Alignment:
    """The Alignment that one op per column (in order) describes; for aligners of their own
    (display tokens, see tokens.py) that break ties differently."""
    ref, hyp = tuple(reference), tuple(hypothesis)
    chunks = tuple(_chunks(ops))
    counts = dict.fromkeys(EditOp, 0)
    for chunk in chunks:
        counts[chunk.type] += max(chunk.ref_end - chunk.ref_start, chunk.hyp_end - chunk.hyp_start)
    return Alignment(
        reference=ref,
        hypothesis=hyp,
        chunks=chunks,
        hits=counts[EditOp.EQUAL],
        substitutions=counts[EditOp.SUBSTITUTE],
        deletions=counts[EditOp.DELETE],
        insertions=counts[EditOp.INSERT],
    )


def _common_prefix_length(a: Sequence[str], b: Sequence[str]) -> int:
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length


def _vertical_deltas(ref: Sequence[str], hyp: Sequence[str]) -> tuple[list[int], list[int]]:
    """Column-wise vertical differences of the distance matrix D (D[i][j]: distance between
    ref[:i] and hyp[:j]) as bit vectors over i: bit i-1 of up[j-1] is set iff
    D[i][j] - D[i-1][j] == +1, of down[j-1] iff it is -1 (else it is 0)."""
    full = (1 << len(ref)) - 1  # masking keeps the ints non-negative; no bit flows downward
    word_bits: dict[str, int] = {}
    for i, word in enumerate(ref):
        word_bits[word] = word_bits.get(word, 0) | 1 << i
    vp, vn = full, 0  # column 0: D[i][0] = i, every vertical step is +1
    up: list[int] = []
    down: list[int] = []
    for word in hyp:
        eq = word_bits.get(word, 0)
        diagonal_zero = (((eq & vp) + vp) ^ vp) | eq | vn
        hp = vn | (~(diagonal_zero | vp) & full)  # horizontal +1
        hn = diagonal_zero & vp  # horizontal -1
        hp = ((hp << 1) | 1) & full  # row 0: D[0][j] = j, every horizontal step is +1
        hn = (hn << 1) & full
        vp = hn | (~(diagonal_zero | hp) & full)
        vn = hp & diagonal_zero
        up.append(vp)
        down.append(vn)
    return up, down


def _edit_ops(ref: Sequence[str], hyp: Sequence[str]) -> list[EditOp]:
    """One op per alignment column, by backtrace from D[len(ref)][len(hyp)]."""
    up, down = _vertical_deltas(ref, hyp)
    ops: list[EditOp] = []
    i, j = len(ref), len(hyp)
    while i and j:
        if up[j - 1] >> (i - 1) & 1:  # D[i][j] == D[i-1][j] + 1: deleting ref[i-1] is optimal
            ops.append(EditOp.DELETE)
            i -= 1
        elif j > 1 and down[j - 2] >> (i - 1) & 1:
            # D[i][j-1] < D[i-1][j-1]: inserting hyp[j-1] costs no more than the diagonal
            ops.append(EditOp.INSERT)
            j -= 1
        else:
            ops.append(EditOp.EQUAL if ref[i - 1] == hyp[j - 1] else EditOp.SUBSTITUTE)
            i -= 1
            j -= 1
    ops += [EditOp.DELETE] * i + [EditOp.INSERT] * j
    ops.reverse()
    return ops


def _chunks(ops: Sequence[EditOp]) -> Iterator[AlignmentChunk]:
    i = j = 0
    for op, run in groupby(ops):
        length = len(list(run))
        ref_length = 0 if op is EditOp.INSERT else length
        hyp_length = 0 if op is EditOp.DELETE else length
        yield AlignmentChunk(op, i, i + ref_length, j, j + hyp_length)
        i += ref_length
        j += hyp_length


__all__ = ["AlignedWord", "Alignment", "AlignmentChunk", "EditOp", "align", "alignment_from_ops"]
