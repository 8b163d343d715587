"""Word alignment: a table of cases, invariants, and jiwer as an oracle for the counts."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import jiwer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voxtune.scoring import AlignedWord, Alignment, AlignmentChunk, EditOp, align
from voxtune.text import lexical_tokens

EQ, SUB, DEL, INS = EditOp.EQUAL, EditOp.SUBSTITUTE, EditOp.DELETE, EditOp.INSERT


def _counts(alignment: Alignment) -> tuple[int, int, int, int]:
    return alignment.hits, alignment.substitutions, alignment.deletions, alignment.insertions


def _jiwer_counts(reference: list[str], hypothesis: list[str]) -> tuple[int, int, int, int]:
    out = jiwer.process_words(" ".join(reference), " ".join(hypothesis))
    return out.hits, out.substitutions, out.deletions, out.insertions


def _jiwer_chunks(reference: list[str], hypothesis: list[str]) -> list[AlignmentChunk]:
    out = jiwer.process_words(" ".join(reference), " ".join(hypothesis))
    return [
        AlignmentChunk(
            EditOp(c.type), c.ref_start_idx, c.ref_end_idx, c.hyp_start_idx, c.hyp_end_idx
        )
        for c in out.alignments[0]
    ]


def _edit_distance(a: list[str], b: list[str]) -> int:
    """Textbook dynamic program, independent of the implementation under test."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


# (reference, hypothesis, (hits, substitutions, deletions, insertions), ops column by column)
CASES = [
    ("a b c", "a b c", (3, 0, 0, 0), [EQ, EQ, EQ]),
    ("a b c", "a x c", (2, 1, 0, 0), [EQ, SUB, EQ]),
    ("a b c", "a c", (2, 0, 1, 0), [EQ, DEL, EQ]),
    ("a b c", "a b x c", (3, 0, 0, 1), [EQ, EQ, INS, EQ]),
    ("a b c", "x y z", (0, 3, 0, 0), [SUB, SUB, SUB]),
    ("a b", "b c", (0, 2, 0, 0), [SUB, SUB]),  # jiwer's tie-break: two substitutions
    ("a", "x y z", (0, 1, 0, 2), [INS, INS, SUB]),
    ("x y z", "a", (0, 1, 2, 0), [SUB, DEL, DEL]),
    ("the cat sat", "the cat sat down", (3, 0, 0, 1), [EQ, EQ, EQ, INS]),
    ("hello world", "world", (1, 0, 1, 0), [DEL, EQ]),
    ("one two three four", "one three four five", (3, 0, 1, 1), [EQ, DEL, EQ, EQ, INS]),
    ("a b c d e", "a c d e f", (4, 0, 1, 1), [EQ, DEL, EQ, EQ, EQ, INS]),
]


@pytest.mark.parametrize(("reference", "hypothesis", "counts", "ops"), CASES)
def test_align_cases(
    reference: str, hypothesis: str, counts: tuple[int, int, int, int], ops: list[EditOp]
) -> None:
    alignment = align(reference.split(), hypothesis.split())
    assert _counts(alignment) == counts
    assert [word.op for word in alignment.words()] == ops
    assert counts == _jiwer_counts(reference.split(), hypothesis.split())
    assert list(alignment.chunks) == _jiwer_chunks(reference.split(), hypothesis.split())


def test_chunks_group_runs_of_one_operation() -> None:
    alignment = align(["a", "b", "c", "d", "e"], ["a", "x", "y", "d", "e", "z"])
    assert alignment.chunks == (
        AlignmentChunk(EQ, 0, 1, 0, 1),
        AlignmentChunk(SUB, 1, 3, 1, 3),
        AlignmentChunk(EQ, 3, 5, 3, 5),
        AlignmentChunk(INS, 5, 5, 5, 6),
    )
    assert list(alignment.words())[1:3] == [AlignedWord(SUB, "b", "x"), AlignedWord(SUB, "c", "y")]


def test_align_accepts_any_sequence_and_keeps_tuples() -> None:
    alignment = align(["a", "b"], ("a", "c"))
    assert alignment.reference == ("a", "b")
    assert alignment.hypothesis == ("a", "c")
    assert alignment.errors == 1


def _check_invariants(reference: list[str], hypothesis: list[str], alignment: Alignment) -> None:
    hits, subs, dels, ins = _counts(alignment)
    assert hits + subs + dels == len(reference)
    assert hits + subs + ins == len(hypothesis)
    assert subs + dels + ins == _edit_distance(reference, hypothesis)
    words = list(alignment.words())
    assert [w.ref for w in words if w.ref is not None] == reference
    assert [w.hyp for w in words if w.hyp is not None] == hypothesis
    for word in words:
        assert (word.op is EQ) == (word.ref is not None and word.ref == word.hyp)
    # chunks tile both sequences without gaps or overlaps
    ref_end = hyp_end = 0
    for chunk in alignment.chunks:
        assert (chunk.ref_start, chunk.hyp_start) == (ref_end, hyp_end)
        ref_end, hyp_end = chunk.ref_end, chunk.hyp_end
    assert (ref_end, hyp_end) == (len(reference), len(hypothesis))


words = st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=25)


@settings(max_examples=1000, deadline=None)
@given(reference=words, hypothesis=words)
def test_counts_equal_jiwer_on_random_token_lists(
    reference: list[str], hypothesis: list[str]
) -> None:
    alignment = align(reference, hypothesis)
    _check_invariants(reference, hypothesis, alignment)
    assert _counts(alignment) == _jiwer_counts(reference, hypothesis)
    # Stronger than the brief asks: the same backtrace, so the same chunks as jiwer.
    assert list(alignment.chunks) == _jiwer_chunks(reference, hypothesis)


@settings(max_examples=60, deadline=None)
@given(
    reference=st.lists(st.sampled_from(["a", "b", "c"]), min_size=60, max_size=400),
    hypothesis=st.lists(st.sampled_from(["a", "b", "c"]), min_size=60, max_size=400),
)
def test_counts_equal_jiwer_on_long_token_lists(
    reference: list[str], hypothesis: list[str]
) -> None:
    # Longer than 64 words: the bit vectors span several machine words.
    alignment = align(reference, hypothesis)
    _check_invariants(reference, hypothesis, alignment)
    assert _counts(alignment) == _jiwer_counts(reference, hypothesis)


def _an4_references(archive: Path) -> list[list[str]]:
    with zipfile.ZipFile(archive) as zipped:
        lines = zipped.read("trans.txt").decode("utf-8-sig").splitlines()
    return [lexical_tokens(line.split("\t", 1)[1]) for line in lines if line.strip()]


def _garble(reference: list[str], vocabulary: list[str], rng: random.Random) -> list[str]:
    """A recognizer-like hypothesis: some words swapped, dropped or added."""
    hypothesis: list[str] = []
    for word in reference:
        roll = rng.random()
        if roll < 0.1:
            hypothesis.append(rng.choice(vocabulary))
        elif roll < 0.15:
            continue
        else:
            hypothesis.append(word)
        if rng.random() < 0.05:
            hypothesis.append(rng.choice(vocabulary))
    return hypothesis


def test_counts_equal_jiwer_on_an4_pairs(an4_dev_zip: Path) -> None:
    references = _an4_references(an4_dev_zip)
    vocabulary = sorted({word for reference in references for word in reference})
    rng = random.Random(20240611)
    for reference in references:
        hypothesis = _garble(reference, vocabulary, rng)
        alignment = align(reference, hypothesis)
        _check_invariants(reference, hypothesis, alignment)
        assert _counts(alignment) == _jiwer_counts(reference, hypothesis)


def test_a_long_transcript_has_jiwers_edit_distance() -> None:
    # A 2-hour test file is ~20,000 words. On pairs this long rapidfuzz (inside jiwer) switches
    # to Hirschberg's algorithm, whose ties may split S/D/I differently: the total must agree.
    rng = random.Random(7)
    reference = [rng.choice(["the", "a", "cat", "sat", "on", "mat"]) for _ in range(20_000)]
    hypothesis = _garble(reference, ["the", "a", "dog"], rng)
    alignment = align(reference, hypothesis)
    assert alignment.hits + alignment.substitutions + alignment.deletions == len(reference)
    assert alignment.hits + alignment.substitutions + alignment.insertions == len(hypothesis)
    _, subs, dels, ins = _jiwer_counts(reference, hypothesis)
    assert alignment.errors == subs + dels + ins
