"""Read a CTranslate2 `model.bin` back into arrays: the inverse of ctranslate2's
`ModelSpec._serialize` (specs/model_spec.py), which no library provides.

Layout (little-endian): uint32 binary version, string spec name, uint32 spec revision,
uint32 variable count, then per variable: string name, uint8 rank, uint32 per dim, uint8 dtype
id, uint32 byte count, raw bytes; then uint32 alias count and (alias, target) string pairs.
A string is a uint16 length (with its NUL) followed by the UTF-8 bytes and a NUL.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from voxtune.errors import ModelError

# Order of ctranslate2's DataType enum (include/ctranslate2/types.h).
_DTYPES: tuple[str, ...] = ("float32", "int8", "int16", "int32", "float16", "bfloat16")
SUPPORTED_BINARY_VERSIONS = range(5, 7)  # 6 is what ctranslate2 4.x writes


@dataclass(frozen=True)
class Ct2Model:
    """The variables of a model.bin, by their spec names (e.g. `encoder/layer_0/ffn/...`)."""

    spec_name: str
    spec_revision: int
    variables: dict[str, npt.NDArray[np.generic]]
    aliases: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> npt.NDArray[np.generic]:
        target = self.aliases.get(name, name)
        try:
            return self.variables[target]
        except KeyError:
            raise ModelError(f"CTranslate2 model has no variable {name!r}") from None


def read_model_bin(path: Path) -> Ct2Model:
    """ModelError when the file is not a CTranslate2 model of a known binary version."""
    try:
        with path.open("rb") as handle:
            return _read(handle)
    except (OSError, struct.error, UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{path} is not a readable CTranslate2 model: {exc}") from exc


def _read(handle: BinaryIO) -> Ct2Model:
    version = _uint(handle, "I")
    if version not in SUPPORTED_BINARY_VERSIONS:
        raise ValueError(f"binary version {version} is not supported")
    spec_name = _string(handle)
    revision = _uint(handle, "I")
    variables: dict[str, npt.NDArray[np.generic]] = {}
    for _ in range(_uint(handle, "I")):
        name = _string(handle)
        rank = _uint(handle, "B")
        shape = tuple(_uint(handle, "I") for _ in range(rank))
        dtype_id = _uint(handle, "B")
        size = _uint(handle, "I")
        if dtype_id >= len(_DTYPES) or _DTYPES[dtype_id] == "bfloat16":
            raise ValueError(f"variable {name}: unsupported dtype id {dtype_id}")
        data = handle.read(size)
        if len(data) != size:
            raise ValueError(f"variable {name}: truncated ({len(data)} of {size} bytes)")
        array = np.frombuffer(data, dtype=np.dtype(_DTYPES[dtype_id]).newbyteorder("<"))
        variables[name] = array.reshape(shape)
    aliases = {}
    for _ in range(_uint(handle, "I")):
        alias = _string(handle)
        aliases[alias] = _string(handle)
    return Ct2Model(spec_name, revision, variables, aliases)


def _uint(handle: BinaryIO, code: str) -> int:
    size = struct.calcsize("<" + code)
    value: int = struct.unpack("<" + code, handle.read(size))[0]
    return value


def _string(handle: BinaryIO) -> str:
    length = _uint(handle, "H")
    return handle.read(length)[:-1].decode("utf-8")
