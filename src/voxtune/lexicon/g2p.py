"""Grapheme-to-phoneme conversion for words the dictionary does not know.

`JointSequenceG2P` is the default: a graphone n-gram model (one letter paired with 0-2 phones)
trained from the base dictionary by `voxtune.lexicon.g2p_train` and shipped as a small file
beside this module. It is pure Python, offline and deterministic. `LetterRuleG2P` (one phone
per letter) is the last-resort baseline it was measured against.

Both accept a lowercase word of letters a-z and apostrophes; splitting digits, hyphens and
acronyms off a token is `voxtune.lexicon.oov`'s job.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import ClassVar, Protocol

from voxtune.errors import ModelError
from voxtune.lexicon._ngram import BOS, EOS, PackedModel, read_model

Phones = tuple[str, ...]
G2P_MODEL_PATH = Path(__file__).with_name("g2p-en-us.graphones.gz")
G2P_WORD = re.compile(r"[a-z']*[a-z][a-z']*")  # what a G2P model is asked to pronounce
_BEAM = 24  # hypotheses kept per letter position; 24 and 200 score the same on held-out words


class G2P(Protocol):
    """Spells a word as phones (upper-case ARPAbet without stress)."""

    def predict(self, word: str) -> Phones:
        """Phones of `word` (matching G2P_WORD); ValueError for anything else."""
        ...


class JointSequenceG2P:
    """Graphone n-gram G2P: the most probable joint letter/phone sequence, by beam search."""

    def __init__(self, model: PackedModel) -> None:
        self._model = model
        self._keep = model.order - 1  # tokens of history the model conditions on
        # letter -> [(token id, phones)]: the graphones that can spell that letter.
        self._by_letter: dict[str, list[tuple[int, Phones]]] = {}
        for token, unit in enumerate(model.units):
            if token not in (BOS, EOS):
                letter, _, phones = unit.partition(":")
                spelled = tuple(phones.split("_")) if phones else ()
                self._by_letter.setdefault(letter, []).append((token, spelled))

    @classmethod
    def load(cls, path: Path = G2P_MODEL_PATH) -> JointSequenceG2P:
        try:
            return cls(read_model(path))
        except (OSError, ValueError, KeyError, EOFError) as exc:
            raise ModelError(f"G2P model {path} cannot be read: {exc}") from exc

    def predict(self, word: str) -> Phones:
        if not G2P_WORD.fullmatch(word):
            raise ValueError(f"G2P reads lowercase letters and apostrophes, not {word!r}")
        model, base = self._model, self._model.base
        limit = base**self._keep  # a history code modulo this keeps its newest `_keep` tokens
        # (history code, its length) -> (log probability, phones so far), at one letter.
        beam: dict[tuple[int, int], tuple[int, Phones]] = {(BOS + 1, 1): (0, ())}
        for letter in word:
            options = self._by_letter.get(letter)
            if not options:
                raise ValueError(f"the G2P model has never seen the letter {letter!r}")
            following: dict[tuple[int, int], tuple[int, Phones]] = {}
            for (history, length), (score, phones) in beam.items():
                for token, unit_phones in options:
                    total = score + model.score(history, length, token)
                    if length < self._keep:
                        state = (history * base + token + 1, length + 1)
                    else:
                        state = ((history * base + token + 1) % limit, length)
                    old = following.get(state)
                    if old is None or total > old[0]:
                        following[state] = (total, phones + unit_phones)
            ranked = sorted(following.items(), key=lambda item: (-item[1][0], item[0]))
            beam = dict(ranked[:_BEAM])
        finals = [
            (score + model.score(history, length, EOS), phones)
            for (history, length), (score, phones) in beam.items()
        ]
        # Ties are broken by the phones themselves, so the result never depends on dict order.
        best = max(finals, key=lambda item: (item[0], item[1]))
        if not best[1]:
            raise ValueError(f"the G2P model gives {word!r} no phones")
        return best[1]


class LetterRuleG2P:
    """One fixed phone string per letter: the crude baseline, kept for comparison."""

    _RULES: ClassVar[dict[str, str]] = {
        "a": "AE", "b": "B", "c": "K", "d": "D", "e": "EH", "f": "F", "g": "G", "h": "HH",
        "i": "IH", "j": "JH", "k": "K", "l": "L", "m": "M", "n": "N", "o": "AA", "p": "P",
        "q": "K", "r": "R", "s": "S", "t": "T", "u": "AH", "v": "V", "w": "W", "x": "K S",
        "y": "Y", "z": "Z", "'": "",
    }  # fmt: skip

    def predict(self, word: str) -> Phones:
        if not G2P_WORD.fullmatch(word):
            raise ValueError(f"G2P reads lowercase letters and apostrophes, not {word!r}")
        return tuple(" ".join(self._RULES[c] for c in word).split())


@cache
def default_g2p() -> JointSequenceG2P:
    """The shipped model, loaded once per process (0.2-0.4 s; 2.2 MB file, ~500k n-grams)."""
    return JointSequenceG2P.load()
