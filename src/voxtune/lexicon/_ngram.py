"""A backoff n-gram model over graphone ids: interpolated Kneser-Ney, count cutoffs, file I/O.

Kept small and generic: tokens are ints (0 = sentence start, 1 = sentence end, units from 2).
Training works on tuples (`BackoffModel`), the runtime on n-grams packed into ints
(`PackedModel`). Probabilities are natural logs.
"""

from __future__ import annotations

import gzip
import json
import math
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

BOS, EOS = 0, 1
Ngram = tuple[int, ...]
UNSEEN_LOGPROB = -50.0  # a token never seen even as a unigram: effectively impossible


@dataclass(frozen=True)
class BackoffModel:
    order: int
    logprob: dict[Ngram, float]  # log p(w | h) for stored n-grams h + (w,)
    backoff: dict[Ngram, float]  # log backoff weight of history h (absent = 0.0)

    def score(self, history: Ngram, token: int) -> float:
        """log p(token | history), backing off to shorter histories."""
        penalty = 0.0
        while True:
            found = self.logprob.get((*history, token))
            if found is not None:
                return penalty + found
            if not history:
                return penalty + UNSEEN_LOGPROB
            penalty += self.backoff.get(history, 0.0)
            history = history[1:]


def _raw_counts(sequences: Iterable[Sequence[int]], order: int) -> list[dict[Ngram, int]]:
    """counts[n][ngram] for n = 1..order over BOS + sequence + EOS (BOS is never predicted)."""
    counts: list[dict[Ngram, int]] = [defaultdict(int) for _ in range(order + 1)]
    for sequence in sequences:
        padded = (BOS, *sequence, EOS)
        for end in range(1, len(padded)):
            for n in range(1, order + 1):
                start = end + 1 - n
                if start < 0:
                    break
                counts[n][padded[start : end + 1]] += 1
    return counts


def _kn_counts(raw: list[dict[Ngram, int]], order: int) -> list[dict[Ngram, int]]:
    """Kneser-Ney counts: lower orders count distinct left contexts, except n-grams that
    start at BOS (nothing can precede them, so their raw count is the right statistic)."""
    kn: list[dict[Ngram, int]] = [{} for _ in range(order + 1)]
    kn[order] = dict(raw[order])
    for n in range(order - 1, 0, -1):
        continuation: dict[Ngram, int] = defaultdict(int)
        for ngram in raw[n + 1]:
            continuation[ngram[1:]] += 1
        kn[n] = {
            ngram: (count if ngram[0] == BOS else continuation.get(ngram, count))
            for ngram, count in raw[n].items()
        }
    return kn


def _discount(counts: dict[Ngram, int]) -> float:
    """Absolute discount D = n1 / (n1 + 2 n2) (Ney, Essen & Kneser 1994)."""
    n1 = sum(1 for c in counts.values() if c == 1)
    n2 = sum(1 for c in counts.values() if c == 2)
    return n1 / (n1 + 2 * n2) if n1 + n2 else 0.5


def estimate(
    sequences: Sequence[Sequence[int]], order: int, min_count: Sequence[int]
) -> BackoffModel:
    """Interpolated Kneser-Ney; n-grams of order n seen fewer than min_count[n-1] times are
    dropped and their probability mass goes to the backoff weight (renormalised exactly)."""
    raw = _raw_counts(sequences, order)
    kn = _kn_counts(raw, order)
    model = BackoffModel(order, {}, {})
    unigram_total = sum(c for g, c in kn[1].items() if g != (BOS,))
    interpolated: dict[Ngram, float] = {
        g: c / unigram_total for g, c in kn[1].items() if g != (BOS,)
    }
    model.logprob.update((g, math.log(p)) for g, p in interpolated.items())
    for n in range(2, order + 1):
        interpolated = _order_probs(kn[n], _discount(kn[n]), model)
        cutoff = min_count[n - 1] if n - 1 < len(min_count) else min_count[-1]
        kept = {g: p for g, p in interpolated.items() if raw[n][g] >= cutoff}
        _set_backoffs(model, kept)
        model.logprob.update((g, math.log(p)) for g, p in kept.items())
    return model


def _order_probs(
    counts: dict[Ngram, int], discount: float, lower: BackoffModel
) -> dict[Ngram, float]:
    """p(w | h) = max(c(hw) - D, 0) / c(h) + gamma(h) p_lower(w | h[1:]) for every seen hw."""
    totals: dict[Ngram, int] = defaultdict(int)
    types: dict[Ngram, int] = defaultdict(int)
    for ngram, count in counts.items():
        totals[ngram[:-1]] += count
        types[ngram[:-1]] += 1
    probs: dict[Ngram, float] = {}
    for ngram, count in counts.items():
        history = ngram[:-1]
        gamma = discount * types[history] / totals[history]
        lower_p = math.exp(lower.score(history[1:], ngram[-1]))
        probs[ngram] = max(count - discount, 0.0) / totals[history] + gamma * lower_p
    return probs


def _set_backoffs(model: BackoffModel, kept: dict[Ngram, float]) -> None:
    """Backoff weight of each history: the mass left after its stored n-grams, over the mass
    the shorter history gives the same tokens (so every distribution sums to one)."""
    own: dict[Ngram, float] = defaultdict(float)
    lower: dict[Ngram, float] = defaultdict(float)
    for ngram, p in kept.items():
        history = ngram[:-1]
        own[history] += p
        lower[history] += math.exp(model.score(history[1:], ngram[-1]))
    for history, mass in own.items():
        left, lower_left = max(1.0 - mass, 1e-9), max(1.0 - lower[history], 1e-9)
        model.backoff[history] = math.log(left / lower_left)


_MAGIC = b"voxtune-g2p-ngram 2\n"  # 2: delta-coded n-grams, int16 log probabilities
LOG_SCALE = 1000  # packed log probabilities are ints in steps of 0.001 (int16 on disk)
_UNSEEN = round(UNSEEN_LOGPROB * LOG_SCALE)


@dataclass(frozen=True)
class PackedModel:
    """The runtime form: each n-gram is one int (token ids + 1 as base-`base` digits, oldest
    first) and log probabilities are ints in 1/LOG_SCALE steps, so ~500k n-grams load in a
    fraction of a second, and scores add up exactly (no float summation-order effects)."""

    order: int
    base: int
    units: tuple[str, ...]  # units[token] names the token
    logprob: dict[int, int]  # n-gram code -> log p(last token | the others) * LOG_SCALE
    backoff: dict[int, int]  # history code -> log backoff weight * LOG_SCALE

    def score(self, history: int, length: int, token: int) -> int:
        """log p(token | the `length` tokens coded in `history`) * LOG_SCALE, backing off."""
        penalty = 0
        while True:
            found = self.logprob.get(history * self.base + token + 1)
            if found is not None:
                return penalty + found
            if length == 0:
                return penalty + _UNSEEN
            penalty += self.backoff.get(history, 0)
            length -= 1
            history %= self.base**length  # forget the oldest token


def encode(tokens: Iterable[int], base: int) -> int:
    code = 0
    for token in tokens:
        code = code * base + token + 1
    return code


def write_model(model: BackoffModel, units: Sequence[str], path: Path) -> None:
    """gzip (no name, zero time: same model, same bytes) of: magic, a JSON header line, then
    the n-gram codes (sorted, delta-coded int64), their log probabilities (int16 in steps of
    1/LOG_SCALE), the history codes and their backoffs likewise; all little-endian. Deltas
    and int16 halve the file against plain codes and float32 (3.5 -> ~2 MB)."""
    base = len(units) + 1
    if base**model.order >= 2**63:
        raise ValueError(f"{len(units)} units at order {model.order} do not fit in int64 codes")
    grams = sorted((encode(g, base), p) for g, p in model.logprob.items())
    histories = sorted((encode(h, base), w) for h, w in model.backoff.items())
    header = {"order": model.order, "units": list(units), "ngrams": len(grams),
              "histories": len(histories), "log_scale": LOG_SCALE}  # fmt: skip
    body = [_MAGIC, json.dumps(header).encode("utf-8"), b"\n"]
    for table in (grams, histories):
        codes = [code for code, _ in table]
        deltas = [b - a for a, b in zip([0, *codes], codes, strict=False)]
        body.append(_packed("q", deltas))
        body.append(_packed("h", (_quantized(value) for _, value in table)))
    path.write_bytes(gzip.compress(b"".join(body), mtime=0))


def _quantized(log_value: float) -> int:
    return max(-32768, min(32767, round(log_value * LOG_SCALE)))


def read_model(path: Path) -> PackedModel:
    """ValueError if the file is not a model written by `write_model`."""
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    if not data.startswith(_MAGIC):
        raise ValueError("not a voxtune G2P model")
    end = data.index(b"\n", len(_MAGIC))
    header = json.loads(data[len(_MAGIC) : end])
    if header["log_scale"] != LOG_SCALE:
        raise ValueError(f"unsupported log scale {header['log_scale']}")
    offset = end + 1
    tables: list[dict[int, int]] = []
    for count in (int(header["ngrams"]), int(header["histories"])):
        deltas, offset = _unpacked("q", count, data, offset)
        values, offset = _unpacked("h", count, data, offset)
        tables.append(dict(zip(accumulate(deltas), values, strict=True)))
    if offset != len(data):
        raise ValueError("the model file has trailing bytes")
    units = tuple(str(u) for u in header["units"])
    return PackedModel(int(header["order"]), len(units) + 1, units, tables[0], tables[1])


def _packed(typecode: str, values: Iterable[int]) -> bytes:
    packed = array(typecode, values)
    if sys.byteorder != "little":
        packed.byteswap()
    return packed.tobytes()


def _unpacked(typecode: str, count: int, data: bytes, offset: int) -> tuple[array[int], int]:
    values = array(typecode)
    end = offset + values.itemsize * count
    values.frombytes(data[offset:end])
    if len(values) != count:
        raise ValueError("the model file is truncated")
    if sys.byteorder != "little":
        values.byteswap()
    return values, end
