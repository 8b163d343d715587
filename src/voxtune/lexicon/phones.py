"""The acoustic model's phone set, read from its binary `mdef`, and user phone strings.

A dictionary may only use the model's context-independent speech phones: pocketsphinx refuses
a whole dictionary over one unknown phone. The set is read from the model rather than written
down, so an adapted or different model is checked against what it really has.

mdef (pocketsphinx bin_mdef.c): "BMDF", int32 version, int32 length of a text description,
the description, then int32 n_ciphone, n_phone, n_emit_state, n_ci_sen, n_sen, n_tmat, n_sseq,
n_ctx, n_cd_tree, sil, then the n_ciphone NUL-terminated phone names.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

from voxtune.errors import InvalidInputError, ModelError

Phones = tuple[str, ...]
_HEADER_INTS = 10  # n_ciphone ... sil
# Azure's en-US phonetic lexicon uses a SAPI-like lowercase set; two names differ from ARPAbet.
_ALIASES = {"AX": "AH", "H": "HH"}
_STRESS = re.compile(r"(?<=[A-Z])[012]$")  # CMUdict stress digits (AH0); pocketsphinx has none


@dataclass(frozen=True)
class PhoneSet:
    speech: frozenset[str]  # phones words are made of (AA ... ZH: 39 in the en-US model)
    filler: frozenset[str]  # silence and noise phones (SIL, +NSN+, +SPN+): noise dict only

    def unknown(self, phones: Phones) -> tuple[str, ...]:
        """The phones of `phones` a word may not use, in order of appearance."""
        return tuple(p for p in phones if p not in self.speech)


def read_phone_set(acoustic_model_dir: Path) -> PhoneSet:
    """The phones of the model in `acoustic_model_dir` (its binary mdef); ModelError if the
    file is missing or not a binary mdef."""
    path = acoustic_model_dir / "mdef"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(
            f"acoustic model {acoustic_model_dir} has no readable mdef: {exc}"
        ) from exc
    names = _ciphones(data)
    if names is None:
        raise ModelError(f"{path} is not a binary pocketsphinx mdef")
    # Fillers are SIL and the +NOISE+ style phones, by pocketsphinx's naming convention.
    filler = frozenset(n for n in names if n == "SIL" or n.startswith("+"))
    return PhoneSet(speech=frozenset(names) - filler, filler=filler)


def _ciphones(data: bytes) -> list[str] | None:
    if data[:4] != b"BMDF" or len(data) < 12:
        return None
    for endian in "<>":  # the version field (1) tells the byte order the file was written in
        version, text_length = struct.unpack(endian + "2i", data[4:12])
        if version == 1:
            break
    else:
        return None
    offset = 12 + text_length
    header = data[offset : offset + 4 * _HEADER_INTS]
    if len(header) < 4 * _HEADER_INTS:
        return None
    n_ciphone = struct.unpack(endian + "i", header[:4])[0]
    names = data[offset + 4 * _HEADER_INTS :].split(b"\0", n_ciphone)[:n_ciphone]
    if n_ciphone <= 0 or len(names) < n_ciphone:
        return None
    try:
        return [name.decode("ascii") for name in names]
    except UnicodeDecodeError:
        return None


def parse_phones(text: str, phone_set: PhoneSet) -> Phones:
    """User-written phones ("k ae t", "K AE1 T") -> model phones; InvalidInputError naming
    each phone the model does not have."""
    phones = tuple(_ALIASES.get(p, p) for p in (_STRESS.sub("", t.upper()) for t in text.split()))
    if not phones:
        raise InvalidInputError("a pronunciation needs at least one phone")
    unknown = phone_set.unknown(phones)
    if unknown:
        known = " ".join(sorted(phone_set.speech))
        raise InvalidInputError(
            f"unknown phone(s) {' '.join(dict.fromkeys(unknown))} in {text!r}; "
            f"the model has {known}"
        )
    return phones
