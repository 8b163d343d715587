"""Read and write the Sphinx-3 binary parameter files of a pocketsphinx acoustic model.

Layouts, from pocketsphinx 5.1.1 src/util/bio.c, src/ms_gauden.c, src/ptm_mgau.c
(`read_sendump`, `read_mixw`) and src/bin_mdef.c:

    means, variances   "s3\\n" key-value lines "endhdr\\n", u32 byte-order magic 0x11223344,
                       i32 n_mgau, n_feat, n_density, veclen[n_feat], n, f32 data[n]
                       ([mgau][feat][density][veclen]), u32 checksum if "chksum0" is in the header
    transition_matrices, mixture_weights
                       the same header, then i32 d1, d2, d3, n, f32 data[n], checksum
    sendump            i32-length-prefixed NUL-terminated strings up to a zero length, then
                       i32 rows (n_density), cols (n_sen) unless "cluster_count" is non-zero,
                       then u8 data [feat][density][senone]: quantized negated log weights
    mdef (binary)      see `read_model_definition`

Writing a file read unchanged reproduces it byte for byte: headers are kept verbatim and the
checksum is recomputed with the same rotate-and-add as bio.c.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from voxtune.errors import ModelError

FloatArray = npt.NDArray[np.float32]
BYTE_ORDER_MAGIC = 0x11223344
HEADER_END = b"endhdr\n"
DEFAULT_HEADER = b"s3\nversion 1.0\nchksum0 yes\nendhdr\n"

# Sendump values are -log(weight) in units of 2**10 steps of log base 1.0001 (the decoder's
# 8-bit log table, SENSCR_SHIFT = 10), capped at MAX_NEG_MIXW = 159 (tied_mgau_common.h).
SENDUMP_LOG_UNIT = 1024 * math.log(1.0001)  # 0.1024 nats per quantization step
MAX_NEG_MIXW = 159


@dataclass(frozen=True)
class GaussianParams:
    """Means or variances: `values[mgau, feat, density, dim]` (all streams the same width)."""

    values: FloatArray
    header: bytes = DEFAULT_HEADER  # the text header, kept verbatim for byte-exact rewriting

    def with_values(self, values: npt.NDArray[np.floating]) -> GaussianParams:
        return GaussianParams(np.asarray(values, dtype=np.float32), self.header)


@dataclass(frozen=True)
class S3Array:
    """A 3-dimensional s3 float file (transition matrices, mixture weights)."""

    values: FloatArray
    header: bytes = DEFAULT_HEADER


@dataclass(frozen=True)
class Sendump:
    """Quantized mixture weights `quantized[feat, density, senone]` plus the file's strings."""

    quantized: npt.NDArray[np.uint8]
    strings: tuple[bytes, ...]

    def weights(self) -> npt.NDArray[np.float64]:
        """Weights as `[senone, feat, density]`, renormalized per senone and stream."""
        return dequantize(np.transpose(self.quantized, (2, 0, 1)))

    def with_weights(self, weights: npt.NDArray[np.float64]) -> Sendump:
        """A copy holding `weights[senone, feat, density]`, quantized the decoder's way."""
        quantized = np.ascontiguousarray(np.transpose(quantize(weights), (1, 2, 0)))
        return Sendump(quantized, self.strings)


@dataclass(frozen=True)
class ModelDefinition:
    """What adaptation needs from mdef: the phones and which codebook each senone uses."""

    ciphones: tuple[str, ...]
    n_senones: int
    senone_codebook: npt.NDArray[np.int32]  # PTM: the CI phone of each senone = its codebook


def dequantize(quantized: npt.NDArray[np.uint8]) -> npt.NDArray[np.float64]:
    """Quantized weights (last axis = density) to probabilities summing to 1 over that axis.

    The stored value is ceil(-log w) (logmath_log truncates, then the shift floors), so the
    middle of each step (q - 0.5) is the unbiased estimate; `quantize` maps it back to q.
    """
    weights = np.exp(-(quantized.astype(np.float64) - 0.5) * SENDUMP_LOG_UNIT)
    normalized: npt.NDArray[np.float64] = weights / weights.sum(axis=-1, keepdims=True)
    return normalized


def quantize(weights: npt.NDArray[np.float64]) -> npt.NDArray[np.uint8]:
    """Probabilities to the decoder's 8-bit negated log weights (as pocketsphinx's read_mixw)."""
    with np.errstate(divide="ignore"):
        steps = -np.log(np.asarray(weights, dtype=np.float64)) / SENDUMP_LOG_UNIT
    steps = np.ceil(np.nan_to_num(steps, nan=MAX_NEG_MIXW, posinf=MAX_NEG_MIXW) - 1e-9)
    return np.clip(steps, 0, MAX_NEG_MIXW).astype(np.uint8)


def checksum(words: npt.NDArray[np.uint32], start: int = 0) -> int:
    """bio.c chksum_accum for 4-byte elements: rotate left 20 bits, add, modulo 2**32."""
    total = start
    for word in words.tolist():
        total = (((total << 20) | (total >> 12)) + word) & 0xFFFFFFFF
    return total


def read_gaussians(path: Path) -> GaussianParams:
    data, header, offset = _open_s3(path)
    n_mgau, n_feat, n_density = _ints(data, offset, 3, path)
    veclen = _ints(data, offset + 12, n_feat, path)
    (count,) = _ints(data, offset + 12 + 4 * n_feat, 1, path)
    if len(set(veclen)) != 1:
        raise ModelError(f"{path}: streams of different widths {veclen} are not supported")
    if count != n_mgau * n_density * sum(veclen):
        raise ModelError(f"{path}: {count} values do not match {n_mgau}x{n_density}x{veclen}")
    start = offset + 16 + 4 * n_feat
    values = _floats(data, start, count, path).reshape(n_mgau, n_feat, n_density, veclen[0])
    _verify_checksum(data, header, offset, start + 4 * count, path)
    return GaussianParams(values, header)


def write_gaussians(path: Path, params: GaussianParams) -> None:
    n_mgau, n_feat, n_density, width = params.values.shape
    dims = [n_mgau, n_feat, n_density, *([width] * n_feat), params.values.size]
    _write_s3(path, params.header, dims, params.values)


def read_s3_array(path: Path) -> S3Array:
    data, header, offset = _open_s3(path)
    d1, d2, d3, count = _ints(data, offset, 4, path)
    if count != d1 * d2 * d3:
        raise ModelError(f"{path}: {count} values do not match {d1}x{d2}x{d3}")
    values = _floats(data, offset + 16, count, path).reshape(d1, d2, d3)
    _verify_checksum(data, header, offset, offset + 16 + 4 * count, path)
    return S3Array(values, header)


def write_s3_array(path: Path, array: S3Array) -> None:
    _write_s3(path, array.header, [*array.values.shape, array.values.size], array.values)


def read_sendump(path: Path) -> Sendump:
    data = _read(path)
    strings: list[bytes] = []
    offset = 0
    while True:
        (length,) = _ints(data, offset, 1, path)
        offset += 4
        if length == 0:
            break
        strings.append(data[offset : offset + length])
        offset += length
    settings = dict(s.rstrip(b"\0").split(b" ", 1) for s in strings if s.count(b" ") == 1)
    if int(settings.get(b"cluster_count", b"0")) != 0:
        raise ModelError(f"{path}: clustered (4-bit) mixture weights are not supported")
    n_feat = int(settings.get(b"feature_count", b"1"))
    rows, cols = _ints(data, offset, 2, path)
    offset += 8
    if len(data) != offset + n_feat * rows * cols:
        raise ModelError(f"{path}: size does not match {n_feat}x{rows}x{cols} weights")
    quantized = np.frombuffer(data, np.uint8, n_feat * rows * cols, offset)
    return Sendump(quantized.reshape(n_feat, rows, cols).copy(), tuple(strings))


def write_sendump(path: Path, sendump: Sendump) -> None:
    _, rows, cols = sendump.quantized.shape
    parts = [struct.pack("<i", len(s)) + s for s in sendump.strings]
    parts.append(struct.pack("<iii", 0, rows, cols))
    path.write_bytes(b"".join(parts) + np.ascontiguousarray(sendump.quantized).tobytes())


def read_model_definition(path: Path) -> ModelDefinition:
    """Binary mdef ("BMDF", bin_mdef.c): counts, CI phone names, then the CD tree (skipped),
    phones {i32 ssid, i32 tmat, u8 info[4]} and senone sequences (u16 [n_sseq][n_emit])."""
    data = _read(path)
    if data[:4] != b"BMDF":
        raise ModelError(f"{path}: only the binary mdef format is supported")
    (skip,) = _ints(data, 8, 1, path)
    offset = 12 + skip
    n_ci, n_phone, n_emit, _, n_sen, _, _, _, n_tree, _ = _ints(data, offset, 10, path)
    offset += 40
    names = data[offset:].split(b"\0", n_ci)[:n_ci]
    offset += sum(len(n) + 1 for n in names)
    offset = ((offset + 3) & ~3) + 8 * n_tree  # 4-byte padding, then the CD tree
    phone = np.dtype([("ssid", "<i4"), ("tmat", "<i4"), ("info", "u1", (4,))])
    phones = np.frombuffer(data, phone, n_phone, offset)
    offset += phone.itemsize * n_phone
    (n_values,) = _ints(data, offset + 0, 1, path)
    if n_emit == 0:
        raise ModelError(f"{path}: phones with different numbers of states are not supported")
    sseq = np.frombuffer(data, "<u2", n_values, offset + 4).reshape(-1, n_emit)
    # CI phones are their own base phone; a triphone's base phone is info.cd.ctx[0] = info[1].
    base = np.where(np.arange(n_phone) < n_ci, np.arange(n_phone), phones["info"][:, 1])
    codebook = np.full(n_sen, -1, dtype=np.int32)
    codebook[sseq[phones["ssid"]].ravel()] = np.repeat(base, n_emit)
    if (codebook < 0).any():
        raise ModelError(f"{path}: some senones belong to no phone")
    return ModelDefinition(tuple(n.decode("ascii") for n in names), n_sen, codebook)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read {path}: {exc}") from exc


def _open_s3(path: Path) -> tuple[bytes, bytes, int]:
    data = _read(path)
    end = data.find(HEADER_END)
    if not data.startswith(b"s3\n") or end < 0:
        raise ModelError(f"{path} is not a Sphinx-3 binary parameter file")
    offset = end + len(HEADER_END)
    (magic,) = _ints(data, offset, 1, path)
    if magic != BYTE_ORDER_MAGIC:
        raise ModelError(f"{path}: unsupported byte order (magic {magic:#x})")
    return data, data[:offset], offset + 4


def _ints(data: bytes, offset: int, count: int, path: Path) -> tuple[int, ...]:
    if offset + 4 * count > len(data):
        raise ModelError(f"{path} is truncated")
    return struct.unpack_from(f"<{count}i", data, offset)


def _floats(data: bytes, offset: int, count: int, path: Path) -> FloatArray:
    if offset + 4 * count > len(data):
        raise ModelError(f"{path} is truncated")
    return np.frombuffer(data, "<f4", count, offset).astype(np.float32)


def _has_checksum(header: bytes) -> bool:
    return any(line.split()[:1] == [b"chksum0"] for line in header.splitlines())


def _verify_checksum(data: bytes, header: bytes, start: int, end: int, path: Path) -> None:
    if not _has_checksum(header):
        return
    (stored,) = struct.unpack_from("<I", data, end) if end + 4 <= len(data) else (None,)
    if stored != checksum(np.frombuffer(data, "<u4", (end - start) // 4, start)):
        raise ModelError(f"{path}: checksum mismatch (corrupt file)")


def _write_s3(path: Path, header: bytes, dims: list[int], values: FloatArray) -> None:
    body = np.array(dims, dtype="<i4").tobytes() + np.asarray(values, dtype="<f4").tobytes()
    tail = b""
    if _has_checksum(header):
        tail = struct.pack("<I", checksum(np.frombuffer(body, "<u4")))
    path.write_bytes(header + struct.pack("<I", BYTE_ORDER_MAGIC) + body + tail)
