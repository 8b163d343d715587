"""Read pocketsphinx's binary trie LM (`.lm.bin`, "Trie Language Model") into an NGramModel.

Why: pocketsphinx 5.1.1 cannot export the bundled en-us.lm.bin to ARPA (its header's bigram
count is higher than what is stored, upstream issue #502), and interpolation needs every n-gram.
The layout, from pocketsphinx src/lm/ngram_model_trie.c, lm_trie.c, lm_trie_quant.c, bitarr.c
(all little-endian):

    "Trie Language Model"  u8 order  u32 counts[order]
    i32 quantization type, then float tables of 2**16 entries: (prob, backoff) for each middle
        order, then prob for the highest order
    unigrams: (counts[0] + 1) x {f32 prob, f32 backoff, u32 next}; `next` starts the unigram's
        range in the first middle array, the extra entry closes the last range
    middle arrays (orders 2..N-1): bit-packed {word, 16-bit backoff code, 16-bit prob code,
        next}, then the highest order: {word, 16-bit prob code}; each array sized from the
        header count (+1 entry, +8 bytes)
    i32 byte length, then the words, NUL-terminated, in id order

The trie is keyed backwards: a unigram holds the predicted word, its middle entries the previous
word, and so on. Probabilities are floats in the decoder's log base (1.0001).
"""

from __future__ import annotations

import math
import struct
from pathlib import Path

import numpy as np
import numpy.typing as npt

from voxtune.errors import ModelError
from voxtune.lm.build import NGramList, assemble
from voxtune.lm.model import IntArray, NGramModel

TRIE_HEADER = b"Trie Language Model"
QUANT_BITS = 16  # both probabilities and backoffs are 16-bit codes into a 2**16 float table
QUANT_BINS = 1 << QUANT_BITS
LOG10_PER_UNIT = math.log10(1.0001)  # pocketsphinx's default log base; the file is in its units
_UNIGRAM = np.dtype([("prob", "<f4"), ("backoff", "<f4"), ("next", "<u4")])


def required_bits(max_value: int) -> int:
    return max_value.bit_length()


def read_binary(path: Path) -> NGramModel:
    """The model in a pocketsphinx `.lm.bin`. Raises ModelError when the file is not one."""
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        raise ModelError(f"cannot read language model {path}: {exc}") from exc
    try:
        return _parse(data)
    except (ValueError, IndexError, struct.error) as exc:
        raise ModelError(f"{path} is not a readable pocketsphinx binary LM: {exc}") from exc


def _parse(data: npt.NDArray[np.uint8]) -> NGramModel:
    raw = data.tobytes()
    if not raw.startswith(TRIE_HEADER):
        raise ValueError("missing 'Trie Language Model' header")
    offset = len(TRIE_HEADER)
    order = raw[offset]
    counts = struct.unpack_from(f"<{order}I", raw, offset + 1)
    offset += 1 + 4 * order
    if order < 2:
        raise ValueError("unigram-only binary models are not supported")
    offset += 4  # quantization type, always 1
    tables = np.frombuffer(raw, "<f4", (2 * (order - 2) + 1) * QUANT_BINS, offset)
    offset += tables.nbytes
    unigrams = np.frombuffer(raw, _UNIGRAM, counts[0] + 1, offset)
    offset += unigrams.nbytes
    padded = np.concatenate([data, np.zeros(8, np.uint8)])  # reads may run 4 bytes past the end
    levels, offset = _read_levels(padded, offset, counts, unigrams["next"].astype(np.int64))
    words = _read_words(raw, offset, counts[0])
    lists = [_unigram_list(unigrams, counts[0])]
    lists += _forward_lists(levels, tables, counts[0])
    return assemble(words, lists[0], lists[1:])


def _read_levels(
    data: npt.NDArray[np.uint8], offset: int, counts: tuple[int, ...], first_next: IntArray
) -> tuple[list[dict[str, IntArray]], int]:
    """Decode each middle array and the last one: word, codes, and the owner entry one level up."""
    order = len(counts)
    word_bits = required_bits(counts[0])
    levels: list[dict[str, IntArray]] = []
    owner_next = first_next  # range pointers of the level above, one more than its entries
    for level in range(2, order + 1):
        last = level == order
        next_bits = 0 if last else required_bits(counts[level])
        total_bits = word_bits + QUANT_BITS * (1 if last else 2) + next_bits
        stored = int(owner_next[-1])  # entries actually written (the header may overcount)
        size = ((1 + counts[level - 1]) * total_bits + 7) // 8 + 8
        start = np.arange(stored + 1, dtype=np.int64) * total_bits + offset * 8
        entry = {"owner": np.repeat(np.arange(len(owner_next) - 1), np.diff(owner_next))}
        entry["word"] = _bits(data, start[:-1], word_bits)
        if last:
            entry["prob"] = _bits(data, start[:-1] + word_bits, QUANT_BITS)
        else:
            entry["backoff"] = _bits(data, start[:-1] + word_bits, QUANT_BITS)
            entry["prob"] = _bits(data, start[:-1] + word_bits + QUANT_BITS, QUANT_BITS)
            owner_next = _bits(data, start + word_bits + 2 * QUANT_BITS, next_bits)
        if len(entry["owner"]) != stored:
            raise ValueError(f"level {level}: ranges cover {len(entry['owner'])} of {stored}")
        levels.append(entry)
        offset += size
    return levels, offset


def _bits(data: npt.NDArray[np.uint8], bit_offset: IntArray, width: int) -> IntArray:
    """Little-endian bit fields of `width` <= 25 bits at each bit offset (as bitarr.c reads)."""
    byte = bit_offset >> 3
    value = np.zeros(len(byte), np.int64)
    for index in range(4):
        value |= data[byte + index].astype(np.int64) << (8 * index)
    return (value >> (bit_offset & 7)) & ((1 << width) - 1)


def _read_words(raw: bytes, offset: int, count: int) -> list[str]:
    (length,) = struct.unpack_from("<i", raw, offset)
    blob = raw[offset + 4 : offset + 4 + length]
    words = blob.decode("utf-8").split("\0")[:count]
    if len(words) != count:
        raise ValueError(f"{len(words)} word strings for {count} unigrams")
    return words


def _unigram_list(unigrams: npt.NDArray[np.void], count: int) -> NGramList:
    return NGramList(
        np.arange(count, dtype=np.int64)[:, None],
        unigrams["prob"][:count].astype(np.float64) * LOG10_PER_UNIT,
        unigrams["backoff"][:count].astype(np.float64) * LOG10_PER_UNIT,
    )


def _forward_lists(
    levels: list[dict[str, IntArray]], tables: npt.NDArray[np.float32], vocabulary: int
) -> list[NGramList]:
    """Turn backward paths (predicted word first) into forward n-grams with their values."""
    lists: list[NGramList] = []
    path = np.arange(vocabulary, dtype=np.int64)[:, None]  # backward path of each entry
    for index, entry in enumerate(levels):
        path = np.concatenate([path[entry["owner"]], entry["word"][:, None]], axis=1)
        last = index == len(levels) - 1
        prob_table = tables[2 * index * QUANT_BINS :][:QUANT_BINS]
        prob = prob_table[entry["prob"]].astype(np.float64) * LOG10_PER_UNIT
        if last:
            backoff = np.zeros(len(prob))
        else:
            bo_table = tables[(2 * index + 1) * QUANT_BINS :][:QUANT_BINS]
            backoff = bo_table[entry["backoff"]].astype(np.float64) * LOG10_PER_UNIT
        lists.append(NGramList(path[:, ::-1].copy(), prob, backoff))
    return lists
