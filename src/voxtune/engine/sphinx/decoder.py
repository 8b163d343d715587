"""What a PocketsphinxRecognizer and its streams share: the PCM they feed the decoder, sample
counts in ticks, and the decoder-sharing calls a stream makes on its recognizer.

recognizer.py imports streaming.py (a recognizer opens streams); a stream knows its recognizer
only as a `SharedDecoder`, so the dependency runs one way.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from voxtune.engine.recognizer import RecognitionOptions
from voxtune.engine.types import Phrase
from voxtune.units import TICKS_PER_SECOND, Hertz, Ticks

Pcm16 = npt.NDArray[np.int16]


def ticks_of(samples: int, sample_rate_hz: Hertz) -> Ticks:
    return samples * TICKS_PER_SECOND // sample_rate_hz


class SharedDecoder(Protocol):
    """A recognizer's one decoder, shared between its callers (see recognizer.py): whoever
    holds `lock` may `claim` it, which ends another owner's open utterance first."""

    options: RecognitionOptions

    @property
    def sample_rate_hz(self) -> Hertz: ...

    @property
    def lock(self) -> threading.RLock: ...

    def decode_span(self, pcm: Pcm16, offset_sample: int) -> Phrase | None:
        """One phrase's samples decoded as a whole utterance; None when nothing was heard."""
        ...

    def claim(self, owner: object) -> Any: ...

    def close(self, owner: object) -> None: ...

    def owns(self, owner: object) -> bool: ...
