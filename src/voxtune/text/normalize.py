"""Lexical normalization: the form of text that is scored (WER) and trained on.

Every locale gets the language-independent steps:
  1. typographic apostrophes and dashes unified, then Unicode NFKC;
  2. non-speech annotations removed: bracketed ones with their content ("[laughter]",
     "[noise]") and angle-bracket tags ("<sil>", "<unk>", "</s>"; the words inside a tag pair
     such as "<profanity>word</profanity>" are kept);
  3. lowercase;
  4. punctuation and symbols become spaces, except apostrophes inside a word ("don't",
     "rock'n'roll"), so hyphenated compounds split consistently ("e-mail" -> "e mail");
  5. whitespace collapsed.
English locales (en-US, en-GB, ...) additionally spell out numbers, currency, percentages,
times and the symbols & + @ as words before step 4 (see `voxtune.text.english`).

Deliberate choices:
- Lowercase, not casefold: casefold rewrites spellings (German "straße" -> "strasse") that a
  lexicon or LM trained on the same text would then not know.
- Contractions stay one token and are not expanded ("it's" is not "it is"), on both sides of a
  comparison alike. Abbreviations are not expanded ("dr" stays "dr").
- Spelled letters stay separate tokens ("U M N Y H" -> "u m n y h", "A.B.C." -> "a b c");
  an acronym written as one word ("NASA") stays one token: we cannot know how it was spoken.
- Other locales keep digits as digits ("3,5" -> "3 5"): spelling numbers needs the language.
- CJK text is kept as written: no word segmentation, so a run of CJK characters without spaces
  is one token. Word error rate over such tokens is not meaningful; score CJK by characters.
"""

from __future__ import annotations

import re
import unicodedata

from voxtune.text.english import spell_out

# Mapped before NFKC, which would turn the acute accent U+00B4 into a space + combining accent.
_APOSTROPHES = "\u2018\u2019\u02bc\u00b4`\u2032"  # single quotes, modifier letter, acute, prime
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63"  # hyphens, dashes, minus signs
_TYPOGRAPHY = str.maketrans(_APOSTROPHES + _DASHES, "'" * len(_APOSTROPHES) + "-" * len(_DASHES))
_BRACKETED = re.compile(r"\[[^\[\]]*\]")
_TAG = re.compile(r"</?[^\W\d][\w:.-]*\s*/?>")
# An apostrophe that does not sit between two word characters is a quote, not a contraction.
_LOOSE_APOSTROPHE = re.compile(r"(?<!\w)'|'(?!\w)")


class _SymbolsToSpace(dict[int, str]):
    """str.translate table, filled on demand: letters, marks, digits, whitespace and the
    apostrophe map to themselves, everything else (punctuation, symbols, controls) to a space.
    Marks must stay: they are parts of letters in Devanagari, Thai, Korean and others."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        keep = char == "'" or char.isspace() or unicodedata.category(char)[0] in "LMN"
        self[codepoint] = char if keep else " "
        return self[codepoint]


_SYMBOLS_TO_SPACE = _SymbolsToSpace()


def is_english(locale: str) -> bool:
    """True for "en-US", "en-gb", "en_AU", "en"."""
    return re.split("[-_]", locale.strip(), maxsplit=1)[0].lower() == "en"


def normalize_lexical(text: str, locale: str = "en-US") -> str:
    """The lexical form of `text`: lowercase words separated by single spaces."""
    text = unicodedata.normalize("NFKC", text.translate(_TYPOGRAPHY))
    text = _TAG.sub(" ", _BRACKETED.sub(" ", text))
    text = text.lower()
    if is_english(locale):
        text = spell_out(text)
    text = text.translate(_SYMBOLS_TO_SPACE)
    text = _LOOSE_APOSTROPHE.sub(" ", text)
    return " ".join(text.split())


def lexical_tokens(text: str, locale: str = "en-US") -> list[str]:
    """The words of the lexical form of `text`, as scored and trained on."""
    return normalize_lexical(text, locale).split()


__all__ = ["is_english", "lexical_tokens", "normalize_lexical"]
