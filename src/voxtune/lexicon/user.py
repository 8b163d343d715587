"""User pronunciations: what Pronunciation datasets and phonetic lexicons ask for.

Pronunciation datasets give a display form and the words it is spoken as ("3CPO" -> "three c
p o"); structured-text phonetic lexicons give a word and up to two phone strings ("cat" ->
"k ae t"). Both become a `UserPronunciation` keyed by the lexical word: the display form
lowercased ("3cpo"), which is the token the language model and dictionary must use. Spoken
forms are turned into phones only at build time, against the dictionary and G2P in use.

Parsing the dataset files is `voxtune.data`'s job; this module takes the parsed values.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from voxtune.errors import InvalidInputError
from voxtune.lexicon.phones import Phones, PhoneSet, parse_phones

MAX_PHONETIC_PRONUNCIATIONS = 2  # Azure: at most 2 pronunciations per word in a lexicon
_APOSTROPHES = str.maketrans("\u2018\u2019\u02bc`\u00b4", "'''''")


@dataclass(frozen=True)
class UserPronunciation:
    word: str  # the lexical token: the display form, normalized ("3cpo", "ieee", ".net")
    display: str  # as the user wrote it ("3CPO")
    spoken: tuple[str, ...] = ()  # Pronunciation dataset: the words it is spoken as
    phones: tuple[Phones, ...] = ()  # phonetic lexicon: explicit model phones


def lexical_word(display: str) -> str:
    """The dictionary/LM token for a display form: NFKC, typographic apostrophes unified,
    lowercase. InvalidInputError if that is empty or has spaces (a token is one word)."""
    word = unicodedata.normalize("NFKC", display.translate(_APOSTROPHES)).strip().lower()
    if not word:
        raise InvalidInputError("empty display form")
    if any(c.isspace() for c in word):
        raise InvalidInputError(
            f"display form {display!r} has spaces; a lexicon word is a single token"
        )
    return word


def from_spoken_form(display: str, spoken: str | Sequence[str]) -> UserPronunciation:
    """A Pronunciation dataset entry: `display<TAB>spoken` ("IEEE", "i triple e")."""
    words = tuple(
        w.lower() for w in (spoken.split() if isinstance(spoken, str) else spoken) if w.strip()
    )
    if not words:
        raise InvalidInputError(f"no spoken form for {display!r}")
    bad = [w for w in words if any(c.isspace() for c in w)]
    if bad:
        raise InvalidInputError(f"spoken-form word {bad[0]!r} has spaces")
    return UserPronunciation(word=lexical_word(display), display=display, spoken=words)


def from_phonetic_lexicon(
    word: str, phones: str | Sequence[str], phone_set: PhoneSet
) -> UserPronunciation:
    """A phonetic lexicon entry (`- word/phones`): ARPAbet or Azure's lowercase en-US set,
    stress digits allowed; at most 2 pronunciations. InvalidInputError naming what is wrong."""
    texts = [phones] if isinstance(phones, str) else list(phones)
    if not texts:
        raise InvalidInputError(f"no phones for {word!r}")
    if len(texts) > MAX_PHONETIC_PRONUNCIATIONS:
        raise InvalidInputError(
            f"{word!r} has {len(texts)} pronunciations; at most "
            f"{MAX_PHONETIC_PRONUNCIATIONS} are allowed"
        )
    parsed = tuple(dict.fromkeys(parse_phones(text, phone_set) for text in texts))
    return UserPronunciation(word=lexical_word(word), display=word, phones=parsed)


def from_pairs(pairs: Iterable[tuple[str, str]]) -> tuple[UserPronunciation, ...]:
    """Pronunciation dataset lines as (display, spoken) pairs, in order."""
    return tuple(from_spoken_form(display, spoken) for display, spoken in pairs)
