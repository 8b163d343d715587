"""Pronouncing a token the dictionary does not have: split it, spell it, or ask the G2P model.

In order:
  1. a possessive of a word we can pronounce ("voxtune's") -> that word + S / Z / IH Z;
  2. a token with digits, hyphens, dots or underscores ("3cpo", "r2-d2", "covid-19") -> its
     parts, each pronounced on its own: digit runs as number words ("3" -> "three", "007" ->
     "zero zero seven"), one-letter parts as the letter ("r" -> AA R);
  3. an acronym ("IBM", "cntk") -> letter by letter, from the dictionary's letter entries
     ("b." -> B IY; the bare "a" is the article AH, so the dotted entries come first);
  4. anything else -> the G2P model (accents stripped first: "café" -> "cafe").
A result made only of dictionary entries is "spelled"; one that needed the model is "g2p".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from voxtune.lexicon.dictionary import Lexicon
from voxtune.lexicon.g2p import G2P, G2P_WORD
from voxtune.lexicon.phones import Phones
from voxtune.text.numbers import digit_words, integer_words

GuessSource = Literal["g2p", "spelled"]
_APOSTROPHES = str.maketrans("\u2018\u2019\u02bc`\u00b4", "'''''")
_PARTS = re.compile(r"[0-9]+|[^\W\d_]+(?:'[^\W\d_]+)*")  # digit runs, letter runs (with ')
_SEPARATORS = re.compile(r"[-._'0-9]")  # what may sit between parts besides the parts
_VOWEL_LETTERS = frozenset("aeiouy")
_ACRONYM_MAX_LETTERS = 3  # "IBM", "FBI": spelled; longer all-caps words ("NASA") are read
# Final phones after which the possessive 's is IH Z (sibilants) or S (other voiceless).
_SIBILANTS = frozenset({"S", "Z", "SH", "ZH", "CH", "JH"})
_VOICELESS = frozenset({"P", "T", "K", "F", "TH"})
# Letter names, used when a dictionary lacks its own letter entries (a custom dictionary).
_LETTERS = dict(zip("abcdefghijklmnopqrstuvwxyz", (
    "EY", "B IY", "S IY", "D IY", "IY", "EH F", "JH IY", "EY CH", "AY", "JH EY", "K EY",
    "EH L", "EH M", "EH N", "OW", "P IY", "K Y UW", "AA R", "EH S", "T IY", "Y UW", "V IY",
    "D AH B AH L Y UW", "EH K S", "W AY", "Z IY",
), strict=True))  # fmt: skip


@dataclass(frozen=True)
class Guess:
    phones: Phones
    source: GuessSource


class Unpronounceable(ValueError):
    """A token nothing can pronounce (no letters or digits, a script the model cannot read)."""


def pronounce_unknown(token: str, lexicon: Lexicon, g2p: G2P) -> Guess:
    """A pronunciation for `token` (as written, any case); Unpronounceable with the reason."""
    text = unicodedata.normalize("NFKC", token.translate(_APOSTROPHES)).strip()
    lower = text.lower()
    if not _PARTS.search(lower):
        raise Unpronounceable(f"{token!r} has no letters or digits to pronounce")
    leftover = _SEPARATORS.sub("", _PARTS.sub("", lower))
    if leftover:
        raise Unpronounceable(f"{token!r} contains {leftover[0]!r}, which has no pronunciation")
    if lower.endswith("'s") and len(lower) > 2:
        stem = _known_or_guess(text[:-2], lexicon, g2p)
        return Guess((*stem.phones, *_possessive(stem.phones)), stem.source)
    guesses = [_word(part, lexicon, g2p) for part in _PARTS.findall(text)]
    source: GuessSource = "g2p" if any(g.source == "g2p" for g in guesses) else "spelled"
    return Guess(tuple(p for g in guesses for p in g.phones), source)


def _known_or_guess(word: str, lexicon: Lexicon, g2p: G2P) -> Guess:
    found = lexicon.pronunciations(word) or lexicon.pronunciations(word.lower())
    return Guess(found[0], "spelled") if found else pronounce_unknown(word, lexicon, g2p)


def _possessive(phones: Phones) -> Phones:
    if phones[-1] in _SIBILANTS:
        return ("IH", "Z")
    return ("S",) if phones[-1] in _VOICELESS else ("Z",)


def _word(part: str, lexicon: Lexicon, g2p: G2P) -> Guess:
    """One part: digits, a letter, a known word, an acronym, or a G2P guess."""
    lower = part.lower()
    if part.isdigit():
        words = integer_words(part) if len(part) <= 2 and part[0] != "0" else digit_words(part)
        return _words(words.split(), lexicon, g2p)
    if lower in _LETTERS:
        return Guess(letter_phones(lower, lexicon), "spelled")
    found = lexicon.pronunciations(lower)
    if found:
        return Guess(found[0], "spelled")
    if _looks_spelled(part):
        return Guess(tuple(p for c in lower for p in letter_phones(c, lexicon)), "spelled")
    plain = "".join(c for c in unicodedata.normalize("NFKD", lower) if not unicodedata.combining(c))
    if not G2P_WORD.fullmatch(plain):
        raise Unpronounceable(f"{part!r} is not in the Latin alphabet the G2P model reads")
    try:
        return Guess(g2p.predict(plain), "g2p")
    except ValueError as exc:
        raise Unpronounceable(str(exc)) from exc


def _words(words: list[str], lexicon: Lexicon, g2p: G2P) -> Guess:
    guesses = [_known_or_guess(w, lexicon, g2p) for w in words]
    source: GuessSource = "g2p" if any(g.source == "g2p" for g in guesses) else "spelled"
    return Guess(tuple(p for g in guesses for p in g.phones), source)


def _looks_spelled(part: str) -> bool:
    """An acronym read letter by letter: short all-caps ("IBM") or no vowel at all ("cntk")."""
    letters = part.lower()
    if not letters.isascii() or not letters.isalpha():
        return False
    if part.isupper() and len(part) <= _ACRONYM_MAX_LETTERS:
        return True
    return not (_VOWEL_LETTERS & set(letters))


def letter_phones(letter: str, lexicon: Lexicon) -> Phones:
    """The name of a letter a-z: the dictionary's "b." entry, else its own table."""
    for key in (f"{letter}.", letter):
        found = lexicon.pronunciations(key)
        if found and key != "a":  # bare "a" is the article (AH), not the letter name
            return found[0]
    return tuple(_LETTERS[letter].split())
