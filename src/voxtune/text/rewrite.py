"""`#rewrite` rules of an OutputFormatting dataset: "original<TAB>replacement".

The original is matched on whole tokens, case-insensitively and ignoring grammar punctuation
(`.,;:!?` and double quotes at a token's edges), so "Inc." and "inc" are one token; of the
originals that match at a position the longest wins, and replaced text is not matched again.
Punctuation after the last matched token (a dictated comma) stays after the replacement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from voxtune.text.phrases import PhraseTable

_GRAMMAR_PUNCTUATION = ".,;:!?\""


def _key(token: str) -> str:
    return token.strip(_GRAMMAR_PUNCTUATION).lower()


@dataclass(frozen=True)
class Rewriter:
    """Originals as key token tuples -> their replacement (the first rule for one wins)."""

    originals: PhraseTable[str]

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> Rewriter:
        keys = ((tuple(k for k in map(_key, o.split()) if k), r) for o, r in pairs)
        return cls(PhraseTable.build(keys))

    def apply(self, text: str) -> str:
        if not self.originals:
            return text
        tokens = text.split()
        out: list[str] = []
        for start, end, found in self.originals.spans([_key(token) for token in tokens]):
            if found is None:
                out.append(tokens[start])
                continue
            replacement, last = found[0], tokens[end - 1]
            trailing = last[len(last.rstrip(_GRAMMAR_PUNCTUATION)) :]  # "smith," keeps ","
            if replacement.endswith(trailing):
                trailing = ""  # "inc." -> "Inc." not "Inc.."
            if replacement or trailing:
                out.append(replacement + trailing)
        return " ".join(out)
