"""Profanity in display text: Azure's modes Masked (the default), Removed, Tags and None.

Phrases are matched on whole tokens, case-insensitively, ignoring punctuation at a token's
edges ("damn," is the word "damn"); the longest phrase starting at a token wins. The built-in
en-US list holds only words that are profane in every use: a word with a common innocent
meaning (a name, an animal) would be masked in ordinary speech. A model's OutputFormatting
`#profanity` phrases are added to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from voxtune.text.phrases import PhraseTable

ProfanityMode = Literal["Masked", "Removed", "Tags", "None"]
PROFANITY_MODES: tuple[ProfanityMode, ...] = ("Masked", "Removed", "Tags", "None")

# fmt: off
BUILT_IN: dict[str, frozenset[str]] = {
    "en": frozenset({
        "asshole", "assholes", "bastard", "bastards", "bitch", "bitches", "bullshit",
        "cocksucker", "cunt", "cunts", "fuck", "fucked", "fucker", "fuckers", "fucking", "fucks",
        "goddamn", "motherfucker", "motherfuckers", "motherfucking", "shit", "shits", "shitty",
        "wanker",
    }),
}
# fmt: on
_EDGE_PUNCTUATION = ".,;:!?\"'()[]"
TAG_OPEN, TAG_CLOSE = "<profanity>", "</profanity>"


def _core(token: str) -> str:
    return token.strip(_EDGE_PUNCTUATION).lower()


@dataclass(frozen=True)
class ProfanityFilter:
    """Profane phrases as lowercase token tuples."""

    phrases: PhraseTable[None]

    @classmethod
    def for_locale(cls, locale: str, extra: Iterable[str] = ()) -> ProfanityFilter:
        language = locale.split("-")[0].lower()
        built_in = ((word,) for word in BUILT_IN.get(language, frozenset()))
        # punctuation-only tokens have no core: "!" as a phrase would match every "!"
        added = (tuple(k for k in map(_core, phrase.split()) if k) for phrase in extra)
        return cls(PhraseTable.build((key, None) for key in (*built_in, *added)))

    def apply(self, text: str, mode: ProfanityMode) -> str:
        if mode == "None" or not self.phrases:
            return text
        tokens = text.split()
        out: list[str] = []
        for start, end, found in self.phrases.spans([_core(token) for token in tokens]):
            span = tokens[start:end]
            if found is None:
                out.extend(span)
            elif mode == "Masked":
                out.extend(_mask(token) for token in span)
            elif mode == "Tags":
                out.append(TAG_OPEN + " ".join(span) + TAG_CLOSE)
            # Removed: the span is dropped
        return " ".join(out)


def _mask(token: str) -> str:
    """Every letter or digit becomes '*'; punctuation at the edges stays ("damn," -> "****,")."""
    return "".join("*" if char.isalnum() else char for char in token)
